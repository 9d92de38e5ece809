"""The school's days off (domain/calendar.py): how they are typed, what is refused, how they are kept."""

from datetime import date, timedelta

import pytest

from domain.calendar import (
    DayOff,
    closed_days,
    day_off,
    day_off_on,
    days_off_of,
    days_off_setting,
    default_school_year,
    read_days,
    with_day_off,
    without_day_off,
)
from domain.errors import DomainError
from domain.new_year import new_year_dates

YEAR = default_school_year("2025-2026")
TET = DayOff(date(2026, 2, 16), date(2026, 2, 22), "Tết Nguyên đán")


@pytest.mark.parametrize(
    "text", ["16/02/2026-22/02/2026", " 16/2/2026 – 22/2/2026 ", "16/02/2026 - 22/02/2026"]
)
def test_a_range_is_typed_with_a_dash(text):
    assert read_days(text) == (TET.first, TET.last)


def test_one_day_is_its_own_first_and_last():
    assert read_days("26/04/2026") == (date(2026, 4, 26), date(2026, 4, 26))


@pytest.mark.parametrize("text", ["", "2026-02-16", "31/02/2026", "16/02/26", "16/02/2026-", "16/02/2026-x"])
def test_a_malformed_date_is_refused(text):
    with pytest.raises(DomainError) as refused:
        read_days(text)
    assert refused.value.key == "schoolyear.days_off.bad_date"


@pytest.mark.parametrize(
    ("days", "name", "key"),
    [
        ("22/02/2026-16/02/2026", "Tết", "schoolyear.days_off.end_before_start"),
        ("16/02/2026", "   ", "schoolyear.days_off.bad_name"),
        ("16/02/2026", "x" * 61, "schoolyear.days_off.bad_name"),
    ],
)
def test_a_day_off_needs_an_order_and_a_short_name(days, name, key):
    with pytest.raises(DomainError) as refused:
        day_off(days, name)
    assert refused.value.key == key


@pytest.mark.parametrize(
    ("days", "key"),
    [
        ("01/09/2025", "schoolyear.days_off.outside_year"),  # before the first day (05/09/2025)
        ("30/05/2026-01/06/2026", "schoolyear.days_off.outside_year"),  # past the last day
        ("22/02/2026-23/02/2026", "schoolyear.days_off.overlap"),  # touches Tết's last day
        ("10/02/2026-16/02/2026", "schoolyear.days_off.overlap"),
    ],
)
def test_outside_the_year_or_over_another_is_refused(days, key):
    with pytest.raises(DomainError) as refused:
        with_day_off((TET,), day_off(days, "Nghỉ"), YEAR)
    assert refused.value.key == key


def test_days_off_are_kept_in_date_order_by_year_and_removed_by_any_day_they_cover():
    hung_kings = day_off("26/04/2026", "Giỗ Tổ  Hùng Vương")
    assert hung_kings.name == "Giỗ Tổ Hùng Vương"
    recorded = with_day_off(with_day_off((), hung_kings, YEAR), TET, YEAR)
    assert recorded == (TET, hung_kings)
    setting = days_off_setting({}, YEAR.name, recorded)
    assert setting == {
        "2025-2026": [
            ["2026-02-16", "2026-02-22", "Tết Nguyên đán"],
            ["2026-04-26", "2026-04-26", hung_kings.name],
        ]
    }
    assert days_off_of({"days_off": setting}, YEAR.name) == recorded
    assert days_off_of({"days_off": setting}, "2026-2027") == ()
    assert day_off_on(date(2026, 2, 18), recorded) == TET and day_off_on(date(2026, 2, 23), recorded) is None
    removed, kept = without_day_off(recorded, "18/02/2026")
    assert removed == TET and kept == (hung_kings,)
    assert days_off_setting({"days_off": setting}, YEAR.name, ()) == {}  # a year with none left is dropped
    with pytest.raises(DomainError) as refused:
        without_day_off(kept, "18/02/2026")
    assert refused.value.key == "schoolyear.days_off.none_on"


@pytest.mark.parametrize("name", ["2024-2025", "2025-2026", "2026-2027", "2027-2028", "2028-2029"])
def test_every_day_of_a_default_year_is_in_one_semester(name):
    """Semester II begins the day after semester I ends (18/01 is a Monday in 2027: an absence then must
    be on a semester's card, not only in the year's total)."""
    year = default_school_year(name)
    one, two = year.semesters
    assert (one.start, two.end) == (year.start, year.end)
    assert two.start == one.end + timedelta(days=1)


def test_a_school_closed_on_saturdays_has_every_saturday_of_the_year_off():
    make_up = DayOff(date(2025, 11, 21), date(2025, 11, 21), "Nghỉ bù")
    closed = closed_days((make_up,), YEAR, no_saturdays=True)
    saturdays = [each.first for each in closed if each != make_up]
    assert saturdays[0] == date(2025, 9, 6) and saturdays[-1] == date(2026, 5, 30)
    assert all(day.weekday() == 5 for day in saturdays) and len(saturdays) == 39
    assert closed_days((make_up,), YEAR, no_saturdays=False) == (make_up,)


def test_a_province_calendar_moves_the_test_weeks_with_the_semesters_or_is_refused():
    """Semester II from 02/01/2026: semester I ends 01/01, and its end-of-term tests (the Ministry's
    22/12–03/01) move with its end, to 06/12–18/12, instead of running past it. A year ending on 15/03
    leaves semester II's end-of-term tests before its mid-term ones: refused, saying so."""
    one, two = new_year_dates("2025-2026", second=date(2026, 1, 2)).semesters
    assert (one.end, one.final_start, one.final_end) == (
        date(2026, 1, 1),
        date(2025, 12, 6),
        date(2025, 12, 18),
    )
    assert (two.start, two.midterm_start) == (date(2026, 1, 2), date(2026, 2, 21))
    with pytest.raises(DomainError) as refused:
        new_year_dates("2025-2026", end=date(2026, 3, 15))
    assert refused.value.key == "schoolyear.error.bad_test_windows" and refused.value.params["semester"] == 2
