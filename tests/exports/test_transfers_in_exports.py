"""A move in the middle of semester I (6A → 6B on 10/11/2025), on both databases: attendance lists each
class as it was that day, each class's book shows the student with their dates (6A: what was entered
there, until they moved; 6B: from their date, with all their values of the year), the student's own
results count every value wherever entered, and the DBF (dbfread) and gradebook (pdftotext) say so."""

import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from dbfread import DBF

from cli.demo import create_demo_school
from domain.columns import Column
from domain.report_card import Period, report_cards
from domain.transfers import Change
from domain.windows import ColumnKind
from exports.service import export_class
from exports.verify import verify
from locales import translator
from storage.changes import Author, system_author
from storage.uow import UnitOfWork

YEAR = "2025-2026"
MOVE_DAY = date(2025, 11, 10)
T = translator("vi")


def author(day: date) -> Author:
    return Author(None, "test", "", datetime(day.year, day.month, day.day, 3, tzinfo=UTC))


async def ids(uow, class_name: str, on: date | None = None) -> list[int]:
    return [s.id for s in await uow.roster.class_list(class_name, YEAR, on=on)]


async def enter(database, class_name: str, position: int, value: str, day: date, absent: dict) -> None:
    """Toán's regular column ``position`` for everyone in the class that day, and that day's attendance."""
    async with UnitOfWork(database) as uow:
        year_row = await uow.school.year_row()
        class_row = await uow.school.class_row(class_name)
        toan = (await uow.school.subject_rows())["TOAN"]
        students = await ids(uow, class_name, day)
        column = Column(ColumnKind.REGULAR, position, ())
        values = dict.fromkeys(students, value)
        await uow.gradebook.save_column(class_row.id, toan.id, year_row.id, 1, column, values, author(day))
        await uow.attendance.save_day(class_row.id, day, 0, students, absent, author(day))
        await uow.commit()


@pytest.fixture
async def moved(database):
    await create_demo_school(database, YEAR)
    async with UnitOfWork(database, read_only=True) as uow:
        student = (await uow.roster.class_list("6A", YEAR))[0]
    await enter(database, "6A", 1, "8.5", date(2025, 10, 6), {student.id: "P"})
    async with UnitOfWork(database) as uow:
        await uow.transfers.move(student.code, "6B", MOVE_DAY, "gia đình đề nghị", system_author("test"))
        await uow.commit()
    await enter(database, "6B", 2, "9", date(2025, 11, 17), {student.id: "K"})
    await enter(database, "6A", 2, "7", date(2025, 11, 17), {})
    return database, student


async def test_attendance_lists_each_class_as_it_was_that_day(moved):
    database, student = moved
    async with UnitOfWork(database, read_only=True) as uow:
        assert student.id in await ids(uow, "6A", date(2025, 11, 7))
        assert student.id not in await ids(uow, "6A", MOVE_DAY)
        assert student.id in await ids(uow, "6B", MOVE_DAY)
        assert student.id not in await ids(uow, "6B", date(2025, 11, 7))
        marks = await uow.attendance.student_absences(student.id, date(2025, 9, 5), date(2026, 5, 31))
    assert [(day, mark) for day, mark in marks] == [(date(2025, 10, 6), "P"), (date(2025, 11, 17), "K")]


async def test_each_class_book_and_the_students_results_follow_the_dates(moved):
    database, student = moved
    async with UnitOfWork(database, read_only=True) as uow:
        old = await uow.exports.class_book("6A", None, Period.SEMESTER_1)
        new = await uow.exports.class_book("6B", None, Period.SEMESTER_1)
        later = await uow.exports.class_book("6A", None, Period.SEMESTER_2)
        toan = (await uow.school.subject_rows())["TOAN"].id
    in_old = next(s for s in old.students if s.id == student.id)
    in_new = next(s for s in new.students if s.id == student.id)
    assert (in_old.joined, in_old.left, in_old.left_reason) == (None, MOVE_DAY, "class-change")
    assert (in_new.joined, in_new.left) == (MOVE_DAY, None)
    assert student.id not in {s.id for s in later.students}
    assert len(old.present(Period.SEMESTER_1)) == len(old.students) - 1  # sĩ số at the end of semester I
    assert student.id in {s.id for s in new.present(Period.SEMESTER_1)}

    def toan_values(book):
        return sorted(
            (v.position, v.value) for v in book.values if v.student_id == student.id and v.subject_id == toan
        )

    assert toan_values(old) == [(1, "8.5")]  # what was entered in 6A; not 6A's column 2 of 17/11
    assert toan_values(new) == [(1, "8.5"), (2, "9")]  # everything of the year, wherever entered
    assert old.absences_of(student.id, Period.SEMESTER_1) == (1, 0)
    assert new.absences_of(student.id, Period.SEMESTER_1) == (1, 1)
    card = next(c for c in report_cards(new, Period.SEMESTER_1) if c.student.id == student.id)
    line = next(s for s in card.subjects if s.name == "Toán")
    assert line.regular == (Decimal("8.5"), Decimal("9"))
    assert card.absences == (1, 1)


async def test_the_dbf_and_the_gradebook_of_both_classes_say_so(moved, tmp_path):
    database, student = moved
    files = {}
    async with UnitOfWork(database, read_only=True) as uow:
        for class_name in ("6A", "6B"):
            for kind in ("dbf", "gradebook"):
                exported = await export_class(uow, kind, class_name, Period.SEMESTER_1, T)
                path = tmp_path / exported.file_name
                path.write_bytes(exported.data)
                files[(class_name, kind)] = path
    for class_name, note, toan in (
        ("6A", "Chuyển lớp từ 10/11/2025", (8.5, None)),
        ("6B", "Vào lớp từ 10/11/2025", (8.5, 9.0)),
    ):
        records = [r for r in DBF(files[(class_name, "dbf")], encoding="utf-8") if r["MAHS"] == student.code]
        assert {r["BIENDONG"] for r in records} == {note}
        row = next(r for r in records if r["MAMON"] == "TOAN")
        assert (row["TX1"], row["TX2"]) == toan
        text = subprocess.run(
            ["pdftotext", "-layout", str(files[(class_name, "gradebook")]), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(line for line in text.splitlines() if student.full_name in line and student.code in line)
        assert note in line
        for kind in ("dbf", "gradebook"):
            assert (await verify(database, files[(class_name, kind)])).differences == []


async def test_a_transfer_out_and_a_dropout_leave_the_counts_right(database):
    await create_demo_school(database, YEAR)
    async with UnitOfWork(database, read_only=True) as uow:
        listed = await uow.roster.class_list("7A", YEAR)
    async with UnitOfWork(database) as uow:
        await uow.transfers.leave(
            Change.TRANSFER_OUT,
            listed[0].code,
            date(2025, 12, 1),
            "theo gia đình",
            "THCS Chu Văn An",
            system_author("t"),
        )
        await uow.transfers.leave(
            Change.DROPOUT, listed[1].code, date(2026, 2, 2), "", "", system_author("t")
        )
        await uow.commit()
    async with UnitOfWork(database, read_only=True) as uow:
        first = await uow.exports.class_book("7A", None, Period.SEMESTER_1)
        second = await uow.exports.class_book("7A", None, Period.SEMESTER_2)
        summary = await export_class(uow, "dbf", "7A", Period.SEMESTER_2, T)
    assert len(first.students) == len(listed) and len(first.present(Period.SEMESTER_1)) == len(listed) - 1
    assert (
        len(second.students) == len(listed) - 1 and len(second.present(Period.SEMESTER_2)) == len(listed) - 2
    )
    assert summary.file_name.endswith(".dbf")
