"""A student's record for the evaluation engine, assembled from what the gradebook holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.evaluation import (
    Absences,
    Conduct,
    Kind,
    PrimaryRecord,
    PrimarySubject,
    RuleSet,
    SemesterEntries,
    StudentRecord,
    StudentResult,
    SubjectRecord,
    evaluate_student,
)
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.evaluation.values import Entry
from domain.school import Subject, SubjectKind
from domain.windows import ColumnKind

SEMESTERS = (1, 2)
SUMMER_TERM = 3  # where the summer's values are kept: re-test scores and re-assessed conduct
YEAR_END_SEMESTER = 2  # primary: the end-of-year levels, tests and ratings are those of semester 2


@dataclass(frozen=True)
class StoredValue:
    student_id: int
    subject_id: int
    semester: int
    kind: str
    position: int
    value: str


def entry(value: str) -> Entry:
    return Decimal(value) if value[0].isdigit() else value


def student_record(
    student_id: int,
    subjects: Iterable[tuple[int, Subject]],
    values: Iterable[StoredValue],
    conduct: dict[int, str],
    absences: tuple[int, int] = (0, 0),
) -> StudentRecord:
    """``subjects`` are (id, subject) taught in the student's grade; ``values`` may hold other students'."""
    by_place: dict[tuple[int, int, str], dict[int, Entry]] = defaultdict(dict)
    for stored in values:
        if stored.student_id == student_id:
            by_place[(stored.subject_id, stored.semester, stored.kind)][stored.position] = entry(stored.value)
    subjects = list(subjects)
    records = []
    for subject_id, subject in subjects:
        semesters = {str(n): _semester(by_place, subject_id, n) for n in SEMESTERS}
        kind = Kind.COMMENT if subject.kind is SubjectKind.COMMENT else Kind.SCORED
        records.append(SubjectRecord(subject.name, kind, semesters, subject.periods_per_year))
    conduct_levels = Conduct(
        {str(n): conduct.get(n) for n in SEMESTERS}, conduct.get(0), conduct.get(SUMMER_TERM)
    )
    names = dict(subjects)
    retest = {
        names[subject_id].name: columns[1]
        for (subject_id, term, kind), columns in by_place.items()
        if (term, kind) == (SUMMER_TERM, ColumnKind.RETEST.value) and subject_id in names and 1 in columns
    }
    return StudentRecord(tuple(records), conduct_levels, Absences(*absences), retest)


def _semester(by_place, subject_id: int, semester: int) -> SemesterEntries:
    regular = by_place.get((subject_id, semester, ColumnKind.REGULAR.value), {})
    periodic = by_place.get((subject_id, semester, ColumnKind.PERIODIC.value)) or by_place.get(
        (subject_id, semester, ColumnKind.MIDTERM.value), {}
    )
    final = by_place.get((subject_id, semester, ColumnKind.FINAL.value), {})
    return SemesterEntries(_in_order(regular), _in_order(periodic) or (None,), final.get(1))


def _in_order(columns: dict[int, Entry]) -> tuple[Entry, ...]:
    """Columns by position, a gap left as None (not entered yet)."""
    if not columns:
        return ()
    return tuple(columns.get(position) for position in range(1, max(columns) + 1))


def primary_record(
    student_id: int,
    subjects: Iterable[tuple[int, Subject]],
    values: Iterable[StoredValue],
    ratings: dict[str, str],
    outstanding: bool = False,
) -> PrimaryRecord:
    """A primary student's year (TT27) from the book: each subject's end-of-year level (T/H/C) and, where
    the subject has a periodic test, the end-of-year test; the end-of-year ratings of the qualities and
    competencies; ``outstanding``: the class recognised the student (Học sinh tiêu biểu)."""
    at_year_end = {
        (v.subject_id, v.kind, v.position): v.value
        for v in values
        if v.student_id == student_id and v.semester == YEAR_END_SEMESTER
    }
    records = []
    for subject_id, subject in subjects:
        level = at_year_end.get((subject_id, ColumnKind.FINAL.value, 1))
        test = at_year_end.get((subject_id, ColumnKind.TEST.value, 2))
        records.append(
            PrimarySubject(
                subject.name, level, int(Decimal(test)) if test else None, subject.has_periodic_test
            )
        )
    return PrimaryRecord(
        tuple(records),
        {name: ratings.get(name) for name in QUALITIES},
        {name: ratings.get(name) for name in COMPETENCIES},
        outstanding,
    )


def year_result(
    rules: RuleSet,
    student_id: int,
    subjects: Iterable[tuple[int, Subject]],
    values: Iterable[StoredValue],
    conduct: dict[int, str],
    absences: tuple[int, int],
    ratings: dict[str, str],
    outstanding: bool = False,
) -> StudentResult:
    """The engine's result for a student's year: a primary record (ratings, ``outstanding``) under TT27,
    a secondary one (conduct, absences) otherwise."""
    if rules is RuleSet.TT27:
        return evaluate_student(primary_record(student_id, subjects, values, ratings, outstanding), rules)
    return evaluate_student(student_record(student_id, subjects, values, conduct, absences), rules)
