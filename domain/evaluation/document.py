"""The JSON document of ``sodiem evaluate`` (see docs/evaluate.md): read it into records,
checking every field, and turn a result back into a document. Pure: the caller parses and prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from domain.evaluation.engine import evaluate_student
from domain.evaluation.model import (
    PRIMARY_QUALITY_LEVELS,
    PRIMARY_SUBJECT_LEVELS,
    SEMESTERS,
    SUMMER,
    TT22_LEVELS,
    TT58_CONDUCT,
    YEAR,
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
)
from domain.evaluation.rulesets import PRIMARY_GRADES, SECONDARY_GRADES, first_year, rules_for
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES, is_tested
from domain.evaluation.values import (
    Entry,
    InvalidValue,
    normalize,
    parse_entry,
    parse_level,
    parse_mark,
    parse_score,
)

ROOT = "document"
SECONDARY_FIELDS = {"rules", "school_year", "grade", "subjects", "conduct", "absences", "retest"}
PRIMARY_FIELDS = {"rules", "school_year", "grade", "subjects", "qualities", "competencies", "outstanding"}
SUBJECT_FIELDS = {"name", "kind", "periods_per_year", "regular_columns", "semesters"}
PRIMARY_SUBJECT_FIELDS = {"name", "level", "test"}
_NAME_ALIASES = {"thẩm mỹ": "thẩm mĩ"}

Document = dict[str, Any]


def evaluate_document(document: object) -> StudentResult:
    """Read and evaluate one document; raises InvalidValue naming the bad field."""
    rules, record = read_document(document)
    return evaluate_student(record, rules)


def read_document(document: object) -> tuple[RuleSet, StudentRecord | PrimaryRecord]:
    top = _object(document, ROOT)
    rules, grade = _rules(top)
    if rules is RuleSet.TT27:
        _known(top, PRIMARY_FIELDS, "")
        return rules, _primary(top, grade)
    _known(top, SECONDARY_FIELDS, "")
    return rules, _secondary(top, rules)


def to_document(result: StudentResult, render: Callable[[Reason], str], *, explain: bool = False) -> Document:
    """The output document; ``render`` turns a Reason into a sentence in the reader's language."""
    document: Document = {
        "rules": result.rules.value,
        "subjects": {name: dict(subject.results) for name, subject in result.subjects.items()},
        "learning": dict(result.learning),
        "conduct": dict(result.conduct),
        "overall_average": dict(result.overall_average),
        "promotion": result.promotion,
        "retest_subjects": list(result.retest_subjects),
        "award": result.award,
        "incomplete": [render(reason) for reason in result.incomplete],
        "review": [render(reason) for reason in result.review],
    }
    if explain:
        document["explain"] = explanations(result.explanations, render)
    return document


def explanations(
    found: Mapping[tuple[str, ...], tuple[Reason, ...]], render: Callable[[Reason], str]
) -> Document:
    """("learning", "1") → reasons becomes {"learning": {"1": [sentences]}}."""
    tree: Document = {}
    for path, reasons in found.items():
        if not reasons:
            continue
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = [render(reason) for reason in reasons]
    return tree


def _rules(top: Mapping[str, Any]) -> tuple[RuleSet, int | None]:
    school_year = top.get("school_year")
    if school_year is not None:
        first_year(_text(school_year, "school_year"))
    grade = top.get("grade")
    if grade is not None:
        grade = _count(grade, "grade")
        if grade not in PRIMARY_GRADES and grade not in SECONDARY_GRADES:
            raise InvalidValue("evaluation.error.bad_grade", field="grade", value=str(grade))
    if "rules" not in top:
        if school_year is None or grade is None:
            raise InvalidValue("evaluation.error.missing_field", field="school_year" if grade else "grade")
        return rules_for(school_year, grade), grade
    value = top["rules"]
    if value not in tuple(RuleSet):
        raise InvalidValue("evaluation.error.unknown_rules", field="rules", value=str(value))
    rules = RuleSet(value)
    if grade is not None and (rules is RuleSet.TT27) != (grade in PRIMARY_GRADES):
        raise InvalidValue("evaluation.error.rules_grade_mismatch", field="grade", rules=value, grade=grade)
    return rules, grade


