"""Default dates of a school year, as the Ministry's yearly framework usually sets them
(start early September, semester I ends mid-January, the year ends late May). A school changes
them with ``sodiem school init`` options or later set-up commands."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.school import SchoolYear, Semester, parse_year_name

SCHOOL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# The public holidays of a fixed solar date (Bộ luật Lao động 2019, Điều 112): Tết Dương lịch, the
# Liberation (30/4), Labour Day, National Day. Tết Nguyên đán and the Hùng Kings' day follow the lunar
# calendar and the government's yearly decision, and a school's own days off its province's plan: none
# of those is recorded.
PUBLIC_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))


def is_public_holiday(day: date) -> bool:
    return (day.month, day.day) in PUBLIC_HOLIDAYS


def school_date(moment: datetime) -> date:
    """The date at the school of a moment: 01:39 on 05/12 in Vietnam is 05/12, whatever zone the
    server runs in (on a UTC server it is still 04/12 there)."""
    return moment.astimezone(SCHOOL_ZONE).date()


def default_school_year(name: str) -> SchoolYear:
    first, second = parse_year_name(name)
    semester_one = Semester(
        number=1,
        start=date(first, 9, 5),
        midterm_start=date(first, 10, 27),
        midterm_end=date(first, 11, 8),
        final_start=date(first, 12, 22),
        final_end=date(second, 1, 3),
        end=date(second, 1, 17),
    )
    semester_two = Semester(
        number=2,
        start=date(second, 1, 19),
        midterm_start=date(second, 3, 9),
        midterm_end=date(second, 3, 21),
        final_start=date(second, 4, 27),
        final_end=date(second, 5, 9),
        end=date(second, 5, 31),
    )
    return SchoolYear(
        name=name, start=semester_one.start, end=semester_two.end, semesters=(semester_one, semester_two)
    )
