"""A primary student's year read from the book (TT27): the end-of-year levels, tests and ratings go to
the engine, which gives the level, completion and award."""

from domain.class_record import StoredValue, primary_record
from domain.evaluation import RuleSet, evaluate_student
from domain.evaluation.model import CHT, EXCELLENT, EXEMPLARY, HTT, HTXS, NOT_COMPLETED, PROMOTED
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.subjects import PRIMARY_SUBJECTS

GRADE_3 = [(number, s) for number, s in enumerate(PRIMARY_SUBJECTS, start=1) if 3 in s.grades]


def book(level: str, test: str, semester_1_level: str = "C") -> list[StoredValue]:
    """Every grade-3 subject at ``level`` at the end of the year (``test`` where tested); semester 1's
    levels differ to show that only the end of the year counts."""
    values = []
    for subject_id, subject in GRADE_3:
        values.append(StoredValue(7, subject_id, 1, "final", 1, semester_1_level))
        values.append(StoredValue(7, subject_id, 2, "final", 1, level))
        if subject.has_periodic_test:
            values.append(StoredValue(7, subject_id, 2, "test", 2, test))
    return values


RATED_T = dict.fromkeys(QUALITIES + COMPETENCIES, "T")


def test_an_all_round_excellent_year_is_completed_with_distinction():
    result = evaluate_student(primary_record(7, GRADE_3, book("T", "9"), RATED_T), RuleSet.TT27)
    assert result.learning["year"] == HTXS and result.promotion == PROMOTED and result.award == EXCELLENT
    assert not result.incomplete


def test_a_good_year_becomes_exemplary_only_when_the_class_recognised_it():
    plain = evaluate_student(primary_record(7, GRADE_3, book("T", "8"), RATED_T), RuleSet.TT27)
    recognised = evaluate_student(primary_record(7, GRADE_3, book("T", "8"), RATED_T, True), RuleSet.TT27)
    assert plain.learning["year"] == recognised.learning["year"] == HTT
    assert plain.award is None and recognised.award == EXEMPLARY


def test_a_subject_not_completed_leaves_the_year_not_completed_and_missing_ratings_are_named():
    failed = evaluate_student(primary_record(7, GRADE_3, book("C", "4", "T"), RATED_T), RuleSet.TT27)
    assert failed.learning["year"] == CHT and failed.promotion == NOT_COMPLETED
    unrated = evaluate_student(primary_record(7, GRADE_3, book("T", "9"), {}), RuleSet.TT27)
    assert unrated.learning["year"] is None
    assert len(unrated.incomplete) == len(QUALITIES) + len(COMPETENCIES)
