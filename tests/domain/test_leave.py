"""Leave requests: the days as parents type them, what may be asked, lateness and the slots marked P."""

from datetime import date, datetime, time

import pytest

from domain.calendar import DayOff
from domain.errors import DomainError
from domain.leave import (
    MAX_REASON,
    Days,
    check_days,
    check_overlap,
    check_reason,
    cutoff_of,
    is_late,
    read_cutoff,
    read_days,
    slots,
)

TODAY = date(2025, 10, 14)  # a Tuesday
YEAR = (date(2025, 9, 5), date(2026, 5, 31))


def refused(key: str, call, *args) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args)
    assert caught.value.key == key
    return caught.value


def test_days_as_parents_type_them():
    assert read_days("15/10", TODAY, False) == Days(date(2025, 10, 15), date(2025, 10, 15))
    assert read_days(" 15/10 - 17/10 ", TODAY, False) == Days(date(2025, 10, 15), date(2025, 10, 17))
    assert read_days("15/10 đến 17/10", TODAY, False).last == date(2025, 10, 17)
    assert read_days("5/1", date(2025, 12, 20), False).first == date(2026, 1, 5)  # January next
    assert read_days("16.10.2025", TODAY, False).first == date(2025, 10, 16)
    assert read_days("15/10 sáng", TODAY, True) == Days(date(2025, 10, 15), date(2025, 10, 15), 1)
    assert read_days("15/10 Chiều", TODAY, True).session == 2


def test_days_that_cannot_be_read_are_refused_with_the_typed_text():
    assert refused("leave.refused.bad_days", read_days, "mai", TODAY, False).params["text"] == "mai"
    refused("leave.refused.bad_days", read_days, "15/10 sáng", TODAY, False)  # one-session school
    refused("leave.refused.bad_days_sessions", read_days, "15/10 tối", TODAY, True)
    refused("leave.refused.no_such_day", read_days, "31/11", TODAY, False)
    refused("leave.refused.backwards", read_days, "17/10-15/10", TODAY, False)


def test_past_days_days_outside_the_year_and_long_spans_are_refused():
    check_days(Days(TODAY, TODAY), TODAY, *YEAR)  # today may still be asked (it is marked late)
    error = refused("leave.refused.past_day", check_days, Days(date(2025, 10, 13), TODAY), TODAY, *YEAR)
    assert error.params == {"date": date(2025, 10, 13), "today": TODAY}
    refused("leave.refused.outside_year", check_days, Days(date(2026, 6, 1), date(2026, 6, 2)), TODAY, *YEAR)
    refused("leave.refused.too_long", check_days, Days(date(2025, 10, 15), date(2025, 11, 20)), TODAY, *YEAR)


def test_reasons_are_cleaned_and_limited():
    assert check_reason("  Cháu\u200b bị   sốt \n") == "Cháu bị sốt"
    refused("leave.refused.no_reason", check_reason, " \u200b ")
    error = refused("leave.refused.long_reason", check_reason, "a" * (MAX_REASON + 1))
    assert error.params == {"limit": MAX_REASON, "length": MAX_REASON + 1}


def test_overlaps_by_day_and_session():
    standing = [(7, Days(date(2025, 10, 15), date(2025, 10, 16), 1))]  # two mornings
    check_overlap(Days(date(2025, 10, 15), date(2025, 10, 15), 2), standing)  # an afternoon is free
    check_overlap(Days(date(2025, 10, 17), date(2025, 10, 17)), standing)
    error = refused(
        "leave.refused.overlap", check_overlap, Days(date(2025, 10, 16), date(2025, 10, 18)), standing
    )
    assert error.params["id"] == 7


def test_late_means_on_the_day_itself_after_the_cutoff():
    days = Days(date(2025, 10, 15), date(2025, 10, 15))
    assert not is_late(days, datetime(2025, 10, 14, 21, 0), time(7, 0))
    assert not is_late(days, datetime(2025, 10, 15, 6, 59), time(7, 0))
    assert is_late(days, datetime(2025, 10, 15, 7, 1), time(7, 0))
    assert cutoff_of({}) == time(7, 0) and cutoff_of({"leave_cutoff": "06:30"}) == time(6, 30)
    assert read_cutoff("6h30") == time(6, 30)
    refused("leave.refused.bad_cutoff", read_cutoff, "25:00")


def test_slots_skip_sundays_and_split_a_whole_day_into_sessions():
    friday_to_monday = Days(date(2025, 10, 17), date(2025, 10, 20))
    assert slots(friday_to_monday, 1) == [(date(2025, 10, d), 0) for d in (17, 18, 20)]
    assert slots(Days(date(2025, 10, 17), date(2025, 10, 17)), 2) == [
        (date(2025, 10, 17), 1),
        (date(2025, 10, 17), 2),
    ]
    assert slots(Days(date(2025, 10, 17), date(2025, 10, 17), 2), 2) == [(date(2025, 10, 17), 2)]


def test_slots_leave_out_public_holidays_and_the_schools_days_off():
    """Đơn 29/04–04/05/2026: 30/4 and 1/5 are public holidays, 3/5 a Sunday, and the school gives 2/5
    off: only 29/04 and 04/05 are absences (a day marked on a closed day would count towards the 45)."""
    make_up = (DayOff(date(2026, 5, 2), date(2026, 5, 2), "Nghỉ bù"),)
    days = Days(date(2026, 4, 29), date(2026, 5, 4))
    assert slots(days, 1, make_up) == [(date(2026, 4, 29), 0), (date(2026, 5, 4), 0)]
    assert [day for day, _ in slots(days, 1)] == [date(2026, 4, 29), date(2026, 5, 2), date(2026, 5, 4)]


def test_a_request_with_no_school_day_in_it_is_refused_with_the_days_named():
    today = date(2026, 4, 20)
    error = refused(
        "leave.refused.no_school_day", check_days, Days(date(2026, 4, 30), date(2026, 4, 30)), today, *YEAR
    )
    assert error.params == {"first": date(2026, 4, 30), "last": date(2026, 4, 30)}
    holiday_and_sunday = Days(date(2026, 5, 1), date(2026, 5, 3))
    make_up = (DayOff(date(2026, 5, 2), date(2026, 5, 2), "Nghỉ bù"),)
    refused("leave.refused.no_school_days", check_days, holiday_and_sunday, today, *YEAR, make_up)
    check_days(holiday_and_sunday, today, *YEAR)  # 2/5 is a Saturday the school opens