def _secondary(top: Mapping[str, Any], rules: RuleSet) -> StudentRecord:
    items = _list(top.get("subjects"), "subjects")
    subjects = tuple(_subject(item, f"subjects[{i}]", rules) for i, item in enumerate(items))
    _unique([s.name for s in subjects])
    by_name = {s.name: s for s in subjects}
    return StudentRecord(
        subjects=subjects,
        conduct=_conduct(top.get("conduct"), rules),
        absences=_absences(top.get("absences")),
        retest=_retest(top.get("retest"), by_name),
    )


def _subject(item: object, path: str, rules: RuleSet) -> SubjectRecord:
    obj = _object(item, path)
    _known(obj, SUBJECT_FIELDS, path)
    name = _name(obj.get("name"), f"{path}.name")
    kind_value = obj.get("kind")
    if kind_value not in tuple(Kind):
        raise InvalidValue("evaluation.error.bad_kind", field=f"{path}.kind", value=str(kind_value))
    kind = Kind(kind_value)
    periods = obj.get("periods_per_year")
    if periods is None and kind is Kind.SCORED:
        raise InvalidValue("evaluation.error.missing_field", field=f"{path}.periods_per_year")
    semesters = _object(obj.get("semesters"), f"{path}.semesters")
    if not semesters:
        raise InvalidValue("evaluation.error.no_semesters", field=f"{path}.semesters")
    entries = {}
    for semester, value in semesters.items():
        where = f"{path}.semesters.{semester}"
        if semester not in SEMESTERS:
            raise InvalidValue("evaluation.error.bad_semester", field=where, value=semester)
        entries[semester] = _semester(value, where, rules, kind)
    return SubjectRecord(
        name=name,
        kind=kind,
        semesters=entries,
        periods_per_year=_positive(periods, f"{path}.periods_per_year"),
        regular_columns=_positive(obj.get("regular_columns"), f"{path}.regular_columns"),
    )


def _semester(value: object, path: str, rules: RuleSet, kind: Kind) -> SemesterEntries:
    obj = _object(value, path)
    periodic_field = "periodic" if rules is RuleSet.TT58 else "midterm"
    _known(obj, {"regular", periodic_field, "final"}, path)
    comment = kind is Kind.COMMENT
    # Original TT58: regular essay scores are whole numbers (Điều 8).
    whole = rules is RuleSet.TT58

    def entry(raw: object, where: str, integer: bool = False) -> Entry:
        return parse_entry(raw, where, comment=comment, integer=integer)

    regular = _list(obj.get("regular", []), f"{path}.regular", allow_empty=True)
    if rules is RuleSet.TT58:
        items = _list(obj.get("periodic", []), f"{path}.periodic", allow_empty=True)
        periodic = tuple(entry(raw, f"{path}.periodic[{i}]") for i, raw in enumerate(items))
    else:
        periodic = (entry(obj.get("midterm"), f"{path}.midterm"),)
    return SemesterEntries(
        regular=tuple(entry(raw, f"{path}.regular[{i}]", whole) for i, raw in enumerate(regular)),
        periodic=periodic,
        final=entry(obj.get("final"), f"{path}.final"),
    )


def _conduct(value: object, rules: RuleSet) -> Conduct:
    if value is None:
        return Conduct()
    obj = _object(value, "conduct")
    scale = TT22_LEVELS if rules is RuleSet.TT22 else TT58_CONDUCT
    allowed = {*SEMESTERS, SUMMER} if rules is RuleSet.TT22 else {*SEMESTERS, YEAR, SUMMER}
    _known(obj, allowed, "conduct")
    levels = {
        key: parse_level(level, scale, f"conduct.{key}") if level is not None else None
        for key, level in obj.items()
    }
    return Conduct(
        semesters={s: levels[s] for s in SEMESTERS if s in levels},
        year=levels.get(YEAR),
        summer=levels.get(SUMMER),
    )


def _absences(value: object) -> Absences:
    if value is None:
        return Absences()
    obj = _object(value, "absences")
    _known(obj, {"excused", "unexcused"}, "absences")
    return Absences(
        excused=_count(obj.get("excused", 0), "absences.excused"),
        unexcused=_count(obj.get("unexcused", 0), "absences.unexcused"),
    )


