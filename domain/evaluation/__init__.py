"""The evaluation engine: TT22/2021, TT58/2011 (as issued and as amended by TT26/2020) and
TT27/2020 computed exactly, every result with its reasons. Plain Python, no I/O.

Typical use::

    rules = rules_for("2024-2025", 8)
    result = evaluate_student(record, rules)
    result.learning["year"], result.explanations[("learning", "year")]
"""

from domain.evaluation.engine import evaluate_student, failed
from domain.evaluation.model import (
    Absences,
    Conduct,
    Kind,
    PrimaryRecord,
    PrimarySubject,
    Reason,
    RuleSet,
    SemesterEntries,
    StudentRecord,
    StudentResult,
    SubjectRecord,
    SubjectResult,
)
from domain.evaluation.rulesets import rules_for
from domain.evaluation.subjects import Columns, evaluate_subject, missing_columns, required_columns
from domain.evaluation.values import FAIL, PASS, PENDING, InvalidValue, parse_entry, parse_level, parse_score

__all__ = [
    "FAIL",
    "PASS",
    "PENDING",
    "Absences",
    "Columns",
    "Conduct",
    "InvalidValue",
    "Kind",
    "PrimaryRecord",
    "PrimarySubject",
    "Reason",
    "RuleSet",
    "SemesterEntries",
    "StudentRecord",
    "StudentResult",
    "SubjectRecord",
    "SubjectResult",
    "evaluate_student",
    "evaluate_subject",
    "failed",
    "missing_columns",
    "parse_entry",
    "parse_level",
    "parse_score",
    "required_columns",
    "rules_for",
]
