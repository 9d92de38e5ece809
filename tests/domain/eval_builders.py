"""Small builders for evaluation tests: a subject whose every column holds one value, a whole class
of subjects from their year averages, and the document of ``sodiem evaluate``."""

from __future__ import annotations

from decimal import Decimal

from domain.evaluation import (
    FAIL,
    PASS,
    Absences,
    Conduct,
    Kind,
    RuleSet,
    SemesterEntries,
    StudentRecord,
    SubjectRecord,
)
from locales import translator

D = Decimal
VI = translator("vi")


def scored(
    name: str, value: str | Decimal, periods: int = 140, semesters: tuple[str, ...] = ("1", "2")
) -> SubjectRecord:
    """Every column holds ``value``, so every average is ``value``."""
    score = D(value)
    count = 4 if periods > 70 else 3 if periods > 35 else 2
    entries = SemesterEntries(regular=(score,) * count, periodic=(score,), final=score)
    return SubjectRecord(name, Kind.SCORED, {s: entries for s in semesters}, periods_per_year=periods)


def comment(name: str, first: str = PASS, second: str = PASS) -> SubjectRecord:
    def semester(mark: str) -> SemesterEntries:
        return SemesterEntries(regular=(PASS, PASS), periodic=(PASS,), final=mark)

    return SubjectRecord(name, Kind.COMMENT, {"1": semester(first), "2": semester(second)})


SCORED_NAMES = ("Toán", "Ngữ văn", "Ngoại ngữ 1", "KHTN", "Lịch sử và Địa lí", "GDCD", "Công nghệ", "Tin học")
COMMENT_NAMES = ("Giáo dục thể chất", "Nghệ thuật", "Hoạt động trải nghiệm", "Giáo dục địa phương")


def student(
    scores: list[str],
    comments: tuple[str, ...] = (PASS, PASS, PASS, PASS),
    conduct: tuple[str, str] = ("Tốt", "Tốt"),
    absences: tuple[int, int] = (0, 0),
    retest: dict | None = None,
    summer: str | None = None,
    names: tuple[str, ...] = SCORED_NAMES,
) -> StudentRecord:
    """A TT22 student whose scored subjects have the given averages (in the order of ``names``)."""
    subjects = [scored(name, value) for name, value in zip(names, scores, strict=False)]
    subjects += [comment(name, second=mark) for name, mark in zip(COMMENT_NAMES, comments, strict=False)]
    return StudentRecord(
        subjects=tuple(subjects),
        conduct=Conduct({"1": conduct[0], "2": conduct[1]}, summer=summer),
        absences=Absences(*absences),
        retest=retest or {},
    )


def render(reason) -> str:
    return VI(reason.key, **reason.params)


def sentences(result, *path: str) -> list[str]:
    return [render(reason) for reason in result.explanations.get(tuple(path), ())]


__all__ = ["FAIL", "PASS", "RuleSet", "D", "scored", "comment", "student", "render", "sentences"]
