"""A small primary school (TT27) for the bot's tests: Trường Tiểu học Hoa Sen, class 3A of two pupils,
Cô Thu (GV31) its homeroom teacher."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.columns import offered_columns
from domain.evaluation import rules_for
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.importing import Table
from domain.roster import import_roster
from domain.school import Level, School
from domain.setup import init_school
from domain.staff import import_staff
from domain.windows import ColumnKind
from storage.changes import Author
from storage.uow import UnitOfWork
from tests.bot.conftest import STAFF_HEADERS
from tests.storage.helpers import HEADERS, YEAR

PUPILS = [
    [1, "P1", "Lý Thị Ngọc", "01/02/2017", "Nữ", "3A", "Kinh", "", "", ""],
    [2, "P2", "Võ Văn An", "03/04/2017", "Nam", "3A", "Kinh", "", "", ""],
]


async def create_primary_school(database) -> None:
    async with UnitOfWork(database) as uow:
        await init_school(uow.school, School("Trường Tiểu học Hoa Sen", Level.PRIMARY), YEAR)
        await uow.school.add_classes(["3A"], YEAR)
        await import_roster(
            uow.roster, YEAR, Table(HEADERS, list(enumerate(PUPILS, start=2))), date(2025, 9, 1)
        )
        teacher = ["GV31", "Đào Thị Thu", "0912000031", "Giáo viên", "", "3A", ""]
        await import_staff(uow.staff, YEAR, Table(STAFF_HEADERS, [(2, teacher)]), date(2025, 9, 1))
        await uow.commit()


async def fill_primary_year(database, levels: dict[str, str], tests: dict[str, str], ratings: dict[str, str]):
    """Both semesters' columns of every subject of 3A and the ratings, by pupil code: ``levels`` the
    subjects' level (T/H/C), ``tests`` the periodic tests' score, ``ratings`` every quality and competency."""
    author = Author(None, "test", "", datetime(2026, 5, 20, tzinfo=UTC))
    async with UnitOfWork(database) as uow:
        year_row = await uow.school.year_row()
        class_row = await uow.school.class_row("3A")
        pupils = {s.code: s.id for s in await uow.roster.class_list("3A", YEAR)}
        for row in (await uow.school.subject_rows()).values():
            subject = await uow.gradebook.subject(row.id)
            if 3 not in subject.grades:
                continue
            for semester in (1, 2):
                for offered in offered_columns(rules_for(YEAR, 3), subject, 3):
                    column = offered.column
                    wanted = tests if column.kind is ColumnKind.TEST else levels
                    values = {pupils[code]: value for code, value in wanted.items()}
                    await uow.gradebook.save_column(
                        class_row.id, row.id, year_row.id, semester, column, values, author
                    )
        for semester in (1, 2):
            for aspect in QUALITIES + COMPETENCIES:
                given = {pupils[code]: level for code, level in ratings.items()}
                await uow.gradebook.save_conduct(year_row.id, semester, given, author, aspect)
        await uow.commit()
