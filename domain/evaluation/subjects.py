"""One subject of a secondary student: required columns, what is missing, semester and year results."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from domain.evaluation.model import (
    YEAR,
    Kind,
    Reason,
    RuleSet,
    SemesterEntries,
    SubjectRecord,
    SubjectResult,
    because,
)
from domain.evaluation.values import FAIL, PASS, PENDING, Entry, InvalidValue, is_mark, rounded_mean, tenths

TT22_LABELS = ("ĐĐGtx", "ĐĐGgk", "ĐĐGck")
TT58_LABELS = ("KTtx", "KTđk", "KThk")
COMMENT_REGULAR = 2


@dataclass(frozen=True)
class Columns:
    """What one semester of a subject needs: at least ``regular`` regular columns, ``periodic``
    mid-term/periodic columns (exactly one mid-term under TT22/TT26, at least one KTđk under TT58)
    and one end-of-term column. ``labels`` name the three kinds as the gradebook does."""

    regular: int
    periodic: int
    labels: tuple[str, str, str]


def required_columns(rules: RuleSet, subject: SubjectRecord) -> Columns:
    labels = TT58_LABELS if rules is RuleSet.TT58 else TT22_LABELS
    count = max(_rule_regular_count(rules, subject), subject.regular_columns or 0)
    return Columns(regular=count, periodic=1, labels=labels)


def _rule_regular_count(rules: RuleSet, subject: SubjectRecord) -> int:
    periods = subject.periods_per_year
    if rules is RuleSet.TT58:
        if periods is None:
            if subject.kind is Kind.COMMENT:
                return COMMENT_REGULAR
            raise InvalidValue(
                "evaluation.error.periods_required", field="periods_per_year", subject=subject.name
            )
        per_week = Fraction(periods, 35)  # original TT58 counts by periods per week
        return 2 if per_week <= 1 else 3 if per_week < 3 else 4
    if subject.kind is Kind.COMMENT:
        return COMMENT_REGULAR
    if periods is None:
        raise InvalidValue(
            "evaluation.error.periods_required", field="periods_per_year", subject=subject.name
        )
    return 2 if periods <= 35 else 3 if periods <= 70 else 4


def evaluate_subject(rules: RuleSet, subject: SubjectRecord) -> SubjectResult:
    columns = required_columns(rules, subject)
    results: dict[str, Entry] = {}
    explanations: dict[str, tuple[Reason, ...]] = {}
    incomplete: list[Reason] = []
    review: list[Reason] = []
    for semester in sorted(subject.semesters):
        entries = subject.semesters[semester]
        missing = missing_columns(subject.name, semester, entries, columns)
        incomplete += missing
        entered = sum(1 for entry in entries.regular if entry is not None)
        if rules is RuleSet.TT22 and entered > columns.regular:
            review.append(
                because(
                    "evaluation.review.extra_regular",
                    subject=subject.name,
                    semester=semester,
                    column=columns.labels[0],
                    count=entered,
                    need=columns.regular,
                )
            )
        if missing:
            results[semester] = None
            continue
        results[semester], explanations[semester] = _semester_result(rules, subject.kind, entries, columns)
    results[YEAR], explanations[YEAR] = _year_result(subject.kind, results)
    return SubjectResult(subject.name, subject.kind, results, tuple(incomplete), tuple(review), explanations)


def missing_columns(name: str, semester: str, entries: SemesterEntries, columns: Columns) -> list[Reason]:
    """What keeps this semester's result from being computed, in the order of the gradebook."""
    if _complete(entries, columns):
        return []
    regular_label, periodic_label, final_label = columns.labels
    found: list[Reason] = []
    entered = sum(1 for entry in entries.regular if entry is not None)
    if entered < columns.regular:
        found.append(
            because(
                "evaluation.incomplete.missing_regular",
                subject=name,
                semester=semester,
                column=regular_label,
                have=entered,
                need=columns.regular,
            )
        )
    found += _pending(name, semester, regular_label, entries.regular, numbered=True)
    if sum(1 for entry in entries.periodic if entry is not None) < columns.periodic:
        found.append(
            because(
                "evaluation.incomplete.missing_column", subject=name, semester=semester, column=periodic_label
            )
        )
    found += _pending(name, semester, periodic_label, entries.periodic, numbered=len(entries.periodic) > 1)
    if entries.final is None:
        found.append(
            because(
                "evaluation.incomplete.missing_column", subject=name, semester=semester, column=final_label
            )
        )
    found += _pending(name, semester, final_label, (entries.final,), numbered=False)
    return found


