"""A class's book as the exports read it, and the report card (phiếu liên lạc) of one student.

``ClassBook`` is everything recorded for one class and year, as plain values (storage fills it:
``uow.exports.class_book(class_name)``). ``evaluate_class`` runs the evaluation engine on it;
``report_cards(book, period)`` gives a ``ReportCard`` per student in class-list order: per subject the
values of the period (scores, or Đ/CĐ, or primary levels), the averages where the rules give them, the
subject teacher's comment, the learning and conduct levels, absences with and without permission, the
homeroom teacher and their comment for the semester (the year's card: semester II's; none recorded: the
card leaves room to write it by hand).

Periods: the mid-term of semester 1 or 2 (the values entered so far, no averages or levels), the end of
semester 1 or 2, and the year (semester and year averages, levels, promotion and award)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from domain.attendance import AbsenceUnit, absence_totals
from domain.calendar import DayOff
from domain.class_record import StoredValue, entry, year_result
from domain.evaluation import RuleSet, StudentResult
from domain.evaluation.model import RETEST
from domain.evaluation.values import Entry
from domain.school import Gender, School, SchoolYear, Subject, SubjectKind
from domain.windows import ColumnKind
from domain.year_end import Stage, StudentLine


class Period(StrEnum):
    MIDTERM_1 = "mid1"
    SEMESTER_1 = "1"
    MIDTERM_2 = "mid2"
    SEMESTER_2 = "2"
    YEAR = "year"

    @property
    def semester(self) -> int | None:
        """1 or 2; None for the year."""
        return {"mid1": 1, "1": 1, "mid2": 2, "2": 2}.get(self.value)

    @property
    def midterm(self) -> bool:
        return self.value.startswith("mid")

    @property
    def result_key(self) -> str | None:
        """The engine's key for the period's results: "1", "2", "year"; None at mid-term."""
        return None if self.midterm else self.value


@dataclass(frozen=True)
class StudentInfo:
    id: int
    code: str
    full_name: str
    date_of_birth: date
    gender: Gender | None = None
    ethnicity: str = ""
    joined: date | None = None  # arrived after the year began (a transfer in or a class change)
    left: date | None = None  # the first day no longer in the class, when that was within the year
    left_reason: str | None = None  # domain.school.EnrolmentReason value
    place_of_birth: str = ""  # nơi sinh
    register_number: str = ""  # số đăng bộ, the school's register of pupils

    def there(self, start: date, end: date) -> bool:
        """Whether the student was in the class on some day from ``start`` to ``end``."""
        return (self.joined is None or self.joined <= end) and (self.left is None or self.left > start)


@dataclass(frozen=True)
class AbsenceDay:
    student_id: int
    day: date
    session: int
    mark: str  # P (with permission) or K (without)


@dataclass(frozen=True)
class ClassBook:
    """Everything recorded for one class in one year. ``students`` are in class-list order, ``subjects``
    are those taught in the class's grade as (id, subject), in the school's order."""

    school: School
    year: SchoolYear
    class_name: str
    grade: int
    rules: RuleSet
    homeroom_teacher: str | None
    students: tuple[StudentInfo, ...]
    subjects: tuple[tuple[int, Subject], ...]
    values: tuple[StoredValue, ...]
    conduct: dict[int, dict[int, str]]  # student → semester (0: year) → level
    absences: tuple[AbsenceDay, ...]
    comments: dict[tuple[int, int, int], str] = field(default_factory=dict)  # (student, subject, sem)
    midterm_comments: dict[tuple[int, int, int], str] = field(default_factory=dict)  # the same, mid-term
    teachers: dict[int, str] = field(default_factory=dict)  # subject id → subject teacher's name
    principal: str | None = None
    lists: dict[Stage, dict[int, StudentLine]] = field(default_factory=dict)  # approved, by stage
    ratings: dict[int, dict[str, str]] = field(default_factory=dict)  # primary: quality → year-end level
    first_ratings: dict[int, dict[str, str]] = field(default_factory=dict)  # the same, semester I's end
    guardians: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # (name, relation)
    # (student, semester): the semester's end only; a mid-term card prints none (/nhanxet takes none there)
    homeroom_comments: dict[tuple[int, int], str] = field(default_factory=dict)
    # the school's own days off of the year, and its Saturdays when it does not open then (domain/calendar.py)
    days_off: tuple[DayOff, ...] = ()
    absence_unit: AbsenceUnit = AbsenceUnit.DAY  # what an absence counts as (domain/attendance.py)

    @property
    def primary(self) -> bool:
        return self.rules is RuleSet.TT27

    def span(self, period: Period) -> tuple[date, date]:
        """The days a period covers: a mid-term runs from the semester's start to its mid-term tests."""
        if period.semester is None:
            return self.year.start, self.year.end
        semester = self.year.semesters[period.semester - 1]
        return semester.start, semester.midterm_end if period.midterm else semester.end

    def during(self, period: Period) -> ClassBook:
        """The book with only the students who were in the class during the period (biến động sĩ số)."""
        start, end = self.span(period)
        return replace(self, students=tuple(s for s in self.students if s.there(start, end)))

    def ratings_at(self, student_id: int, period: Period) -> dict[str, str]:
        """Primary: a pupil's ratings of the qualities and competencies at the end of the period's
        semester (semester II's for the year: the year-end ones); none at mid-term."""
        if period.midterm:
            return {}
        return (self.first_ratings if period is Period.SEMESTER_1 else self.ratings).get(student_id, {})

    def present(self, period: Period) -> tuple[StudentInfo, ...]:
        """The students in the class on the period's last day: its size (sĩ số) then."""
        _, end = self.span(period)
        return tuple(s for s in self.students if s.there(end, end))

    def at_end(self, period: Period) -> ClassBook:
        """The book with only the students in the class on the period's last day (the counts, transcripts)."""
        return replace(self, students=self.present(period))

    def absences_of(self, student_id: int, period: Period) -> tuple[int, int]:
        """(with permission, without) in the period, in the school's unit."""
        start, end = self.span(period)
        marks = [
            (a.day, a.mark) for a in self.absences if a.student_id == student_id and start <= a.day <= end
        ]
        return absence_totals(marks, self.absence_unit)

    def value_table(self) -> dict[tuple[int, int, int, str], dict[int, Entry]]:
        """(student, subject, semester, kind) → position → value."""
        table: dict[tuple[int, int, int, str], dict[int, Entry]] = defaultdict(dict)
        for v in self.values:
            table[(v.student_id, v.subject_id, v.semester, v.kind)][v.position] = entry(v.value)
        return table


