"""Score distribution (phổ điểm): how the scores of one column, or the semester averages, spread over
the five bands schools report (0–<3,5, 3,5–<5, 5–<6,5, 6,5–<8, 8–10) and over the whole 0–10 scale in
half-point steps. Marks (Đ, CĐ, T, H, C) and "v" (a make-up test pending) are not scores."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.class_record import StoredValue, student_record
from domain.evaluation import RuleSet, evaluate_subject
from domain.school import Subject, SubjectKind

TEN = Decimal(10)
BAND_EDGES = (Decimal(0), Decimal("3.5"), Decimal(5), Decimal("6.5"), Decimal(8), TEN)
STEP = Decimal("0.5")  # the histogram's bins: 0–<0,5, 0,5–<1, …, 9,5–10
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Bin:
    low: Decimal
    high: Decimal  # excluded, except 10 (the last bin holds the tens)
    count: int
    share: Decimal  # percent of all scores, to one decimal


@dataclass(frozen=True)
class Distribution:
    scores: tuple[Decimal, ...]
    not_scored: int = 0  # students of the scope without a score here (nothing entered, "v", incomplete)

    @property
    def count(self) -> int:
        return len(self.scores)

    def bands(self) -> list[Bin]:
        return self._bins(BAND_EDGES)

    def histogram(self) -> list[Bin]:
        edges = tuple(STEP * n for n in range(int(TEN / STEP) + 1))
        return self._bins(edges)

    def _bins(self, edges: tuple[Decimal, ...]) -> list[Bin]:
        counts = [0] * (len(edges) - 1)
        for score in self.scores:
            counts[_index(score, edges)] += 1
        return [
            Bin(low, high, count, percent(count, self.count))
            for low, high, count in zip(edges, edges[1:], counts, strict=False)
        ]


def _index(score: Decimal, edges: tuple[Decimal, ...]) -> int:
    for index, high in enumerate(edges[1:-1]):
        if score < high:
            return index
    return len(edges) - 2


def percent(count: int, total: int) -> Decimal:
    """``count`` of ``total`` in percent, to one decimal (0 of nothing is 0)."""
    if not total:
        return Decimal(0)
    return (Decimal(count) * 100 / total).quantize(TENTH, rounding=ROUND_HALF_UP)


def score(value: str) -> Decimal | None:
    """A stored value as a score on 0–10, or None for a mark or a pending make-up."""
    return Decimal(value) if value[:1].isdigit() else None


def of_column(values: Iterable[str], students: int) -> Distribution:
    """The distribution of one column's stored values, for a scope of ``students`` students."""
    scores = tuple(s for s in map(score, values) if s is not None)
    return Distribution(scores, students - len(scores))


def of_semester_averages(
    student_ids: Iterable[int],
    subjects: list[tuple[int, Subject]],
    values: list[StoredValue],
    rules: RuleSet,
    semester: int,
) -> Distribution:
    """The distribution of the semester averages (ĐTBmhk) the evaluation engine computes, one per
    student and scored subject; a student whose subject is incomplete counts as not scored."""
    scored = [(sid, s) for sid, s in subjects if s.kind is SubjectKind.SCORED]
    by_student: dict[int, list[StoredValue]] = defaultdict(list)
    for value in values:
        by_student[value.student_id].append(value)
    averages, incomplete = [], 0
    for student_id in student_ids:
        record = student_record(student_id, scored, by_student.get(student_id, []), {})
        for subject in record.subjects:
            result = evaluate_subject(rules, subject).results.get(str(semester))
            if isinstance(result, Decimal):
                averages.append(result)
            else:
                incomplete += 1
    return Distribution(tuple(averages), incomplete)