def _complete(entries: SemesterEntries, columns: Columns) -> bool:
    """The common case, checked quickly: enough columns, every one entered and none pending."""
    values = (*entries.regular, *entries.periodic, entries.final)
    return (
        len(entries.regular) >= columns.regular
        and len(entries.periodic) >= columns.periodic
        and all(type(value) is Decimal or value in (PASS, FAIL) for value in values)
    )


def _pending(
    name: str, semester: str, label: str, entries: tuple[Entry, ...], *, numbered: bool
) -> list[Reason]:
    if numbered:
        return [
            because(
                "evaluation.incomplete.pending_numbered",
                subject=name,
                semester=semester,
                column=label,
                number=n,
            )
            for n, entry in enumerate(entries, 1)
            if is_mark(entry, PENDING)
        ]
    return [
        because("evaluation.incomplete.pending", subject=name, semester=semester, column=label)
        for entry in entries
        if is_mark(entry, PENDING)
    ]


def _semester_result(
    rules: RuleSet, kind: Kind, entries: SemesterEntries, columns: Columns
) -> tuple[Entry, tuple[Reason, ...]]:
    regular = [e for e in entries.regular if e is not None]
    periodic = [e for e in entries.periodic if e is not None]
    if kind is Kind.SCORED:
        return _semester_average(regular, periodic, entries.final)
    if rules is RuleSet.TT22:
        return _tt22_comment(entries, columns)
    all_entries = [*regular, *periodic, entries.final]
    passed = all_entries.count(PASS)
    result = PASS if 3 * passed >= 2 * len(all_entries) and entries.final == PASS else FAIL
    reason = because(
        "evaluation.reason.comment_two_thirds",
        result=result,
        passed=passed,
        total=len(all_entries),
        column=columns.labels[2],
        final=entries.final,
    )
    return result, (reason,)


def _semester_average(regular: list, periodic: list, final: Decimal) -> tuple[Decimal, tuple[Reason, ...]]:
    regular_sum, periodic_sum = sum(regular, Decimal(0)), sum(periodic, Decimal(0))
    weight = len(regular) + 2 * len(periodic) + 3
    # sums of one-decimal scores are exact in Decimal; the one rounding happens in rounded_mean
    value = rounded_mean(tenths(regular_sum + 2 * periodic_sum + 3 * final), weight)
    reason = because(
        "evaluation.reason.semester_average",
        regular=regular_sum,
        periodic=periodic_sum,
        final=final,
        weight=weight,
        value=value,
    )
    return value, (reason,)


def _tt22_comment(entries: SemesterEntries, columns: Columns) -> tuple[str, tuple[Reason, ...]]:
    regular_label, periodic_label, final_label = columns.labels
    named = [(f"{regular_label} {n}", e) for n, e in enumerate(entries.regular, 1) if e is not None]
    named += [(periodic_label, e) for e in entries.periodic if e is not None]
    named.append((final_label, entries.final))
    failed = [name for name, entry in named if entry != PASS]
    if not failed:
        return PASS, (because("evaluation.reason.comment_all_passed", count=len(named)),)
    return FAIL, (because("evaluation.reason.comment_some_failed", columns=", ".join(failed)),)


def _year_result(kind: Kind, results: dict[str, Entry]) -> tuple[Entry, tuple[Reason, ...]]:
    if len(results) == 1:
        ((semester, value),) = results.items()
        return value, (because("evaluation.reason.one_semester", semester=semester),)
    first, second = results["1"], results["2"]
    if kind is Kind.COMMENT:
        return second, (because("evaluation.reason.year_is_second_semester", value=second),)
    if first is None or second is None:
        return None, ()
    value = rounded_mean(tenths(first) + 2 * tenths(second), 3)
    return value, (because("evaluation.reason.year_average", first=first, second=second, value=value),)
