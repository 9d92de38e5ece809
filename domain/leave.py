"""Leave requests (đơn xin nghỉ học): a parent asks for one or more days, or the mornings or
afternoons of them, off for their child, with a reason; the homeroom teacher accepts or declines.

Pure rules: reading the days as parents type them, what may be asked for (not a past day, inside the
school year, not overlapping a request that stands), whether it came after the school's cut-off
time, and the attendance slots an accepted request marks "P"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from domain.attendance import WHOLE_DAY
from domain.calendar import DayOff, is_closed
from domain.errors import DomainError
from domain.text import visible_text

MAX_REASON = 300
MAX_DAYS = 30  # a longer absence is a matter for a meeting, not a chat request
DEFAULT_CUTOFF = time(7, 0)  # lessons begin at 7:00 in most schools
CUTOFF_SETTING = "leave_cutoff"
SESSION_WORDS = {"sáng": 1, "sang": 1, "morning": 1, "chiều": 2, "chieu": 2, "afternoon": 2}
DAY = r"(\d{1,2})\s*[/.]\s*(\d{1,2})(?:\s*[/.]\s*(\d{4}))?"
DAYS_TEXT = re.compile(rf"^\s*{DAY}(?:\s*(?:-|–|đến|den|to)\s*{DAY})?\s*(\S+)?\s*$", re.IGNORECASE)


class Status(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True)
class Days:
    """What a request covers: every school day from ``first`` to ``last``, the whole day or one session."""

    first: date
    last: date
    session: int = WHOLE_DAY

    def overlaps(self, other: Days) -> bool:
        sessions_meet = WHOLE_DAY in (self.session, other.session) or self.session == other.session
        return sessions_meet and self.first <= other.last and other.first <= self.last


def _day(day: str, month: str, year: str | None, today: date) -> date | None:
    """A day without a year is the one nearest ``today`` (a request in December for 5/1 means January)."""
    try:
        if year:
            return date(int(year), int(month), int(day))
        candidates = [date(today.year + shift, int(month), int(day)) for shift in (-1, 0, 1)]
    except ValueError:
        return None
    return min(candidates, key=lambda candidate: abs((candidate - today).days))


def read_days(text: str, today: date, two_sessions: bool) -> Days:
    """'15/10', '15/10-17/10', '15/10/2025'; in a two-session school also '15/10 sáng' or '15/10 chiều'."""
    match = DAYS_TEXT.match(visible_text(text))
    if not match:
        raise DomainError("leave.refused.bad_days" + ("_sessions" if two_sessions else ""), text=text[:40])
    first = _day(match[1], match[2], match[3], today)
    last = _day(match[4], match[5], match[6], today) if match[4] else first
    session = WHOLE_DAY
    if match[7]:
        word = match[7].lower()
        if not two_sessions or word not in SESSION_WORDS:
            raise DomainError(
                "leave.refused.bad_days" + ("_sessions" if two_sessions else ""), text=text[:40]
            )
        session = SESSION_WORDS[word]
    if first is None or last is None:
        raise DomainError("leave.refused.no_such_day", text=text[:40])
    if last < first:
        raise DomainError("leave.refused.backwards", first=first, last=last)
    return Days(first, last, session)


def check_days(
    days: Days, today: date, year_start: date, year_end: date, days_off: tuple[DayOff, ...] = ()
) -> None:
    """Not a past day, inside the school year, not longer than ``MAX_DAYS``, at least one school day."""
    if days.first < today:
        raise DomainError("leave.refused.past_day", date=days.first, today=today)
    if days.first < year_start or days.last > year_end:
        raise DomainError("leave.refused.outside_year", start=year_start, end=year_end)
    if (days.last - days.first).days + 1 > MAX_DAYS:
        raise DomainError("leave.refused.too_long", limit=MAX_DAYS)
    if not slots(days, 1, days_off):
        key = "leave.refused.no_school_day" if days.first == days.last else "leave.refused.no_school_days"
        raise DomainError(key, first=days.first, last=days.last)


def check_reason(text: str) -> str:
    reason = " ".join(visible_text(text).split())
    if not reason:
        raise DomainError("leave.refused.no_reason")
    if len(reason) > MAX_REASON:
        raise DomainError("leave.refused.long_reason", limit=MAX_REASON, length=len(reason))
    return reason


def check_overlap(days: Days, standing: Iterable[tuple[int, Days]]) -> None:
    """Refused when a pending or accepted request of the same child already covers part of it."""
    for request_id, other in standing:
        if days.overlaps(other):
            raise DomainError("leave.refused.overlap", id=request_id, first=other.first, last=other.last)


def is_late(days: Days, asked_at: datetime, cutoff: time) -> bool:
    """Asked on the first day itself after the cut-off (``asked_at`` in school time)."""
    return asked_at.date() >= days.first and asked_at.time() > cutoff


def read_cutoff(text: str) -> time:
    """'07:00' or '7:30' (school time)."""
    match = re.fullmatch(r"\s*(\d{1,2})[:h](\d{2})\s*", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise DomainError("leave.refused.bad_cutoff", text=text[:20])
    return time(int(match[1]), int(match[2]))


def cutoff_of(settings: dict) -> time:
    value = settings.get(CUTOFF_SETTING)
    return time.fromisoformat(value) if value else DEFAULT_CUTOFF


def slots(days: Days, sessions_per_day: int, days_off: tuple[DayOff, ...] = ()) -> list[tuple[date, int]]:
    """The attendance (day, session) pairs the request covers, the days the school is closed left out
    (Sundays, public holidays, its days off: an absence there would count towards the year's limit): a
    whole day is both sessions where the school records two."""
    sessions = (
        [days.session] if days.session != WHOLE_DAY else ([1, 2] if sessions_per_day == 2 else [WHOLE_DAY])
    )
    day, found = days.first, []
    while day <= days.last:
        if not is_closed(day, days_off):
            found += [(day, session) for session in sessions]
        day += timedelta(days=1)
    return found
