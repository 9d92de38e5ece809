"""Properties that hold for any record (hypothesis)."""

import random
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.evaluation import (
    FAIL,
    PASS,
    Conduct,
    Kind,
    RuleSet,
    SemesterEntries,
    StudentRecord,
    SubjectRecord,
    evaluate_student,
    evaluate_subject,
)
from domain.evaluation.model import TT22_LEVELS, TT58_LEARNING, rank

SECONDARY = [RuleSet.TT22, RuleSet.TT26, RuleSet.TT58]
NAMES = ("Toán", "Ngữ văn", "Ngoại ngữ") + tuple(f"Môn {i}" for i in range(10))


def score_values(lowest: int, whole: bool) -> st.SearchStrategy[Decimal]:
    """Scores from ``lowest`` tenths up; whole numbers for original-TT58 regular tests."""
    if whole:
        return st.integers(lowest // 10, 10).map(lambda n: Decimal(n).quantize(Decimal("0.1")))
    return st.integers(lowest, 100).map(lambda tenths: Decimal(tenths).scaleb(-1))


@st.composite
def semesters(draw, kind: Kind, rules: RuleSet, lowest: int):
    if kind is Kind.COMMENT:
        value = regular_value = st.sampled_from([PASS] * 9 + [FAIL])
    else:
        value = score_values(lowest, whole=False)
        regular_value = score_values(lowest, whole=rules is RuleSet.TT58)
    regular = draw(st.lists(regular_value, min_size=4, max_size=6))
    periodic = draw(st.lists(value, min_size=1, max_size=3 if rules is RuleSet.TT58 else 1))
    return SemesterEntries(tuple(regular), tuple(periodic), draw(value))


@st.composite
def subjects(draw, name: str, rules: RuleSet, lowest: int):
    kind = draw(st.sampled_from([Kind.SCORED, Kind.SCORED, Kind.SCORED, Kind.COMMENT]))
    taught = draw(st.sampled_from([("1", "2"), ("1", "2"), ("1",), ("2",)]))
    # now and then one subject much weaker than the others, as the adjustment rules expect
    weak = draw(st.sampled_from([lowest] * 5 + [0]))
    entries = {s: draw(semesters(kind, rules, weak)) for s in taught}
    return SubjectRecord(name, kind, entries, periods_per_year=140)


@st.composite
def students(draw, rules: RuleSet):
    count = draw(st.integers(1, len(NAMES)))
    lowest = draw(st.sampled_from([0, 35, 50, 65, 80]))  # the student's usual level, in tenths
    subject_list = tuple(draw(subjects(name, rules, lowest)) for name in NAMES[:count])
    return StudentRecord(subject_list, Conduct({"1": "Khá", "2": "Khá"}))


@st.composite
def rules_and_student(draw):
    rules = draw(st.sampled_from(SECONDARY))
    return rules, draw(students(rules))


def level_rank(rules: RuleSet, level: str) -> int:
    return rank(level, TT22_LEVELS if rules is RuleSet.TT22 else TT58_LEARNING)


@settings(max_examples=300)
@given(rules_and_student())
def test_an_average_lies_between_its_lowest_and_highest_input(case):
    rules, record = case
    for subject in record.subjects:
        if subject.kind is Kind.COMMENT:
            continue
        results = evaluate_subject(rules, subject).results
        for semester, entries in subject.semesters.items():
            values = [*entries.regular, *entries.periodic, entries.final]
            assert min(values) <= results[semester] <= max(values)
        taught = [results[s] for s in subject.semesters]
        assert min(taught) <= results["year"] <= max(taught)
    result = evaluate_student(record, rules)
    year = [s.results["year"] for s in result.subjects.values() if s.kind is Kind.SCORED]
    if rules is not RuleSet.TT22 and year:
        assert min(year) <= result.overall_average["year"] <= max(year)


@settings(max_examples=300)
@given(rules_and_student(), st.data())
def test_raising_one_score_never_lowers_a_level(case, data):
    rules, record = case
    scored = [i for i, s in enumerate(record.subjects) if s.kind is Kind.SCORED]
    if not scored:
        return
    index = data.draw(st.sampled_from(scored))
    subject = record.subjects[index]
    semester = data.draw(st.sampled_from(sorted(subject.semesters)))
    entries = subject.semesters[semester]
    step = Decimal(1) if rules is RuleSet.TT58 else Decimal("0.1")
    raised_final = min(entries.final + data.draw(st.integers(1, 30)) * step, Decimal(10))
    raised = replace(subject, semesters={**subject.semesters, semester: replace(entries, final=raised_final)})
    better = replace(record, subjects=(*record.subjects[:index], raised, *record.subjects[index + 1 :]))
    before, after = evaluate_student(record, rules).learning, evaluate_student(better, rules).learning
    for period, level in before.items():
        if level is not None:
            assert level_rank(rules, after[period]) >= level_rank(rules, level), period


@given(students(RuleSet.TT22))
def test_tt22_year_comment_result_is_semester_twos(record):
    for subject in record.subjects:
        if subject.kind is Kind.COMMENT and "2" in subject.semesters:
            results = evaluate_subject(RuleSet.TT22, subject).results
            assert results["year"] == results["2"]


@given(rules_and_student(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_subjects(case, rng: random.Random):
    rules, record = case
    shuffled = list(record.subjects)
    rng.shuffle(shuffled)
    first = evaluate_student(record, rules)
    second = evaluate_student(replace(record, subjects=tuple(shuffled)), rules)
    assert first.learning == second.learning
    assert first.overall_average == second.overall_average
    assert first.promotion == second.promotion and first.award == second.award
    assert set(first.retest_subjects) == set(second.retest_subjects)
    assert {n: s.results for n, s in first.subjects.items()} == {
        n: s.results for n, s in second.subjects.items()
    }
