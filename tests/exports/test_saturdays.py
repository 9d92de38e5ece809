"""A school that does not open on Saturdays: the printed book's attendance pages head each Saturday
«Nghỉ» on grey, as they do the school's days off."""

from __future__ import annotations

from domain.calendar import SATURDAYS_SETTING
from domain.report_card import Period
from exports.gradebook import sections
from locales import translator
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS


async def october_page(database):
    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book(CLASS)
    return next(
        p for p in sections(book, Period.SEMESTER_1, translator("vi")) if p.key == "attendance-2025-10"
    )


async def test_the_saturdays_of_a_five_day_school_are_shaded_on_the_attendance_pages(filled):
    six_days = (await october_page(filled)).rows[0]
    assert "4" in six_days and "11" in six_days  # Saturdays 4 and 11/10/2025: school days
    async with UnitOfWork(filled) as uow:
        await uow.calendar.set_year_setting(SATURDAYS_SETTING, (await uow.school.year()).name, True)
        await uow.commit()
    page = await october_page(filled)
    header = page.rows[0]
    for saturday in (4, 11, 18, 25):
        assert header.index(f"{saturday}\nNghỉ") in page.shaded
    assert "3" in header and header.index("3") not in page.shaded  # a Friday stays a school day