@dataclass(frozen=True)
class SubjectLine:
    """One subject on a report card. ``regular``/``midterm``/``final`` are the period's semester columns
    (empty for the year); ``results`` the averages or marks: "1", "2" and "year" as the period has them."""

    name: str
    kind: SubjectKind
    regular: tuple[Entry, ...] = ()
    midterm: Entry = None
    final: Entry = None
    results: dict[str, Entry] = field(default_factory=dict)
    comment: str | None = None
    test: Entry = None  # primary: the periodic test of the period (mid-term or end of term)


@dataclass(frozen=True)
class ReportCard:
    school: School
    year: str
    class_name: str
    student: StudentInfo
    period: Period
    rules: RuleSet
    subjects: tuple[SubjectLine, ...]
    learning: str | None  # the period's learning level (học lực / kết quả học tập)
    conduct: str | None  # the period's conduct level
    absences: tuple[int, int]  # (with permission, without)
    homeroom_teacher: str | None
    homeroom_comment: str | None = None
    promotion: str | None = None  # year only
    award: str | None = None  # year (TT58/TT26: a semester's title too)
    year_line: StudentLine | None = None  # year only: the approved year-end line
    summer_line: StudentLine | None = None  # year only: the approved line after the summer
    grade: int = 0  # the class's grade: promotion from a level's last grade completes the level
    ratings: dict[str, str] = field(
        default_factory=dict
    )  # primary, a semester's end or the year: quality → level
    principal: str | None = None
    retest_subjects: tuple[str, ...] = ()  # year only: the subjects to re-test in the summer


