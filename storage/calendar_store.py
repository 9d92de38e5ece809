"""The school year's calendar kept with the school: its days off, the days it is closed, the settings
it keeps per year, and the dates of each semester (its test weeks)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import (
    DAYS_OFF_SETTING,
    DayOff,
    closed_days,
    days_off_of,
    days_off_setting,
    saturdays_closed,
    with_year_setting,
)
from domain.school import Semester
from storage.changes import record_change, system_author
from storage.school_store import SEMESTER_FIELDS, SqlSchoolStore, stable_json


class SqlCalendarStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def days_off(self, year_name: str) -> tuple[DayOff, ...]:
        """The days off the school recorded (``sodiem school days-off``)."""
        return days_off_of(await self.school.settings(), year_name)

    async def closed_days(self, year_name: str) -> tuple[DayOff, ...]:
        """Those, and the Saturdays of a school that does not open on Saturdays (domain/calendar.py)."""
        settings = await self.school.settings()
        year = await self.school.year(year_name)
        return closed_days(days_off_of(settings, year_name), year, saturdays_closed(settings, year_name))

    async def set_year_setting(self, key: str, year_name: str, value: object) -> None:
        """A setting of one school year (domain/calendar.py year_setting), in the audit trail; a closed
        year's stays as its papers printed it."""
        await self.school.require_open((await self.school.year_row(year_name)).id)
        setting = with_year_setting(await self.school.settings(), key, year_name, value)
        await self.school.change_settings(**{key: setting})

    async def save_days_off(self, year_name: str, days_off: tuple[DayOff, ...]) -> None:
        """The year's days off replaced, as a school setting (so in the audit trail); a closed year's
        stay as its papers printed them."""
        await self.school.require_open((await self.school.year_row(year_name)).id)
        setting = days_off_setting(await self.school.settings(), year_name, days_off)
        await self.school.change_settings(**{DAYS_OFF_SETTING: setting})

    async def save_semester(self, year_name: str, semester: Semester) -> bool:
        """The semester's dates replaced (in the audit trail); False when nothing changed. A closed
        year's stay as its papers printed them."""
        year = await self.school.year_row(year_name)
        await self.school.require_open(year.id)
        row = next(each for each in year.semesters if each.number == semester.number)
        old = {field: getattr(row, field).isoformat() for field in SEMESTER_FIELDS[1:]}
        new = {field: getattr(semester, field).isoformat() for field in SEMESTER_FIELDS[1:]}
        if old == new:
            return False
        for field in SEMESTER_FIELDS[1:]:
            setattr(row, field, getattr(semester, field))
        key = f"{year.name}:{semester.number}"
        record_change(self.session, system_author("cli"), "semester", key, stable_json(old), stable_json(new))
        return True
