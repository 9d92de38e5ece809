"""What is due by a day of the semester, how much of it is entered, the furthest behind first; the score
bands and the histogram of a distribution; who may look."""

from datetime import date
from decimal import Decimal

from domain.calendar import default_school_year
from domain.class_record import StoredValue
from domain.distribution import Distribution, of_column, of_semester_averages, percent
from domain.evaluation import RuleSet
from domain.identity import PersonKind, PersonRef
from domain.permissions import Action, Actor, Target, allowed
from domain.progress import ClassSubject, Slot, due_slots, entered_of, progress
from domain.school import Role
from domain.subjects import PRIMARY_SUBJECTS, SECONDARY_SUBJECTS
from domain.windows import ColumnKind

SEMESTER = default_school_year("2025-2026").semesters[0]  # 05/09/2025; mid-term 27/10; end of term 22/12
MATH = next(s for s in SECONDARY_SUBJECTS if s.code == "TOAN")  # 140 periods: four regular columns
TECH = next(s for s in SECONDARY_SUBJECTS if s.code == "CN")  # 35 periods: two
ARTS = next(s for s in SECONDARY_SUBJECTS if s.code == "NT")  # Đ/CĐ, two regular columns
PRIMARY_MATH = next(s for s in PRIMARY_SUBJECTS if s.code == "TOAN")
REGULAR, MIDTERM, FINAL = ColumnKind.REGULAR, ColumnKind.MIDTERM, ColumnKind.FINAL


def test_regular_columns_fall_due_evenly_and_a_test_column_from_the_first_day_of_its_window():
    due = lambda subject, day: due_slots(RuleSet.TT22, subject, 6, SEMESTER, day)  # noqa: E731
    assert due(MATH, date(2025, 9, 4)) == []  # before the semester
    assert due(MATH, date(2025, 9, 30)) == []  # 25 of 108 days: not yet a quarter
    assert due(MATH, date(2025, 10, 14)) == [Slot(REGULAR, None, 1)]  # 39 of 108 days
    assert due(TECH, date(2025, 10, 14)) == []  # half of the time for the first of two
    assert due(MATH, date(2025, 10, 27)) == [Slot(REGULAR, None, 1), Slot(MIDTERM, 1)]  # the window opens
    assert due(MATH, date(2025, 11, 1)) == [Slot(REGULAR, None, 2), Slot(MIDTERM, 1)]  # 57 of 108 days
    assert due(ARTS, date(2025, 11, 1)) == [Slot(REGULAR, None, 1), Slot(MIDTERM, 1)]
    assert due(MATH, date(2025, 12, 22)) == [Slot(REGULAR, None, 4), Slot(MIDTERM, 1), Slot(FINAL, 1)]
    assert due(MATH, date(2026, 1, 10)) == due(MATH, date(2025, 12, 22))


def test_primary_written_tests_fall_due_with_their_periods():
    due = lambda day: due_slots(RuleSet.TT27, PRIMARY_MATH, 4, SEMESTER, day)  # noqa: E731
    assert due(date(2025, 10, 27)) == [Slot(MIDTERM, 1), Slot(ColumnKind.TEST, 1)]
    assert due(date(2025, 12, 22))[2:] == [Slot(FINAL, 1), Slot(ColumnKind.TEST, 2)]


def value(student: int, kind: ColumnKind, position: int, text: str, subject: int = 1) -> StoredValue:
    return StoredValue(student, subject, 1, kind.value, position, text)


def test_a_pending_make_up_is_not_entered_yet_and_extra_regular_columns_do_not_make_up_for_a_test():
    slots = [Slot(REGULAR, None, 2), Slot(MIDTERM, 1)]
    assert entered_of(slots, [value(1, REGULAR, 1, "8"), value(1, REGULAR, 3, "7")]) == 2
    assert entered_of(slots, [value(1, REGULAR, n, "8") for n in (1, 2, 3, 4)]) == 2
    assert entered_of(slots, [value(1, REGULAR, 1, "v"), value(1, MIDTERM, 1, "6,5")]) == 1
    assert entered_of(slots, [value(1, MIDTERM, 2, "6.5")]) == 0  # not the mid-term's position


