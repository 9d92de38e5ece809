"""Attendance (điểm danh): the homeroom teacher marks who is absent, excused (P) or not (K), day by
day, and states at the start of the next month that the month is complete [002 §4.1.3].

Pure rules: the tap cycle, short names for buttons, which days may still be entered, the month's
totals and its due date. Storage and the chat call these with plain values."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.calendar import DayOff, is_closed, year_setting
from domain.names import name_and_mark, split_name

EXCUSED = "P"  # vắng có phép
UNEXCUSED = "K"  # vắng không phép
MARKS = (EXCUSED, UNEXCUSED)
WHOLE_DAY = 0  # session 0; a school teaching two sessions records 1 (morning) and 2 (afternoon)
DUE_DAY = 3  # the month's attendance is due by the 3rd of the next month


class AbsenceUnit(StrEnum):
    """What an absence counts as in the totals (report cards, the DBF, the year-end 45): a school
    setting, the day by default (regulations.md Part A #9). In a one-session school both agree."""

    DAY = "day"  # a day with an absence is one, whatever its sessions
    SESSION = "session"  # each absent session (buổi) is one


ABSENCE_UNIT_SETTING = "absence_unit"


def absence_unit_of(settings: dict, year_name: str) -> AbsenceUnit:
    """The unit of the year's papers (a setting per year: domain/calendar.py year_setting)."""
    value = year_setting(settings, ABSENCE_UNIT_SETTING, year_name)
    return AbsenceUnit(value) if value in tuple(AbsenceUnit) else AbsenceUnit.DAY


def absence_totals(marks: Iterable[tuple[date, str]], unit: AbsenceUnit) -> tuple[int, int]:
    """(with permission, without) of one student's (day, mark) absences. Counted by day, a day is
    without permission when any of its absent sessions is (the stricter of the two records)."""
    marks = list(marks)
    if unit is AbsenceUnit.SESSION:
        excused = sum(mark == EXCUSED for _, mark in marks)
        return excused, len(marks) - excused
    by_day: dict[date, str] = {}
    for day, mark in marks:
        by_day[day] = UNEXCUSED if UNEXCUSED in (mark, by_day.get(day)) else EXCUSED
    excused = sum(mark == EXCUSED for mark in by_day.values())
    return excused, len(by_day) - excused


def next_mark(mark: str | None) -> str | None:
    """One tap: present → absent with permission (P) → without (K) → present."""
    if mark is None:
        return EXCUSED
    if mark == EXCUSED:
        return UNEXCUSED
    return None


@dataclass(frozen=True)
class Pupil:
    """A student as the attendance sees them: id and full name, in class-list order."""

    id: int
    full_name: str


def short_names(full_names: Sequence[str]) -> list[str]:
    """Given names for buttons, with the initials of the other names where two share a given name:
    ['Nguyễn Thị Lan', 'Trần Thị Lan', 'Lê Minh'] → ['Lan N.T.', 'Lan T.T.', 'Minh']."""
    marks = [name_and_mark(name)[1] for name in full_names]
    parts = [split_name(name_and_mark(name)[0]) for name in full_names]
    given = [g for _, _, g in parts]
    shown = []
    counts = (given.count(g) for g in given)
    for (family, middle, name), count, mark in zip(parts, counts, marks, strict=True):
        if count == 1:
            shown.append(name + mark)
            continue
        initials = "".join(f"{word[0]}." for word in f"{family} {middle}".split())
        shown.append(f"{name} {initials}".strip() + mark)
    return shown


def absentees(pupils: Sequence[Pupil], marks: Mapping[int, str]) -> list[tuple[str, str]]:
    """(short name, mark) of the absent, in class-list order: what the summary lists."""
    names = short_names([p.full_name for p in pupils])
    return [(name, marks[p.id]) for p, name in zip(pupils, names, strict=True) if p.id in marks]


DAY_TEXT = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}|\d{2}))?\s*$")


