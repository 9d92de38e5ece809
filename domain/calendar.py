"""Default dates of a school year, as the Ministry's yearly framework usually sets them (start early
September, semester I ends mid-January and semester II begins the next day, the year ends late May).
A school sets its first day, semester II's first day and its last day with ``sodiem school init`` (and
``sodiem year new`` for the next years): ``domain/new_year.py: new_year_dates``. The days a school does
not open: Sundays, the fixed-date public holidays and the school's own days off of each year
(``sodiem school days-off``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.importing import parse_date
from domain.school import SchoolYear, Semester, parse_year_name

SCHOOL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# The public holidays of a fixed solar date (Bộ luật Lao động 2019, Điều 112): Tết Dương lịch, the
# Liberation (30/4), Labour Day, National Day. Tết Nguyên đán and the Hùng Kings' day follow the lunar
# calendar and the government's yearly decision, and a school's own breaks its province's plan: the
# school records those as its days off.
PUBLIC_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))
DAYS_OFF_SETTING = "days_off"  # school setting: {year name: [[first, last, name], ...]}, ISO dates
NAME_LENGTH = 60


def is_public_holiday(day: date) -> bool:
    return (day.month, day.day) in PUBLIC_HOLIDAYS


@dataclass(frozen=True)
class DayOff:
    """Days the school is closed, first to last (one day: both the same), with a short name."""

    first: date
    last: date
    name: str

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


def read_days(text: str) -> tuple[date, date]:
    """'16/02/2026' or '16/02/2026-22/02/2026' (also with '–' or spaces around the dash)."""
    days = [parse_date(part) for part in re.split(r"[-–]", text.strip(), maxsplit=1)]
    if None in days:
        raise DomainError("schoolyear.days_off.bad_date", text=text[:40])
    return days[0], days[-1]


def with_test_windows(
    semester: Semester, midterm: tuple[date, date] | None, final: tuple[date, date] | None
) -> Semester:
    """The semester with its mid-term and end-of-term test windows (the school's test weeks) changed
    where given: each inside the semester, the mid-term's before the end-of-term's. They decide when
    those columns open and the deadlines of their corrections."""
    first_mid, last_mid = midterm or (semester.midterm_start, semester.midterm_end)
    first_final, last_final = final or (semester.final_start, semester.final_end)
    if not semester.start <= first_mid <= last_mid < first_final <= last_final <= semester.end:
        raise DomainError(
            "schoolyear.error.bad_test_windows",
            semester=semester.number,
            start=semester.start,
            end=semester.end,
            midterm=f"{first_mid:%d/%m/%Y}–{last_mid:%d/%m/%Y}",
            final=f"{first_final:%d/%m/%Y}–{last_final:%d/%m/%Y}",
        )
    return replace(
        semester, midterm_start=first_mid, midterm_end=last_mid, final_start=first_final, final_end=last_final
    )


def checked_year(name: str, one: Semester, two: Semester) -> SchoolYear:
    """The year of the two semesters, in order and each with its test weeks inside it (DomainError)."""
    if not one.start < one.end < two.start < two.end:
        raise DomainError(
            "schoolyear.error.bad_dates", year=name, start=one.start, second=two.start, end=two.end
        )
    for semester in (one, two):
        with_test_windows(semester, None, None)
    return SchoolYear(name, one.start, two.end, (one, two))


def with_semester_two_from(year: SchoolYear, first: date) -> tuple[Semester, Semester]:
    """Both semesters when semester II begins on ``first`` and semester I ends the day before (so no day
    of the year is in neither); each keeps its test weeks, which must still fit."""
    one, two = year.semesters
    return checked_year(
        year.name, replace(one, end=first - timedelta(days=1)), replace(two, start=first)
    ).semesters


def days_in_no_semester(year: SchoolYear) -> tuple[date, date] | None:
    """The first and last day between semester I's end and semester II's start, if there are any."""
    one, two = year.semesters
    if two.start - one.end <= timedelta(days=1):
        return None
    return one.end + timedelta(days=1), two.start - timedelta(days=1)


def day_off(text: str, name: str) -> DayOff:
    first, last = read_days(text)
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise DomainError("schoolyear.days_off.bad_name", length=NAME_LENGTH)
    if last < first:
        raise DomainError("schoolyear.days_off.end_before_start", first=first, last=last)
    return DayOff(first, last, name)


def with_day_off(days_off: tuple[DayOff, ...], new: DayOff, year: SchoolYear) -> tuple[DayOff, ...]:
    """The year's days off with ``new`` added, in date order; refused outside the year or over another."""
    if new.first < year.start or new.last > year.end:
        raise DomainError("schoolyear.days_off.outside_year", year=year.name, start=year.start, end=year.end)
    for other in days_off:
        if other.first <= new.last and new.first <= other.last:
            raise DomainError(
                "schoolyear.days_off.overlap", name=other.name, first=other.first, last=other.last
            )
    return tuple(sorted((*days_off, new), key=lambda each: each.first))


def without_day_off(days_off: tuple[DayOff, ...], text: str) -> tuple[DayOff, tuple[DayOff, ...]]:
    """The days off that cover the day ``text`` names, and the year's days off without them."""
    day, _ = read_days(text)
    found = day_off_on(day, days_off)
    if found is None:
        raise DomainError("schoolyear.days_off.none_on", day=day)
    return found, tuple(each for each in days_off if each != found)


def days_off_of(settings: dict, year_name: str) -> tuple[DayOff, ...]:
    stored = settings.get(DAYS_OFF_SETTING, {}).get(year_name, [])
    return tuple(DayOff(date.fromisoformat(a), date.fromisoformat(b), name) for a, b, name in stored)


def days_off_setting(settings: dict, year_name: str, days_off: tuple[DayOff, ...]) -> dict:
    """The days-off setting with the year's list replaced (a year with none left is dropped)."""
    years = {
        **settings.get(DAYS_OFF_SETTING, {}),
        year_name: [[d.first.isoformat(), d.last.isoformat(), d.name] for d in days_off],
    }
    return {name: listed for name, listed in years.items() if listed}


def day_off_on(day: date, days_off: tuple[DayOff, ...]) -> DayOff | None:
    return next((each for each in days_off if each.covers(day)), None)


SATURDAYS_SETTING = "saturdays_closed"  # per year (year_setting): True when the school does not open then


def year_setting(settings: dict, key: str, year_name: str) -> object | None:
    """A setting kept per school year ({year name: value}) as it holds for ``year_name``: the year's own
    value, else the latest earlier year's (a new year keeps the school's choice), else None. A change
    made in a later year never reaches a closed year's papers."""
    values = settings.get(key)
    if not isinstance(values, dict):
        return None
    earlier = sorted(name for name in values if name <= year_name)
    return values[earlier[-1]] if earlier else None


def with_year_setting(settings: dict, key: str, year_name: str, value: object) -> dict:
    """The setting's new {year name: value}, with ``year_name``'s value replaced."""
    values = settings.get(key)
    return {**(values if isinstance(values, dict) else {}), year_name: value}


def saturdays_closed(settings: dict, year_name: str) -> bool:
    return year_setting(settings, SATURDAYS_SETTING, year_name) is True


def closed_days(days_off: tuple[DayOff, ...], year: SchoolYear, no_saturdays: bool) -> tuple[DayOff, ...]:
    """The school's days off and, when it does not open on Saturdays, every Saturday of the year: what
    leave requests, the attendance's days and the printed attendance pages treat as closed."""
    if not no_saturdays:
        return days_off
    saturday = year.start + timedelta(days=(5 - year.start.weekday()) % 7)
    saturdays = []
    while saturday <= year.end:
        saturdays.append(DayOff(saturday, saturday, ""))
        saturday += timedelta(days=7)
    return (*days_off, *saturdays)


def is_closed(day: date, days_off: tuple[DayOff, ...] = ()) -> bool:
    """The school does not open: a Sunday, a public holiday or one of its days off."""
    return day.weekday() == 6 or is_public_holiday(day) or day_off_on(day, days_off) is not None


def school_date(moment: datetime) -> date:
    """The date at the school of a moment: 01:39 on 05/12 in Vietnam is 05/12, whatever zone the
    server runs in (on a UTC server it is still 04/12 there)."""
    return moment.astimezone(SCHOOL_ZONE).date()


def default_school_year(name: str) -> SchoolYear:
    first, second = parse_year_name(name)
    semester_one = Semester(
        number=1,
        start=date(first, 9, 5),
        midterm_start=date(first, 10, 27),
        midterm_end=date(first, 11, 8),
        final_start=date(first, 12, 22),
        final_end=date(second, 1, 3),
        end=date(second, 1, 17),
    )
    semester_two = Semester(
        number=2,
        start=semester_one.end + timedelta(days=1),  # no day of the year falls between the two
        midterm_start=date(second, 3, 9),
        midterm_end=date(second, 3, 21),
        final_start=date(second, 4, 27),
        final_end=date(second, 5, 9),
        end=date(second, 5, 31),
    )
    return SchoolYear(
        name=name, start=semester_one.start, end=semester_two.end, semesters=(semester_one, semester_two)
    )
