"""The demo school's 8B through a whole year, as its teachers would have entered it, for the year-end
tests: who fails what, who is absent too long, and the helpers that move the clock and press through
the year-end menus."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from domain.columns import offered_columns
from domain.entry import Column
from domain.evaluation import rules_for
from domain.windows import ColumnKind
from domain.year_end import Flag, Outcome, ReviewState, Stage, add_flag, decide
from services.year_end import proposed_lines
from storage.changes import Author
from storage.models import AbsenceRow, StaffRow
from storage.uow import UnitOfWork
from tests.storage.helpers import class_list_names

OLD, NEW = "2025-2026", "2026-2027"

# The class-list numbers (from 1) of the students whose year goes differently from the rest.
MATH_RETEST, INFORMATICS_RETEST, SUMMER_TRAINING, ABSENT, BOTH_FAILED, BEST = 1, 2, 3, 4, 5, 6
LOW = {"Toán", "Tin học"}  # two subjects below 3.5: one alone would lift the level (TT22 Đ9.3)
FAILING = (MATH_RETEST, INFORMATICS_RETEST, BOTH_FAILED)


async def fill_the_year(database, class_name: str = "8B", leave_out: tuple[str, int] | None = None) -> None:
    """Every column of both semesters, conduct and absences, as the teachers would have entered them;
    ``leave_out``: a subject's end-of-term column of a semester left empty."""
    author = Author(None, "test", "", datetime(2026, 5, 20, tzinfo=UTC))
    async with UnitOfWork(database) as uow:
        year, year_row = await uow.school.year(), await uow.school.year_row()
        class_row = next(c for c in (await uow.school.class_rows()).values() if c.name == class_name)
        students = [s.id for s in await uow.roster.class_list(class_name, year.name)]
        rules = rules_for(year.name, class_row.grade)
        for row in (await uow.school.subject_rows()).values():
            subject = await uow.gradebook.subject(row.id)
            if class_row.grade not in subject.grades:
                continue
            for semester in (1, 2):
                for offered in offered_columns(rules, subject, class_row.grade):
                    column = offered.column
                    if leave_out == (subject.name, semester) and column.kind is ColumnKind.FINAL:
                        continue
                    values = {sid: _value(column, n, subject.name) for n, sid in enumerate(students, start=1)}
                    await uow.gradebook.save_column(
                        class_row.id, row.id, year_row.id, semester, column, values, author
                    )
        for semester in (1, 2):
            levels = {sid: _conduct(n) for n, sid in enumerate(students, start=1)}
            await uow.gradebook.save_conduct(year_row.id, semester, levels, author)
        first = date(2026, 2, 2)
        for day in range(46):  # over the 45 days the rules allow
            uow.session.add(
                AbsenceRow(
                    student_id=students[ABSENT - 1],
                    class_id=class_row.id,
                    day=first + timedelta(days=day),
                    session=0,
                    mark="K",
                    entered_at=author.at,
                )
            )
        await uow.commit()


def _value(column: Column, number: int, subject: str) -> str:
    if column.marks:
        return column.marks[0]
    if number in FAILING and subject in LOW:
        return "2"
    if number == BEST:
        return "10" if column.integer else "9.5"
    return "8" if number <= 20 else "7"


def _conduct(number: int) -> str:
    if number in (SUMMER_TRAINING, BOTH_FAILED):
        return "Chưa đạt"
    return "Tốt" if number <= 20 else "Khá"


async def at_year_end(school) -> None:
    school.clock.now = datetime(2026, 5, 25, 2, 0, tzinfo=UTC)


async def choose(person, label: str) -> None:
    """Presses ``label`` on the bot's latest buttons, turning pages (▶) until it shows."""
    message = await person.wait_for(lambda m: label in m.button_texts or "▶" in m.button_texts)
    while label not in message.button_texts:
        person.press("▶", message)
        message = await person.wait_for(lambda m: label in m.button_texts or "▶" in m.button_texts)
    person.press(label, message)


async def class_id(school, name: str) -> int:
    async with UnitOfWork(school.database, read_only=True) as uow:
        return next(c.id for c in (await uow.school.class_rows()).values() if c.name == name)


async def students_of(school) -> list[str]:
    return await class_list_names(school.database, "8B")


async def approved_year_lists(
    school, decided: dict[int, Outcome], notes: dict[int, str] | None = None, by: str | None = None
) -> None:
    """8B's year lists as the engine proposes them, the cases left to people decided, with notes;
    approved, or only submitted when sent ``by`` a staff member (a code)."""
    cid = await class_id(school, "8B")
    async with UnitOfWork(school.database) as uow:
        staff = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == by)) if by else None
        author = Author(staff, "test", "", datetime(2026, 5, 26, tzinfo=UTC))
        lines = await proposed_lines(uow, cid, Stage.YEAR)
        lines = [
            decide(line, decided[n], "Quyết định của giáo viên") if n in decided else line
            for n, line in enumerate(lines, start=1)
        ]
        lines = [
            add_flag(x, Flag.NOTE, (notes or {})[n]) if n in (notes or {}) else x
            for n, x in enumerate(lines, 1)
        ]
        await uow.year_end.submit(cid, Stage.YEAR, lines, author)
        if by is None:
            await uow.year_end.decide(cid, Stage.YEAR, ReviewState.APPROVED, author)
        await uow.commit()


async def retest_prompt(person, subject: str) -> list[str]:
    person.send_command("/nhapdiem")
    await choose(person, f"8B · {subject}")
    await choose(person, "HK 2 •")
    await choose(person, "Kiểm tra lại (hè)")
    prompt = await person.wait_for(lambda m: "Gửi giá trị của cả lớp" in m.text)
    return [row for row in prompt.text.splitlines() if row.split(". ")[0].isdigit()]
