"""Reading a column the way a teacher types it on a phone, and when the book is open."""

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.calendar import default_school_year
from domain.columns import offered_columns
from domain.entry import COMMENT_MARKS, Column, Student, read_message
from domain.evaluation import RuleSet
from domain.school import Subject, SubjectKind
from domain.windows import ColumnKind, WindowDecision, WindowState, entry_state

STUDENTS = [Student(i, f"Học sinh {i}") for i in range(1, 5)]
REGULAR = Column(ColumnKind.REGULAR, 1)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_a_whole_column_in_one_message_with_comma_decimals_and_make_up():
    draft = read_message("8 7,5 v 10", STUDENTS, REGULAR)
    assert [cell.value for cell in draft.cells] == ["8.0", "7.5", "v", "10.0"] and draft.ready


def test_slips_and_bad_values_are_pointed_out_one_by_one():
    draft = read_message("85 9,25 x 100", STUDENTS, REGULAR)
    assert [cell.problem[0] for cell in draft.cells] == [
        "entry.error.likely_slip",
        "entry.error.too_many_decimals",
        "entry.error.not_a_number",
        "entry.error.likely_slip",
    ]
    assert draft.cells[0].problem[1]["fixed"] == Decimal("8.5") and not draft.ready


def test_fixes_by_number_keep_the_rest():
    draft = read_message("85 9 8", STUDENTS, REGULAR)
    assert [key for key, _ in draft.problems] == ["entry.error.count"]
    fixed = read_message("1=8,5 4=7", STUDENTS, REGULAR, draft=draft)
    assert [cell.value for cell in fixed.cells] == ["8.5", "9.0", "8.0", "7.0"] and fixed.ready


def test_too_many_values_must_be_sent_again_whole():
    draft = read_message("8 8 8 8 8", STUDENTS, REGULAR)
    assert not read_message("1=9", STUDENTS, REGULAR, draft=draft).ready


def test_a_sharp_drop_is_a_warning_only():
    draft = read_message("3 8 8 8", STUDENTS, REGULAR, {1: [Decimal(8), Decimal("8.5")]})
    assert draft.cells[0].warning[0] == "entry.warning.sharp_drop" and draft.ready


def test_comment_subjects_take_marks_typed_with_or_without_diacritics():
    draft = read_message("Đ cd dat CĐ", STUDENTS, Column(ColumnKind.REGULAR, 1, COMMENT_MARKS))
    assert [cell.value for cell in draft.cells] == ["Đ", "CĐ", "Đ", "CĐ"]


def test_columns_offered_follow_the_rule_set():
    math = Subject("TOAN", "Toán", SubjectKind.SCORED, 140, (6, 7, 8, 9))
    tt22 = offered_columns(RuleSet.TT22, math, 6)
    assert [(o.column.kind, o.column.position) for o in tt22] == [
        (ColumnKind.REGULAR, 1),
        (ColumnKind.REGULAR, 2),
        (ColumnKind.REGULAR, 3),
        (ColumnKind.REGULAR, 4),
        (ColumnKind.MIDTERM, 1),
        (ColumnKind.FINAL, 1),
    ]
    civic = Subject("GDCD", "Giáo dục công dân", SubjectKind.SCORED, 35, (6,))
    assert len(offered_columns(RuleSet.TT22, civic, 6)) == 4  # 2 regular
    tt58 = offered_columns(RuleSet.TT58, math, 9)
    assert tt58[0].column.integer and tt58[4].column.kind is ColumnKind.PERIODIC


def test_the_book_opens_by_the_semester_and_the_leadership_decides_over_it():
    semester = default_school_year("2025-2026").semesters[0]
    october = datetime(2025, 10, 14, 1, tzinfo=UTC)
    assert entry_state(october, semester, ColumnKind.REGULAR, 6, 1, 2, [], HCM).open
    midterm = entry_state(october, semester, ColumnKind.MIDTERM, 6, 1, 2, [], HCM)
    assert not midterm.open and midterm.reason == "entry.opens_later"
    assert midterm.opens_at.astimezone(HCM).date().isoformat() == "2025-10-27"
    locked_school = WindowDecision(WindowState.LOCKED, datetime(2025, 10, 1, tzinfo=UTC))
    open_class = WindowDecision(
        WindowState.OPEN, datetime(2025, 10, 2, tzinfo=UTC), class_id=1, kind=ColumnKind.MIDTERM
    )
    assert not entry_state(october, semester, ColumnKind.REGULAR, 6, 1, 2, [locked_school], HCM).open
    assert entry_state(october, semester, ColumnKind.MIDTERM, 6, 1, 2, [locked_school, open_class], HCM).open
    assert not entry_state(
        october, semester, ColumnKind.MIDTERM, 6, 7, 2, [locked_school, open_class], HCM
    ).open
