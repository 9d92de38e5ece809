"""Which columns a teacher can enter for a subject in a class: the evaluation engine's required
columns, as the chat offers them, with how each is labelled and checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.entry import COMMENT_MARKS, PRIMARY_LEVELS, Column
from domain.evaluation import Kind, RuleSet, SubjectRecord, required_columns
from domain.evaluation.model import TT22_LEVELS, TT58_CONDUCT
from domain.evaluation.values import PASS
from domain.school import SchoolYear, Semester, Subject, SubjectKind
from domain.windows import ColumnKind

TT58_PERIODIC_OFFERED = 2  # KTđk columns offered under the original TT58 (the teaching plan decides)
PRIMARY_TESTED_MIDTERM_GRADES = (4, 5)  # mid-term tests in Tiếng Việt and Toán only
PRIMARY_MIDTERM_TEST_CODES = ("TV", "TOAN")


@dataclass(frozen=True)
class Offered:
    column: Column
    label_key: str  # catalog key of the column's name
    label_params: dict


def offered_columns(rules: RuleSet, subject: Subject, grade: int) -> list[Offered]:
    if rules is RuleSet.TT27:
        return _primary(subject, grade)
    comment = subject.kind is SubjectKind.COMMENT
    record = SubjectRecord(
        subject.name, Kind.COMMENT if comment else Kind.SCORED, {}, subject.periods_per_year
    )
    needed = required_columns(rules, record)
    marks = COMMENT_MARKS if comment else ()
    integer = rules is RuleSet.TT58 and not comment
    regular_label = needed.labels[0]
    offered = [
        Offered(
            Column(ColumnKind.REGULAR, n, marks, integer),
            "entry.column.numbered",
            {"label": regular_label, "number": n},
        )
        for n in range(1, needed.regular + 1)
    ]
    if rules is RuleSet.TT58:
        offered += [
            Offered(
                Column(ColumnKind.PERIODIC, n, marks),
                "entry.column.numbered",
                {"label": needed.labels[1], "number": n},
            )
            for n in range(1, TT58_PERIODIC_OFFERED + 1)
        ]
    else:
        offered.append(
            Offered(Column(ColumnKind.MIDTERM, 1, marks), "entry.column.single", {"label": needed.labels[1]})
        )
    offered.append(
        Offered(Column(ColumnKind.FINAL, 1, marks), "entry.column.single", {"label": needed.labels[2]})
    )
    return offered


def _primary(subject: Subject, grade: int) -> list[Offered]:
    offered = [
        Offered(Column(ColumnKind.MIDTERM, 1, PRIMARY_LEVELS), "entry.column.primary_mid_level", {}),
        Offered(Column(ColumnKind.FINAL, 1, PRIMARY_LEVELS), "entry.column.primary_end_level", {}),
    ]
    if subject.has_periodic_test:
        if grade in PRIMARY_TESTED_MIDTERM_GRADES and subject.code in PRIMARY_MIDTERM_TEST_CODES:
            offered.append(
                Offered(Column(ColumnKind.TEST, 1, integer=True), "entry.column.primary_mid_test", {})
            )
        offered.append(Offered(Column(ColumnKind.TEST, 2, integer=True), "entry.column.primary_end_test", {}))
    return offered


def current_semester(year: SchoolYear, day: date) -> Semester:
    """The semester a day falls in; before the year, the first; after it (or between), the last begun."""
    started = [semester for semester in year.semesters if semester.start <= day]
    return started[-1] if started else year.semesters[0]


PRIMARY_RATINGS = ("T", PASS, "C")  # qualities and competencies: Tốt, Đạt, Cần cố gắng (TT27 Điều 7)


def conduct_levels(rules: RuleSet) -> tuple[str, ...]:
    """The levels a homeroom teacher gives: TT22 rèn luyện, TT58/TT26 hạnh kiểm, or primary ratings."""
    if rules is RuleSet.TT22:
        return TT22_LEVELS
    if rules in (RuleSet.TT26, RuleSet.TT58):
        return TT58_CONDUCT
    return PRIMARY_RATINGS
