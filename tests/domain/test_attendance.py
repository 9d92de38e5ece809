"""Attendance rules: the tap cycle, short names, which days may be entered, the month and its due date."""

from datetime import date

import pytest

from domain.attendance import (
    Absence,
    AbsenceUnit,
    Pupil,
    absence_totals,
    absence_unit_of,
    absentees,
    day_problem,
    month_due,
    month_problem,
    month_sheet,
    next_mark,
    parse_day,
    recent_days,
    short_names,
)
from domain.calendar import DayOff

YEAR_START, YEAR_END = date(2025, 9, 5), date(2026, 5, 31)
TODAY = date(2025, 10, 14)


def test_a_tap_cycles_present_excused_unexcused_present():
    assert [next_mark(None), next_mark("P"), next_mark("K")] == ["P", "K", None]


def test_given_names_with_initials_only_where_two_share_one():
    names = ["Nguyễn Thị Lan", "Trần Thị Lan", "Lê Minh", "Hà Anh"]
    assert short_names(names) == ["Lan N.T.", "Lan T.T.", "Minh", "Anh"]


def test_the_summary_lists_the_absent_in_class_list_order():
    pupils = [Pupil(1, "Lê Minh Anh"), Pupil(2, "Trần Thị Lan"), Pupil(3, "Nguyễn Văn Minh")]
    assert absentees(pupils, {3: "K", 2: "P"}) == [("Lan", "P"), ("Minh", "K")]
    assert absentees(pupils, {}) == []


@pytest.mark.parametrize(
    ("day", "submitted", "problem"),
    [
        (TODAY, set(), None),
        (date(2025, 10, 1), set(), None),
        (date(2025, 10, 15), set(), "attendance.error.future"),
        (date(2025, 9, 4), set(), "attendance.error.outside_year"),
        (date(2025, 9, 30), {(2025, 9)}, "attendance.error.month_submitted"),
        (date(2025, 10, 13), {(2025, 9)}, None),
    ],
)
def test_which_days_may_be_entered(day, submitted, problem):
    assert day_problem(day, TODAY, YEAR_START, YEAR_END, submitted) == problem


def test_recent_days_skip_sundays_submitted_months_and_days_before_the_year():
    assert recent_days(TODAY, YEAR_START, YEAR_END, set(), count=3) == [
        date(2025, 10, 13),
        date(2025, 10, 11),  # 12/10 is a Sunday
        date(2025, 10, 10),
    ]
    assert recent_days(date(2025, 10, 2), YEAR_START, YEAR_END, {(2025, 9)}) == [date(2025, 10, 1)]
    assert recent_days(date(2025, 9, 6), YEAR_START, YEAR_END, set()) == [date(2025, 9, 5)]


def test_recent_days_skip_public_holidays_and_the_schools_days_off():
    tet = DayOff(date(2026, 2, 16), date(2026, 2, 22), "Tết Nguyên đán")
    assert recent_days(date(2026, 2, 24), YEAR_START, date(2026, 5, 31), set(), count=3, days_off=(tet,)) == [
        date(2026, 2, 23),
        date(2026, 2, 14),  # 16–21/02 are Tết, 15/02 and 22/02 Sundays
        date(2026, 2, 13),
    ]
    assert recent_days(date(2026, 5, 4), YEAR_START, YEAR_END, set(), count=2) == [
        date(2026, 5, 2),  # 3/5 a Sunday
        date(2026, 4, 29),  # 1/5 and 30/4 public holidays
    ]


def test_the_month_is_due_on_the_third_of_the_next_month():
    assert month_due(2025, 10) == date(2025, 11, 3)
    assert month_due(2025, 12) == date(2026, 1, 3)


def test_only_a_past_or_current_month_may_be_submitted_and_only_once():
    assert month_problem(2025, 10, TODAY, set()) is None
    assert month_problem(2025, 9, TODAY, set()) is None
    assert month_problem(2025, 11, TODAY, set()) == "attendance.error.month_future"
    assert month_problem(2025, 9, TODAY, {(2025, 9)}) == "attendance.error.month_submitted"


def test_month_totals_per_student_in_class_list_order_and_for_the_class():
    order = [Pupil(1, "Lê Minh Anh"), Pupil(2, "Trần Thị Lan")]
    absences = [
        Absence(2, "Trần Thị Lan", date(2025, 10, 3), 0, "P"),
        Absence(1, "Lê Minh Anh", date(2025, 10, 8), 0, "K"),
        Absence(2, "Trần Thị Lan", date(2025, 10, 1), 0, "K"),
        Absence(9, "Vũ Văn Đi", date(2025, 10, 2), 0, "P"),  # moved away since
    ]
    sheet = month_sheet(absences, order)
    assert [(s.full_name, s.excused, s.unexcused) for s in sheet.students] == [
        ("Lê Minh Anh", 0, 1),
        ("Trần Thị Lan", 1, 1),
        ("Vũ Văn Đi", 1, 0),
    ]
    assert [a.day.day for a in sheet.students[1].absences] == [1, 3]
    assert (sheet.excused, sheet.unexcused) == (2, 2)
    assert month_sheet([]).students == ()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("13/10", date(2025, 10, 13)),
        (" 3-9 ", date(2025, 9, 3)),
        ("13.10.2025", date(2025, 10, 13)),
        ("1/10/25", date(2025, 10, 1)),
        ("20/12", date(2024, 12, 20)),  # no year: the latest such day not after today
        ("31/9", None),
        ("hôm qua", None),
        ("13/10/2025 8", None),
    ],
)
def test_a_typed_day(text, day):
    assert parse_day(text, TODAY) == day


def test_absences_count_by_day_unless_the_school_counts_sessions():
    """Two sessions a day: Bình misses all of Monday (P, P), Tuesday morning (P) and Wednesday, the
    morning with permission and the afternoon without. By day that is three days, one of them without
    permission; by session, five sessions, one without."""
    monday, tuesday, wednesday = date(2025, 10, 13), date(2025, 10, 14), date(2025, 10, 15)
    marks = [(monday, "P"), (monday, "P"), (tuesday, "P"), (wednesday, "P"), (wednesday, "K")]
    assert absence_totals(marks, AbsenceUnit.DAY) == (2, 1)
    assert absence_totals(marks, AbsenceUnit.SESSION) == (4, 1)
    one_session = [(monday, "P"), (tuesday, "K")]  # a school of one session: both units agree
    assert absence_totals(one_session, AbsenceUnit.DAY) == absence_totals(one_session, AbsenceUnit.SESSION)
    assert absence_unit_of({}, "2025-2026") is AbsenceUnit.DAY
    assert absence_unit_of({"absence_unit": {"2025-2026": "week"}}, "2025-2026") is AbsenceUnit.DAY


def test_the_unit_is_kept_per_year_so_a_closed_years_papers_never_change():
    """Chosen in 2026-2027: 2025-2026 (closed) stays by day; 2027-2028 keeps the school's choice."""
    settings = {"absence_unit": {"2026-2027": "session"}}
    assert absence_unit_of(settings, "2025-2026") is AbsenceUnit.DAY
    assert absence_unit_of(settings, "2026-2027") is AbsenceUnit.SESSION
    assert absence_unit_of(settings, "2027-2028") is AbsenceUnit.SESSION
