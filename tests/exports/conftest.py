"""A school for the export tests: the demo school's roster and staff, with class 6A filled for the whole
year (every column of every subject in both semesters, conduct, comments, some absences). Built once per
module on SQLite; ``database`` (both back ends) is used where storage itself is under test."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from cli.demo import create_demo_school
from domain import demo
from domain.columns import offered_columns
from domain.evaluation import rules_for
from domain.school import SubjectKind
from storage.changes import Author
from storage.db import Database
from storage.migrate import upgrade
from storage.uow import UnitOfWork
from tests.conftest import copy_sqlite_file, shared_sqlite_database

YEAR = "2025-2026"
CLASS = "6A"


async def fill_class(database: Database, class_name: str, semesters=(1, 2)) -> None:
    """Every column of every subject of the class, conduct, a comment per subject and a few absences."""
    async with UnitOfWork(database) as uow:
        year = await uow.school.year()
        year_row = await uow.school.year_row()
        class_row = await uow.school.class_row(class_name)
        students = [s.id for s in await uow.roster.class_list(class_name, year.name)]
        rows = sorted((await uow.school.subject_rows()).values(), key=lambda row: row.code)
        rules = rules_for(year.name, class_row.grade)
        for semester in semesters:
            term = year.semesters[semester - 1]
            author = Author(None, "test", "", datetime.combine(term.end, time(17), UTC))
            rng = random.Random(f"{class_name}/{semester}")
            ability = {sid: demo.student_ability(rng) for sid in students}
            for row in rows:
                subject = await uow.gradebook.subject(row.id)
                if class_row.grade not in subject.grades:
                    continue
                for offered in offered_columns(rules, subject, class_row.grade):
                    column = offered.column
                    values = {
                        sid: demo.comment_mark(rng, ability[sid])
                        if column.marks
                        else demo.score_near(rng, ability[sid], column.integer)
                        for sid in students
                    }
                    await uow.gradebook.save_column(
                        class_row.id, row.id, year_row.id, semester, column, values, author
                    )
                if subject.kind is not SubjectKind.COMMENT:
                    for sid in students:
                        await uow.gradebook.save_comment(
                            sid, row.id, year_row.id, semester, f"Nhận xét HK{semester}: tiến bộ rõ", author
                        )
            levels = {sid: rng.choice(("Tốt", "Khá", "Đạt")) for sid in students}
            await uow.gradebook.save_conduct(year_row.id, semester, levels, author)
            days = demo.school_days(term.start, term.end)[:3]
            for number, day in enumerate(days):
                marks = {students[number]: "P" if number % 2 == 0 else "K"}
                await uow.attendance.save_day(class_row.id, day, 0, students, marks, author)
        await uow.commit()


@dataclass(frozen=True)
class FilledSchool:
    url: str
    database: Database


def _build(url: str) -> None:
    upgrade(url)

    async def work() -> None:
        database = Database(url)
        await create_demo_school(database, YEAR)
        await fill_class(database, CLASS)
        await database.dispose()

    asyncio.run(work())


@pytest.fixture(scope="session")
def filled_template(tmp_path_factory) -> Path:
    """The filled school, built once per run and shared by the xdist workers."""
    return shared_sqlite_database(tmp_path_factory, "exports-filled-school.db", _build)


@pytest.fixture(scope="module")
def filled_url(filled_template: Path, tmp_path_factory) -> Iterator[str]:
    """A copy of the filled school for the module, which may change it."""
    path = tmp_path_factory.mktemp("exports") / "school.db"
    copy_sqlite_file(filled_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def filled(filled_url: str):
    database = Database(filled_url)
    yield database
    await database.dispose()