def parse_day(text: str, today: date) -> date | None:
    """A day as teachers type it: '13/10', '13-10-2025', '3.9.25'. Without a year, the latest such
    day that is not after today."""
    match = DAY_TEXT.match(text)
    if not match:
        return None
    day, month = int(match[1]), int(match[2])
    if match[3]:
        year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
    else:
        year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_of(day: date) -> tuple[int, int]:
    return day.year, day.month


def month_due(year: int, month: int) -> date:
    """The 3rd of the next month: the day the homeroom teacher must have entered the month by."""
    return date(year + month // 12, month % 12 + 1, DUE_DAY)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year, month + 1) if month < 12 else (year + 1, 1)


def day_problem(
    day: date,
    today: date,
    year_start: date,
    year_end: date,
    submitted: Collection[tuple[int, int]],
    year_lists: str | None = None,
) -> str | None:
    """Why ``day`` may not be entered (a message key), or None: not in the future, within the school
    year, and not in a month the homeroom teacher has submitted (changes then go through corrections);
    nothing once the class's year-end lists are submitted or approved (``year_lists``, their state)."""
    if year_lists == "approved":
        return "year_end.entry.attendance_locked"
    if year_lists == "submitted":
        return "year_end.entry.attendance_submitted"
    if day > today:
        return "attendance.error.future"
    if not year_start <= day <= year_end:
        return "attendance.error.outside_year"
    if month_of(day) in submitted:
        return "attendance.error.month_submitted"
    return None


def recent_days(
    today: date,
    year_start: date,
    year_end: date,
    submitted: Collection[tuple[int, int]],
    count: int = 6,
    days_off: tuple[DayOff, ...] = (),
) -> list[date]:
    """The latest days before today that may still be entered, newest first: no Sunday, public holiday
    or school day off among them (such a day may still be typed, as a class may meet on one)."""
    days: list[date] = []
    day = today - timedelta(days=1)
    while len(days) < count and day >= year_start:
        if not is_closed(day, days_off) and day_problem(day, today, year_start, year_end, submitted) is None:
            days.append(day)
        day -= timedelta(days=1)
    return days


def month_problem(year: int, month: int, today: date, submitted: Collection[tuple[int, int]]) -> str | None:
    """Why the month may not be submitted (a message key), or None: only a past or current month, once."""
    if (year, month) > month_of(today):
        return "attendance.error.month_future"
    if (year, month) in submitted:
        return "attendance.error.month_submitted"
    return None


@dataclass(frozen=True)
class Absence:
    student_id: int
    full_name: str
    day: date
    session: int
    mark: str


@dataclass(frozen=True)
class StudentTotals:
    full_name: str
    excused: int
    unexcused: int
    absences: tuple[Absence, ...] = ()


@dataclass(frozen=True)
class MonthSheet:
    """A month's absences: each absent student's P and K counts (in the school's unit) in class-list
    order, and the class totals."""

    students: tuple[StudentTotals, ...]
    excused: int
    unexcused: int


def month_sheet(
    absences: Sequence[Absence], order: Sequence[Pupil] = (), unit: AbsenceUnit = AbsenceUnit.DAY
) -> MonthSheet:
    """Totals per student; students of ``order`` first in that order, any other (moved away) after."""
    by_student: dict[int, list[Absence]] = {}
    for absence in sorted(absences, key=lambda a: (a.day, a.session)):
        by_student.setdefault(absence.student_id, []).append(absence)
    position = {pupil.id: index for index, pupil in enumerate(order)}
    ids = sorted(by_student, key=lambda sid: (position.get(sid, len(position)), by_student[sid][0].full_name))
    students = tuple(
        StudentTotals(
            by_student[sid][0].full_name,
            *absence_totals(((a.day, a.mark) for a in by_student[sid]), unit),
            tuple(by_student[sid]),
        )
        for sid in ids
    )
    return MonthSheet(students, sum(s.excused for s in students), sum(s.unexcused for s in students))
