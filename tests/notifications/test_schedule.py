"""When a scheduled task is due, and when a missed run is still worth making up."""

from datetime import date, datetime, time

from domain.reminders import late_report_matters, latest_due, reminder_day, reminder_matters

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
