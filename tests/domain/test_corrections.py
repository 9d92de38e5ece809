"""Correction deadlines from seed 002 §5, on the semester of the default calendar."""

from datetime import date

from domain.corrections import deadline, is_late, is_periodic_test
from domain.school import Semester
from domain.windows import ColumnKind

FIRST = Semester(
    1,
    start=date(2025, 9, 5),
    midterm_start=date(2025, 10, 27),
    midterm_end=date(2025, 11, 1),
    final_start=date(2025, 12, 22),
    final_end=date(2025, 12, 27),
    end=date(2026, 1, 10),
)


def test_a_regular_score_may_be_corrected_until_two_weeks_before_the_next_test():
    early = deadline(FIRST, ColumnKind.REGULAR, 1, entered_on=date(2025, 9, 20))
    assert early.last_day == date(2025, 10, 13) and early.test_day == FIRST.midterm_start
    assert not is_late(early, date(2025, 10, 13)) and is_late(early, date(2025, 10, 14))
    after_midterm = deadline(FIRST, ColumnKind.REGULAR, 3, entered_on=date(2025, 10, 20))
    assert after_midterm.last_day == date(2025, 12, 8) and after_midterm.test_day == FIRST.final_start


def test_a_test_score_within_five_days_after_the_test():
    midterm = deadline(FIRST, ColumnKind.MIDTERM, 1, entered_on=date(2025, 10, 30))
    assert midterm.last_day == date(2025, 11, 6)
    final = deadline(FIRST, ColumnKind.FINAL, 1, entered_on=date(2025, 12, 26))
    assert final.last_day == date(2026, 1, 1)
    assert deadline(FIRST, ColumnKind.TEST, 2, entered_on=date(2025, 12, 26)).last_day == date(2026, 1, 1)
    assert is_periodic_test(ColumnKind.MIDTERM) and not is_periodic_test(ColumnKind.REGULAR)


def test_a_score_entered_late_in_the_term_is_late_at_once_and_comments_have_no_deadline():
    limit = deadline(FIRST, ColumnKind.REGULAR, 4, entered_on=date(2025, 12, 15))
    assert is_late(limit, date(2025, 12, 15))
    assert deadline(FIRST, ColumnKind.COMMENT, 1, entered_on=date(2025, 12, 15)) is None


def test_a_mark_change_is_read_within_its_month():
    from domain.corrections import MarkChange, read_mark_change
    from domain.errors import DomainError

    assert read_mark_change("14/10 k", 2025, 10, False) == MarkChange(date(2025, 10, 14), 0, "K")
    assert read_mark_change("14/10 -", 2025, 10, False) == MarkChange(date(2025, 10, 14), 0, None)
    assert read_mark_change("3/10 chiều P", 2025, 10, True) == MarkChange(date(2025, 10, 3), 2, "P")
    for typed, key in (
        ("14/11 K", "correction.error.day_not_in_month"),
        ("14/10 X", "correction.error.bad_mark"),
        ("14/10", "correction.error.mark_format"),
        ("31/09 K", "correction.error.day_not_in_month"),
    ):
        try:
            read_mark_change(typed, 2025, 10, False)
        except DomainError as error:
            assert error.key == key
        else:
            raise AssertionError(typed)


def test_a_mark_change_on_the_last_days_of_a_month_and_a_typed_year():
    from domain.corrections import read_mark_change
    from domain.errors import DomainError

    assert read_mark_change("29/02 K", 2028, 2, False).day == date(2028, 2, 29)
    assert read_mark_change("30/09 P", 2025, 9, False).day == date(2025, 9, 30)
    try:
        read_mark_change("22/09/2024 K", 2025, 9, False)
    except DomainError as error:
        assert error.key == "correction.error.day_not_in_month"
    else:
        raise AssertionError("a day of another year was taken")