def evaluate_class(book: ClassBook) -> list[StudentResult]:
    """The engine's results for each student in class-list order (a primary student's from the levels,
    tests and ratings at the end of the year)."""
    subjects = [(sid, s) for sid, s in book.subjects]
    return [
        year_result(
            book.rules,
            student.id,
            subjects,
            book.values,
            book.conduct.get(student.id, {}),
            book.absences_of(student.id, Period.YEAR),
            book.ratings.get(student.id, {}),
        )
        for student in book.students
    ]


def report_cards(book: ClassBook, period: Period) -> list[ReportCard]:
    """The report card of every student of the class for ``period``, in class-list order."""
    table = book.value_table()
    results = evaluate_class(book)
    return [
        _card(book, period, student, table, result)
        for student, result in zip(book.students, results, strict=True)
    ]


def report_card(book: ClassBook, period: Period, student_id: int) -> ReportCard:
    cards = [c for c in report_cards(book, period) if c.student.id == student_id]
    if not cards:
        raise KeyError(student_id)
    return cards[0]


def semester_columns(
    table: dict, student_id: int, subject_id: int, semester: int
) -> tuple[tuple[Entry, ...], Entry, Entry]:
    """(regular columns by position, the mid-term/periodic value, the end-of-term value) as recorded;
    ``table`` is ``ClassBook.value_table()``."""

    def column(kind: ColumnKind) -> dict[int, Entry]:
        return table.get((student_id, subject_id, semester, kind.value), {})

    regular = column(ColumnKind.REGULAR)
    midterm = column(ColumnKind.MIDTERM) or column(ColumnKind.PERIODIC)
    ordered = tuple(regular.get(p) for p in range(1, max(regular, default=0) + 1))
    return ordered, midterm.get(1), column(ColumnKind.FINAL).get(1)


def _card(
    book: ClassBook, period: Period, student: StudentInfo, table: dict, result: StudentResult | None
) -> ReportCard:
    lines = []
    for subject_id, subject in book.subjects:
        regular: tuple[Entry, ...] = ()
        midterm = final = None
        if period.semester is not None:
            regular, midterm, final = semester_columns(table, student.id, subject_id, period.semester)
            if period.midterm:
                final = None
        results: dict[str, Entry] = {}
        if result is not None and not period.midterm and subject.name in result.subjects:
            found = result.subjects[subject.name].results
            keys = ("1", "2", "year") if period is Period.YEAR else (period.value,)
            results = {key: found.get(key) for key in keys}
            if period is Period.YEAR and found.get(RETEST) is not None:
                results[RETEST] = found[RETEST]
        comments = book.midterm_comments if period.midterm else book.comments
        comment = comments.get((student.id, subject_id, period.semester or 2))
        test = None
        if book.primary:
            tests = table.get((student.id, subject_id, period.semester or 2, ColumnKind.TEST.value), {})
            test = tests.get(1 if period.midterm else 2)
        lines.append(SubjectLine(subject.name, subject.kind, regular, midterm, final, results, comment, test))
    learning = conduct = promotion = award = None
    year_line = book.lists.get(Stage.YEAR, {}).get(student.id) if period is Period.YEAR else None
    summer_line = book.lists.get(Stage.SUMMER, {}).get(student.id) if year_line else None
    key = period.result_key
    if result is not None and key is not None:
        learning = result.learning.get(key)
        conduct = (
            result.conduct.get("year") if key == "year" else book.conduct.get(student.id, {}).get(int(key))
        )
        promotion = result.promotion if key == "year" else None
        award = result.award if key == "year" else result.semester_awards.get(key)
    if year_line is not None:  # the approved lists, as the leadership fixed them
        learning, conduct, award = year_line.learning, year_line.conduct, year_line.award
    return ReportCard(
        book.school,
        book.year.name,
        book.class_name,
        student,
        period,
        book.rules,
        tuple(lines),
        learning,
        conduct,
        book.absences_of(student.id, period),
        book.homeroom_teacher,
        None if period.midterm else book.homeroom_comments.get((student.id, period.semester or 2)),
        promotion,
        award,
        year_line,
        summer_line,
        book.grade,
        book.ratings_at(student.id, period),
        book.principal,
        result.retest_subjects if result is not None and key == "year" else (),
    )
