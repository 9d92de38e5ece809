"""TT27/2020 (primary): the end-of-year result (Điều 9 khoản 2), completion (Điều 11) and awards
(Điều 13). Only year-end levels and end-of-year test scores count. regulations.md §2."""

from __future__ import annotations

from dataclasses import dataclass

from domain.evaluation.model import (
    CHT,
    EXCELLENT,
    EXEMPLARY,
    HT,
    HTT,
    HTXS,
    NOT_COMPLETED,
    PROMOTED,
    SEMESTERS,
    TEST,
    YEAR,
    PrimaryRecord,
    Reason,
    RuleSet,
    StudentResult,
    SubjectResult,
    because,
)

QUALITIES = ("yêu nước", "nhân ái", "chăm chỉ", "trung thực", "trách nhiệm")
COMPETENCIES = (
    "tự chủ và tự học",
    "giao tiếp và hợp tác",
    "giải quyết vấn đề và sáng tạo",
    "ngôn ngữ",
    "tính toán",
    "khoa học",
    "công nghệ",
    "tin học",
    "thẩm mĩ",
    "thể chất",
)
# Subjects with a written end-of-year test, from the grade where they are taught (§2.2).
TESTED_FROM_GRADE = {
    "tiếng việt": 1,
    "toán": 1,
    "ngoại ngữ": 3,
    "ngoại ngữ 1": 3,
    "tiếng anh": 3,
    "tin học và công nghệ": 3,
    "lịch sử và địa lí": 4,
    "khoa học": 4,
}


def is_tested(subject: str, grade: int) -> bool:
    first = TESTED_FROM_GRADE.get(subject.casefold())
    return first is not None and grade >= first


@dataclass(frozen=True)
class Band:
    level: str
    subjects: str  # allowed subject levels
    qualities: str  # allowed quality and competency levels
    test: int  # every end-of-year test at least


BANDS = (Band(HTXS, "T", "T", 9), Band(HTT, "T", "T", 7), Band(HT, "TH", "TĐ", 5))
REACHED = {
    HTXS: "evaluation.reason.tt27.reached_htxs",
    HTT: "evaluation.reason.tt27.reached_htt",
    HT: "evaluation.reason.tt27.reached_ht",
}


def evaluate(record: PrimaryRecord) -> StudentResult:
    incomplete = _missing(record)
    subjects = {
        s.name: SubjectResult(s.name, None, {YEAR: s.level, TEST: s.test} if s.tested else {YEAR: s.level})
        for s in record.subjects
    }
    level, reasons = (None, ()) if incomplete else _classify(record)
    award, award_reasons = _award(level, record.outstanding)
    promotion, promotion_reasons = _promotion(level)
    return StudentResult(
        rules=RuleSet.TT27,
        subjects=subjects,
        learning={YEAR: level},
        conduct={YEAR: None},
        overall_average={**dict.fromkeys(SEMESTERS), YEAR: None},
        promotion=promotion,
        retest_subjects=(),
        award=award,
        semester_awards={},
        incomplete=tuple(incomplete),
        review=(),
        explanations={
            ("learning", YEAR): reasons,
            ("promotion",): promotion_reasons,
            ("award",): award_reasons,
        },
    )


def _missing(record: PrimaryRecord) -> list[Reason]:
    found: list[Reason] = []
    for s in record.subjects:
        if s.level is None:
            found.append(because("evaluation.incomplete.tt27.missing_level", subject=s.name))
        if s.tested and s.test is None:
            found.append(because("evaluation.incomplete.tt27.missing_test", subject=s.name))
    found += [
        because("evaluation.incomplete.tt27.missing_quality", name=name)
        for name in QUALITIES
        if record.qualities.get(name) is None
    ]
    found += [
        because("evaluation.incomplete.tt27.missing_competency", name=name)
        for name in COMPETENCIES
        if record.competencies.get(name) is None
    ]
    return found


def blockers(band: Band, record: PrimaryRecord) -> list[Reason]:
    reasons = [
        because("evaluation.reason.tt27.subject_level", level=band.level, subject=s.name, value=s.level)
        for s in record.subjects
        if s.level not in band.subjects
    ]
    reasons += [
        because("evaluation.reason.tt27.quality_level", level=band.level, name=name, value=value)
        for name, value in (*record.qualities.items(), *record.competencies.items())
        if value not in band.qualities
    ]
    reasons += [
        because(
            "evaluation.reason.tt27.test_below",
            level=band.level,
            subject=s.name,
            value=s.test,
            threshold=band.test,
        )
        for s in record.subjects
        if s.tested and s.test < band.test
    ]
    return reasons


def _classify(record: PrimaryRecord) -> tuple[str, tuple[Reason, ...]]:
    reached = next((b for b in BANDS if not blockers(b, record)), None)
    if reached is None:
        return CHT, tuple(blockers(BANDS[-1], record))
    index = BANDS.index(reached)
    better = blockers(BANDS[index - 1], record) if index else []
    return reached.level, (because(REACHED[reached.level], level=reached.level), *better)


def _promotion(level: str | None) -> tuple[str | None, tuple[Reason, ...]]:
    if level is None:
        return None, ()
    if level == CHT:
        return NOT_COMPLETED, (because("evaluation.reason.tt27.not_completed"),)
    return PROMOTED, (because("evaluation.reason.tt27.completed", level=level),)


def _award(level: str | None, outstanding: bool) -> tuple[str | None, tuple[Reason, ...]]:
    if level == HTXS:
        return EXCELLENT, (because("evaluation.reason.tt27.excellent"),)
    if level == HTT and outstanding:
        return EXEMPLARY, (because("evaluation.reason.tt27.exemplary"),)
    if level is None:
        return None, ()
    return None, (because("evaluation.reason.tt27.no_award", level=level),)