def _retest(value: object, subjects: Mapping[str, SubjectRecord]) -> dict[str, Decimal | str]:
    if value is None:
        return {}
    results: dict[str, Decimal | str] = {}
    for raw_name, raw in _object(value, "retest").items():
        name, where = normalize(raw_name), f"retest.{raw_name}"
        if name not in subjects:
            raise InvalidValue("evaluation.error.unknown_subject", field=where, subject=raw_name)
        comment = subjects[name].kind is Kind.COMMENT
        results[name] = parse_mark(raw, where) if comment else parse_score(raw, where)
    return results


def _primary(top: Mapping[str, Any], grade: int | None) -> PrimaryRecord:
    items = _list(top.get("subjects"), "subjects")
    subjects = tuple(_primary_subject(item, f"subjects[{i}]", grade) for i, item in enumerate(items))
    _unique([s.name for s in subjects])
    outstanding = top.get("outstanding", False)
    if not isinstance(outstanding, bool):
        raise InvalidValue("evaluation.error.not_a_boolean", field="outstanding")
    return PrimaryRecord(
        subjects=subjects,
        qualities=_qualities(top.get("qualities"), "qualities", QUALITIES),
        competencies=_qualities(top.get("competencies"), "competencies", COMPETENCIES),
        outstanding=outstanding,
    )


def _primary_subject(item: object, path: str, grade: int | None) -> PrimarySubject:
    obj = _object(item, path)
    _known(obj, PRIMARY_SUBJECT_FIELDS, path)
    name = _name(obj.get("name"), f"{path}.name")
    level = obj.get("level")
    test = obj.get("test")
    return PrimarySubject(
        name=name,
        level=None if level is None else parse_level(level, PRIMARY_SUBJECT_LEVELS, f"{path}.level"),
        test=None if test is None else int(parse_score(test, f"{path}.test", integer=True)),
        tested="test" in obj or (grade is not None and is_tested(name, grade)),
    )


def _qualities(value: object, path: str, names: tuple[str, ...]) -> dict[str, str | None]:
    levels: dict[str, str | None] = {}
    for raw_name, raw in _object(value if value is not None else {}, path).items():
        name = normalize(raw_name).lower()
        name = _NAME_ALIASES.get(name, name)
        where = f"{path}.{raw_name}"
        if name not in names:
            raise InvalidValue(
                "evaluation.error.unknown_name", field=where, value=raw_name, allowed=", ".join(names)
            )
        levels[name] = None if raw is None else parse_level(raw, PRIMARY_QUALITY_LEVELS, where)
    return levels


def _object(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        key = "evaluation.error.missing_field" if value is None else "evaluation.error.not_an_object"
        raise InvalidValue(key, field=field)
    return value


def _list(value: object, field: str, *, allow_empty: bool = False) -> list[Any]:
    if value is None:
        raise InvalidValue("evaluation.error.missing_field", field=field)
    if not isinstance(value, list):
        raise InvalidValue("evaluation.error.not_a_list", field=field)
    if not value and not allow_empty:
        raise InvalidValue("evaluation.error.empty_list", field=field)
    return value


def _known(obj: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in obj:
        if key not in allowed:
            field = f"{path}.{key}" if path else key
            raise InvalidValue(
                "evaluation.error.unknown_field", field=field, allowed=", ".join(sorted(allowed))
            )


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not normalize(value):
        raise InvalidValue("evaluation.error.not_a_text", field=field)
    return normalize(value)


def _name(value: object, field: str) -> str:
    if value is None:
        raise InvalidValue("evaluation.error.missing_field", field=field)
    return _text(value, field)


def _unique(names: list[str]) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise InvalidValue(
                "evaluation.error.duplicate_subject", field=f"subjects[{i}].name", subject=name
            )
        seen.add(name)


def _count(value: object, field: str) -> int:
    """A whole number, zero or more (a day count, a grade)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0 or value != int(value):
        raise InvalidValue("evaluation.error.bad_count", field=field, value=str(value))
    return int(value)


def _positive(value: object, field: str) -> int | None:
    if value is None:
        return None
    count = _count(value, field)
    if count == 0:
        raise InvalidValue("evaluation.error.bad_count", field=field, value=str(value))
    return count
