"""The exports read a class's whole book, and every export is recorded — on both back ends."""

from __future__ import annotations

from datetime import UTC, datetime

from cli.demo import create_demo_school
from domain.report_card import Period, report_cards
from storage.changes import Author
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS, YEAR, fill_class


async def test_the_class_book_holds_every_value_and_each_export_is_kept(database):
    await create_demo_school(database, YEAR)
    await fill_class(database, CLASS, semesters=(1,))
    async with UnitOfWork(database) as uow:
        book = await uow.exports.class_book(CLASS)
        year_row = await uow.school.year_row()
        class_row = await uow.school.class_row(CLASS)
        expected = await uow.gradebook.class_record(uow.roster, class_row.id)
        uow.exports.record_export(
            Author(None, "cli", "", datetime(2026, 1, 10, 8, tzinfo=UTC)),
            "dbf",
            CLASS,
            "1",
            "6A.dbf",
            "AB12-CD34",
            99,
        )
        await uow.commit()
    assert [s.id for s in book.students] == [sid for sid, _ in expected.students]
    assert sorted(book.values, key=repr) == sorted(expected.values, key=repr)
    assert book.homeroom_teacher and book.principal and book.teachers
    assert year_row.name == book.year.name and book.grade == 6
    assert len(report_cards(book, Period.SEMESTER_1)) == len(book.students)
    async with UnitOfWork(database, read_only=True) as uow:
        [kept] = await uow.exports.exports()
    assert (kept.kind, kept.scope, kept.fingerprint, kept.file_name) == ("dbf", CLASS, "AB12-CD34", "6A.dbf")
