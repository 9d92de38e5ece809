"""A school that teaches mornings and afternoons records each session, but an absence counts by the day
unless the school chooses to count sessions (regulations.md Part A #9): the report card, the DBF file
and the year-end review all say the same."""

from __future__ import annotations

from datetime import UTC, date, datetime

import dbfread

from domain.attendance import ABSENCE_UNIT_SETTING, AbsenceUnit
from domain.report_card import Period, report_cards
from exports.dbf_file import write_dbf
from services.year_end import proposed_lines
from storage.changes import Author
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS

MONDAY, TUESDAY = date(2025, 10, 13), date(2025, 10, 14)
MORNING, AFTERNOON = 1, 2


async def papers(database, student_id: int, tmp_path) -> dict[str, tuple[int, int] | int]:
    """The student's semester I absences (with permission, without) as the card and the DBF give them,
    and the year-end line's total."""
    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book(CLASS)
        class_id = (await uow.school.class_row(CLASS)).id
        line = next(x for x in await proposed_lines(uow, class_id, "year") if x.student_id == student_id)
    card = next(c for c in report_cards(book, Period.SEMESTER_1) if c.student.id == student_id)
    write_dbf(book, 1, tmp_path / "hk1.dbf")
    records = dbfread.DBF(str(tmp_path / "hk1.dbf"), encoding="utf-8")
    record = next(r for r in records if r["HOTEN"] == card.student.full_name and r["MAMON"] == "TOAN")
    return {"card": card.absences, "dbf": (record["NGHICP"], record["NGHIKP"]), "year-end": line.absences}


async def test_a_whole_day_absent_is_one_day_on_every_paper_unless_sessions_are_counted(filled, tmp_path):
    """Bình misses all of Monday with permission and Tuesday afternoon without."""
    async with UnitOfWork(filled) as uow:
        await uow.school.change_settings(sessions_per_day=2)
        class_id = (await uow.school.class_row(CLASS)).id
        student_id = (await uow.roster.class_list(CLASS, (await uow.school.year()).name))[-1].id
        await uow.commit()
    before = await papers(filled, student_id, tmp_path)
    async with UnitOfWork(filled) as uow:
        teacher = Author(None, "telegram", "1", datetime(2025, 10, 14, 10, tzinfo=UTC))
        for day, session, mark in (
            (MONDAY, MORNING, "P"),
            (MONDAY, AFTERNOON, "P"),
            (TUESDAY, AFTERNOON, "K"),
        ):
            await uow.attendance.save_day(class_id, day, session, [student_id], {student_id: mark}, teacher)
        await uow.commit()

    by_day = await papers(filled, student_id, tmp_path)
    excused, unexcused = before["card"]
    assert by_day["card"] == by_day["dbf"] == (excused + 1, unexcused + 1)
    assert by_day["year-end"] == before["year-end"] + 2

    async with UnitOfWork(filled) as uow:
        year = (await uow.school.year()).name
        await uow.calendar.set_year_setting(ABSENCE_UNIT_SETTING, year, AbsenceUnit.SESSION.value)
        await uow.commit()
    by_session = await papers(filled, student_id, tmp_path)
    assert by_session["card"] == by_session["dbf"] == (excused + 2, unexcused + 1)
    assert by_session["year-end"] == before["year-end"] + 3