def test_rows_come_furthest_behind_first_and_only_where_something_is_due():
    taught = [
        ClassSubject(10, "6A", 6, 1, MATH, "Trần Văn Toàn"),
        ClassSubject(11, "6B", 6, 1, MATH, "Trần Văn Toàn"),
        ClassSubject(10, "6A", 6, 2, TECH, None),
    ]
    students = {10: [1, 2, 3], 11: [4, 5]}
    values = [
        value(1, REGULAR, 1, "8"),
        value(2, REGULAR, 1, "7"),
        value(3, REGULAR, 1, "v"),
        value(4, REGULAR, 1, "9"),
        StoredValue(5, 1, 2, REGULAR.value, 1, "9"),  # semester 2: not this phase
    ]
    rows = progress(taught, students, values, lambda grade: RuleSet.TT22, SEMESTER, date(2025, 10, 14))
    assert [(r.class_name, r.subject_name, r.entered, r.required) for r in rows] == [
        ("6B", "Toán", 1, 2),
        ("6A", "Toán", 2, 3),
    ]  # Công nghệ has nothing due yet


def test_bands_split_at_their_lower_edges_and_ten_is_in_the_last():
    scores = ["0", "3.4", "3.5", "4.9", "5", "6.4", "6.5", "7.9", "8", "10"]
    bands = Distribution(tuple(Decimal(s) for s in scores)).bands()
    assert [b.count for b in bands] == [2, 2, 2, 2, 2]
    assert [b.share for b in bands] == [Decimal("20.0")] * 5
    histogram = Distribution((Decimal("9.5"), Decimal(10), Decimal("0.4"))).histogram()
    assert len(histogram) == 20 and histogram[0].count == 1 and histogram[-1].count == 2
    assert percent(1, 3) == Decimal("33.3") and percent(2, 3) == Decimal("66.7") and percent(0, 0) == 0


def test_marks_and_pending_make_ups_are_not_scores():
    distribution = of_column(["8.5", "Đ", "v", "10", "CĐ"], students=6)
    assert distribution.scores == (Decimal("8.5"), Decimal(10)) and distribution.not_scored == 4


def test_semester_averages_come_from_the_engine():
    values = [value(1, REGULAR, n, "8") for n in (1, 2, 3, 4)]
    values += [value(1, MIDTERM, 1, "7"), value(1, FINAL, 1, "9")]
    values += [value(2, REGULAR, 1, "5")]  # incomplete
    distribution = of_semester_averages([1, 2], [(1, MATH), (3, ARTS)], values, RuleSet.TT22, 1)
    # (4 × 8 + 2 × 7 + 3 × 9) / 9 = 73 / 9 = 8,1; the Đ/CĐ subject has no average
    assert distribution.scores == (Decimal("8.1"),) and distribution.not_scored == 1


def actor(*roles: Role, department=(), teaching=()) -> Actor:
    return Actor(
        PersonRef(PersonKind.STAFF, 1),
        "X",
        frozenset(roles),
        teaching=frozenset(teaching),
        department_subjects=frozenset(department),
    )


def test_progress_is_for_the_leadership_the_administrator_and_department_heads_in_their_department():
    head = actor(Role.TEACHER, Role.DEPARTMENT_HEAD, department={1}, teaching={(10, 1)})
    for person in (actor(Role.VICE_PRINCIPAL), actor(Role.PRINCIPAL), actor(Role.ADMIN)):
        assert allowed(person, Action.VIEW_PROGRESS, Target(10, 2))
    assert allowed(head, Action.VIEW_PROGRESS) and allowed(head, Action.VIEW_PROGRESS, Target(11, 1))
    assert not allowed(head, Action.VIEW_PROGRESS, Target(10, 2))
    teacher = actor(Role.TEACHER, teaching={(10, 1)})
    assert not allowed(teacher, Action.VIEW_PROGRESS)
    assert not allowed(teacher, Action.VIEW_PROGRESS, Target(10, 1))
