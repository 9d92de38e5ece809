"""When a scheduled task is due, and when a missed run is still worth making up."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.calendar import default_school_year
from domain.reminders import (
    closes_soon,
    last_entry_day,
    late_report_matters,
    latest_due,
    reminder_day,
    reminder_matters,
)
from domain.windows import ColumnKind, WindowDecision, WindowState

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

SEVEN = time(7, 0)


def test_the_latest_due_reminder_is_the_only_one_made_up():
    before_seven = latest_due(datetime(2025, 11, 1, 6, 59), SEVEN, reminder_day)
    assert before_seven == date(2025, 10, 3) and not reminder_matters(before_seven, date(2025, 11, 1))
    assert latest_due(datetime(2025, 11, 1, 7, 0), SEVEN, reminder_day) == date(2025, 11, 1)
    assert latest_due(datetime(2025, 11, 2, 6, 0), SEVEN, reminder_day) == date(2025, 11, 1)
    assert latest_due(datetime(2025, 11, 3, 9, 0), SEVEN, reminder_day) == date(2025, 11, 3)
    assert latest_due(datetime(2025, 11, 20, 9, 0), SEVEN, reminder_day) == date(2025, 11, 3)


def test_a_missed_reminder_matters_until_the_deadline_and_the_late_report_for_a_week():
    assert reminder_matters(date(2025, 11, 2), date(2025, 11, 3))
    assert not reminder_matters(date(2025, 11, 3), date(2025, 11, 4))
    assert late_report_matters(date(2025, 11, 4), date(2025, 11, 11))
    assert not late_report_matters(date(2025, 11, 4), date(2025, 11, 12))


def _last_day(year, kind: ColumnKind, now: datetime, decisions=()) -> date | None:
    semester = year.semesters[0]
    return last_entry_day(now.replace(tzinfo=HCM), semester, kind, 6, 1, 2, list(decisions), HCM)


def _decision(state: WindowState, starts: datetime, ends: datetime | None = None, **scope) -> WindowDecision:
    ends_at = ends.replace(tzinfo=HCM) if ends else None
    return WindowDecision(
        state, starts.replace(tzinfo=HCM), ends_at, decided_at=starts.replace(tzinfo=HCM), **scope
    )


def test_by_default_the_midterm_column_closes_a_week_after_the_tests_and_the_rest_at_the_semester_end():
    year = default_school_year("2025-2026")
    assert _last_day(year, ColumnKind.MIDTERM, datetime(2025, 11, 12, 7)) == date(2025, 11, 15)
    assert _last_day(year, ColumnKind.REGULAR, datetime(2025, 11, 12, 7)) == date(2026, 1, 17)
    assert _last_day(year, ColumnKind.FINAL, datetime(2025, 11, 12, 7)) is None  # not open yet
    assert not closes_soon(date(2025, 11, 15), date(2025, 11, 11))
    assert closes_soon(date(2025, 11, 15), date(2025, 11, 12))
    assert not closes_soon(date(2025, 11, 15), date(2025, 11, 15))  # the last day: too late to remind


def test_the_leadership_s_decisions_move_the_last_day_of_entry():
    year = default_school_year("2025-2026")
    now = datetime(2025, 11, 12, 7)
    locked_early = _decision(WindowState.LOCKED, datetime(2025, 11, 13, 17))  # planned for tomorrow evening
    assert _last_day(year, ColumnKind.MIDTERM, now, [locked_early]) == date(2025, 11, 13)
    other_class = _decision(WindowState.LOCKED, datetime(2025, 11, 13, 17), class_id=9)
    assert _last_day(year, ColumnKind.MIDTERM, now, [other_class]) == date(2025, 11, 15)
    opened_longer = _decision(WindowState.OPEN, datetime(2025, 11, 10), datetime(2025, 11, 22))
    assert _last_day(year, ColumnKind.MIDTERM, now, [opened_longer]) == date(2025, 11, 21)
    reopened = _decision(WindowState.OPEN, datetime(2025, 11, 20), datetime(2025, 11, 25))
    assert _last_day(year, ColumnKind.MIDTERM, datetime(2025, 11, 21, 7), [reopened]) == date(2025, 11, 24)
