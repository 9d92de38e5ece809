"""When a scheduled task is due, and when a missed run is still worth making up."""

from datetime import date, datetime, time

from domain.calendar import default_school_year
from domain.entry import Column
from domain.reminders import (
    late_report_matters,
    latest_due,
    lock_dates,
    locks_ahead,
    reminder_day,
    reminder_matters,
)
from domain.windows import ColumnKind

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


def test_columns_are_reminded_in_the_three_days_before_each_lock():
    year = default_school_year("2025-2026")
    assert [(lock.day, lock.midterm) for lock in lock_dates(year)] == [
        (date(2025, 11, 15), True),
        (date(2026, 1, 17), False),
        (date(2026, 3, 28), True),
        (date(2026, 5, 31), False),
    ]
    assert locks_ahead(year, date(2025, 11, 11)) == []
    assert [lock.day for lock in locks_ahead(year, date(2025, 11, 12))] == [date(2025, 11, 15)]
    assert locks_ahead(year, date(2025, 11, 15)) == []  # locked today: too late to remind
    midterm, end = lock_dates(year)[:2]
    assert midterm.closes(Column(ColumnKind.MIDTERM, 1)) and not end.closes(Column(ColumnKind.MIDTERM, 1))
    assert end.closes(Column(ColumnKind.REGULAR, 3)) and end.closes(Column(ColumnKind.TEST, 2))
    assert midterm.closes(Column(ColumnKind.TEST, 1)) and not midterm.closes(Column(ColumnKind.FINAL, 1))
