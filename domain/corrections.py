"""Correction requests (chỉnh sửa điểm, seed 002 §5): what a request must carry, its deadline, and
whether it is late. A late request can still be made; it says it is late and why.

Deadlines: a regular score (and an original-TT58 periodic test) may be corrected until two weeks
before the next mid-term or end-of-term test after it was entered; a mid-term or end-of-term score
(a primary periodic test too) within five days after its test. The test dates are the semester's
test windows; the deadline counts from the window's last day, the latest a class may have sat it.
Conduct and written comments are changed by their author while the book is open, not corrected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.attendance import MARKS, WHOLE_DAY, next_month, parse_day
from domain.errors import DomainError
from domain.school import Semester
from domain.windows import ColumnKind

BEFORE_TEST = timedelta(days=14)
AFTER_TEST = timedelta(days=5)
MAX_REASON = 500
MAX_EXAMINER = 100


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Target(StrEnum):
    SCORE = "score"  # a score or a mark (Đ/CĐ, T/H/C) of a column
    ABSENCE = "absence"  # an attendance mark of a submitted month


@dataclass(frozen=True)
class Deadline:
    last_day: date  # the last day a request is on time
    test_day: date  # the test the deadline is counted from


def is_periodic_test(kind: ColumnKind) -> bool:
    """Mid-term and end-of-term tests need the test paper and the examiner's confirmation."""
    return kind in (ColumnKind.MIDTERM, ColumnKind.FINAL, ColumnKind.TEST)


def deadline(semester: Semester, kind: ColumnKind, position: int, entered_on: date) -> Deadline | None:
    if kind is ColumnKind.MIDTERM or (kind is ColumnKind.TEST and position == 1):
        return Deadline(semester.midterm_end + AFTER_TEST, semester.midterm_end)
    if kind in (ColumnKind.FINAL, ColumnKind.TEST):
        return Deadline(semester.final_end + AFTER_TEST, semester.final_end)
    if kind in (ColumnKind.REGULAR, ColumnKind.PERIODIC):
        for test_day in (semester.midterm_start, semester.final_start):
            if entered_on <= test_day - BEFORE_TEST:
                return Deadline(test_day - BEFORE_TEST, test_day)
        return Deadline(semester.final_start - BEFORE_TEST, semester.final_start)
    return None


def is_late(limit: Deadline | None, today: date) -> bool:
    return limit is not None and today > limit.last_day


def same_value(new: str | None, old: str | None) -> bool:
    """Two stored values are the same: 7 and 7.0 are one score; marks as written; None is nothing."""
    if new and old and new[0].isdigit() and old[0].isdigit():
        return Decimal(new) == Decimal(old)
    return new == old


SESSION_WORDS = {"sáng": 1, "s": 1, "chiều": 2, "c": 2, "morning": 1, "afternoon": 2}
PRESENT = {"-", "có", "co", "present"}


@dataclass(frozen=True)
class MarkChange:
    day: date
    session: int
    mark: str | None  # P, K, or None: present


def read_mark_change(text: str, year: int, month: int, two_sessions: bool) -> MarkChange:
    """'14/10 K' (or '14/10 -' for present); in a two-session school '14/10 sáng K'. The day must be
    in the month being corrected."""
    words = text.strip().lower().split()
    if len(words) != (3 if two_sessions else 2):
        raise DomainError("correction.error.mark_format" + ("_sessions" if two_sessions else ""))
    day = parse_day(words[0], date(*next_month(year, month), 1) - timedelta(days=1))  # the month's last day
    if day is None or (day.year, day.month) != (year, month):
        raise DomainError("correction.error.day_not_in_month", month=f"{month:02d}/{year}")
    session = WHOLE_DAY
    if two_sessions:
        if words[1] not in SESSION_WORDS:
            raise DomainError("correction.error.mark_format_sessions")
        session = SESSION_WORDS[words[1]]
    mark = words[-1].upper()
    if words[-1] in PRESENT:
        return MarkChange(day, session, None)
    if mark not in MARKS:
        raise DomainError("correction.error.bad_mark", value=words[-1])
    return MarkChange(day, session, mark)
