"""When reminders are due: the homeroom teachers on the 1st, 2nd and 3rd of a month while the previous
month's attendance is not submitted (it is due by the 3rd), the vice-principal on the 4th.

A scheduled task is due on some days at a time of day; a run missed while the bot was down is made up
when the bot comes back only if it still matters, and only the latest one (a teacher is reminded once
on the 2nd, not twice for the 1st and the 2nd). Subject teachers are reminded of the columns still
missing in the three days before the book locks them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.attendance import DUE_DAY, previous_month
from domain.school import SchoolYear, Semester
from domain.windows import MIDTERM_GRACE, ColumnKind, WindowDecision, default_span, entry_state

REMIND_DAYS = range(1, DUE_DAY + 1)  # 1, 2, 3
LATE_REPORT_DAY = DUE_DAY + 1  # 4
LATE_REPORT_MATTERS = 7  # days after the 4th that a late report is still worth sending
LOOK_BACK = 31  # days a missed run is looked for


def reminder_day(day: date) -> bool:
    return day.day in REMIND_DAYS


def reminder_matters(due: date, today: date) -> bool:
    """A reminder for the month's deadline is worth sending until the deadline (the 3rd) has passed."""
    return due.year == today.year and due.month == today.month and today.day <= DUE_DAY


def late_report_day(day: date) -> bool:
    return day.day == LATE_REPORT_DAY


def late_report_matters(due: date, today: date) -> bool:
    return today - due <= timedelta(days=LATE_REPORT_MATTERS)


def month_reported(day: date) -> tuple[int, int]:
    """The month whose attendance a reminder on ``day`` is about: the previous one."""
    return previous_month(day.year, day.month)


def latest_due(now: datetime, at: time, is_due_day, look_back: int = LOOK_BACK) -> date | None:
    """The latest day, up to ``now`` (school time), on which a task due at ``at`` should have run."""
    today = now.date()
    for back in range(look_back + 1):
        day = today - timedelta(days=back)
        if is_due_day(day) and (back > 0 or now.time() >= at):
            return day
    return None


# --- subject teachers: missing columns before the book locks -----------------------------------------

COLUMNS_REMIND_BEFORE = timedelta(days=3)


def last_entry_day(
    now: datetime,
    semester: Semester,
    kind: ColumnKind,
    grade: int,
    class_id: int,
    subject_id: int | None,
    decisions: list[WindowDecision],
    zone: ZoneInfo,
) -> date | None:
    """The last day a column open now can still be entered, under the default windows and the
    leadership's decisions (those planned for later too); None when it is not open now."""

    def open_at(moment: datetime) -> bool:
        return entry_state(moment, semester, kind, grade, class_id, subject_id, decisions, zone).open

    if not open_at(now):
        return None
    default_close = datetime.combine(default_span(semester, kind)[1] + timedelta(days=1), time(0), zone)
    changes = {default_close} | {d.starts_at for d in decisions} | {d.ends_at for d in decisions if d.ends_at}
    for moment in sorted(m for m in changes if m > now):
        if not open_at(moment):
            return (moment - timedelta(microseconds=1)).astimezone(zone).date()
    return None


def closes_soon(last_day: date | None, day: date) -> bool:
    """Whether a reminder is due on ``day`` for a column whose last day of entry is ``last_day``: in
    the three days before it."""
    return last_day is not None and last_day - COLUMNS_REMIND_BEFORE <= day < last_day


def every_day(day: date) -> bool:
    return True


def today_only(due: date, today: date) -> bool:
    return due == today


# --- the leadership: the progress summary, and locking proposed when a test period ends -------------


def default_lock_days(year: SchoolYear) -> list[date]:
    """The days a semester's columns close by default (windows.py): the mid-term column a week after
    the mid-term tests, every other column at the end of the semester."""
    return [day for s in year.semesters for day in (s.midterm_end + MIDTERM_GRACE, s.end)]


def progress_summary_due(year: SchoolYear, day: date) -> bool:
    """Monthly (the 1st) and three days before each default lock date."""
    return day.day == 1 or any(lock - COLUMNS_REMIND_BEFORE == day for lock in default_lock_days(year))


@dataclass(frozen=True)
class TestsEnded:
    """A mid-term or end-of-term test window that ended the day before."""

    semester: int
    midterm: bool
    last_day: date


def tests_ended(year: SchoolYear, day: date) -> list[TestsEnded]:
    ended = []
    for semester in year.semesters:
        if semester.midterm_end + timedelta(days=1) == day:
            ended.append(TestsEnded(semester.number, True, semester.midterm_end))
        if semester.final_end + timedelta(days=1) == day:
            ended.append(TestsEnded(semester.number, False, semester.final_end))
    return ended
