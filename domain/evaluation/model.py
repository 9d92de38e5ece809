"""Records the engine reads, results it returns, and the labels exactly as the circulars write them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from domain.evaluation.values import Entry


class RuleSet(StrEnum):
    TT22 = "tt22"  # TT22/2021, secondary
    TT26 = "tt26"  # TT58/2011 as amended by TT26/2020, secondary
    TT58 = "tt58"  # TT58/2011 as issued, secondary, years before 2020-2021
    TT27 = "tt27"  # TT27/2020, primary


class Kind(StrEnum):
    SCORED = "scored"
    COMMENT = "comment"


SEMESTERS = ("1", "2")
YEAR = "year"
RETEST = "retest"  # result after the summer re-assessment, kept beside the year result
SUMMER = "summer"  # conduct re-assessed after summer training
TEST = "test"  # primary end-of-year test score

# TT22 levels (learning and conduct)
TOT, KHA, DAT, CHUA_DAT = "Tốt", "Khá", "Đạt", "Chưa đạt"
# TT58 học lực and hạnh kiểm
GIOI, TRUNG_BINH, YEU, KEM = "Giỏi", "Trung bình", "Yếu", "Kém"
TT22_LEVELS = (TOT, KHA, DAT, CHUA_DAT)
TT58_LEARNING = (GIOI, KHA, TRUNG_BINH, YEU, KEM)
TT58_CONDUCT = (TOT, KHA, TRUNG_BINH, YEU)
# TT27
HTXS, HTT, HT, CHT = "Hoàn thành xuất sắc", "Hoàn thành tốt", "Hoàn thành", "Chưa hoàn thành"
PRIMARY_SUBJECT_LEVELS = ("T", "H", "C")
PRIMARY_QUALITY_LEVELS = ("T", "Đ", "C")

PROMOTED, RETEST_NEEDED, SUMMER_TRAINING, RETAINED = "lên lớp", "kiểm tra lại", "rèn luyện hè", "ở lại lớp"
NOT_COMPLETED = "chưa hoàn thành"

EXCELLENT, GOOD, ADVANCED = "Học sinh Xuất sắc", "Học sinh Giỏi", "Học sinh Tiên tiến"
EXEMPLARY = "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện"

MAX_ABSENCES = 45


def rank(level: str, scale: tuple[str, ...]) -> int:
    """Higher is better: the last label of ``scale`` (best first) is 0."""
    return len(scale) - 1 - scale.index(level)


class Reason(NamedTuple):
    """One sentence of an explanation: a catalog key and the values to fill in.
    (Named tuples here and in Graded: the engine makes many of them, and they are cheap to build.)"""

    key: str
    params: Mapping[str, object]


def because(key: str, **params: object) -> Reason:
    return Reason(key, params)


def too_many_absences(absences: Absences) -> Reason:
    return because(
        "evaluation.reason.too_many_absences",
        total=absences.total,
        excused=absences.excused,
        unexcused=absences.unexcused,
        limit=MAX_ABSENCES,
    )


@dataclass(frozen=True)
class SemesterEntries:
    """The columns of one subject in one semester, in the order entered.

    ``periodic`` holds the one mid-term assessment (ĐĐGgk) under TT22/TT26 and the KTđk tests under
    the original TT58; both weigh 2, so one formula serves every rule set."""

    regular: tuple[Entry, ...] = ()
    periodic: tuple[Entry, ...] = (None,)
    final: Entry = None


@dataclass(frozen=True)
class SubjectRecord:
    name: str
    kind: Kind
    semesters: Mapping[str, SemesterEntries]  # "1", "2"; a semester not taught is absent
    periods_per_year: int | None = None
    regular_columns: int | None = None  # the school's own count, used when above the rule's


@dataclass(frozen=True)
class Absences:
    excused: int = 0
    unexcused: int = 0

    @property
    def total(self) -> int:
        return self.excused + self.unexcused


@dataclass(frozen=True)
class Conduct:
    semesters: Mapping[str, str | None] = field(default_factory=dict)
    year: str | None = None  # TT58/TT26: the homeroom teacher's year level, when not HK II's
    summer: str | None = None  # year level re-assessed after summer training


@dataclass(frozen=True)
class StudentRecord:
    """One secondary student's year (TT22, TT26, TT58). Whole-year exempt subjects are left out."""

    subjects: tuple[SubjectRecord, ...]
    conduct: Conduct = Conduct()
    absences: Absences = Absences()
    retest: Mapping[str, Decimal | str] = field(default_factory=dict)


@dataclass(frozen=True)
class PrimarySubject:
    name: str
    level: str | None  # T/H/C at the end of the year
    test: int | None = None  # end-of-year test score (last test if re-tested)
    tested: bool = False  # the subject has an end-of-year test in this grade


@dataclass(frozen=True)
class PrimaryRecord:
    subjects: tuple[PrimarySubject, ...]
    qualities: Mapping[str, str | None]  # phẩm chất → T/Đ/C
    competencies: Mapping[str, str | None]  # năng lực → T/Đ/C
    outstanding: bool = False  # the class recognised an outstanding achievement (Tiêu biểu)


Value = Decimal | str | int | None


@dataclass(frozen=True)
class SubjectResult:
    name: str
    kind: Kind | None  # None for primary subjects
    results: Mapping[str, Value]  # "1"/"2" for the semesters taught, "year", and "retest" if any
    incomplete: tuple[Reason, ...] = ()
    review: tuple[Reason, ...] = ()
    explanations: Mapping[str, tuple[Reason, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class StudentResult:
    rules: RuleSet
    subjects: Mapping[str, SubjectResult]
    learning: Mapping[str, str | None]  # "1", "2", "year" (+ "retest"); primary: "year" only
    conduct: Mapping[str, str | None]  # "year" (+ "summer")
    overall_average: Mapping[str, Decimal | None]  # TT58/TT26 ĐTBhk/ĐTBcn; None elsewhere
    promotion: str | None
    retest_subjects: tuple[str, ...]
    award: str | None
    semester_awards: Mapping[str, str | None]  # TT58/TT26 titles per semester
    incomplete: tuple[Reason, ...]
    review: tuple[Reason, ...]
    explanations: Mapping[tuple[str, ...], tuple[Reason, ...]]  # ("learning", "1") → reasons


class Graded(NamedTuple):
    """One subject's result for a period, as the level rules see it: a score or Đ/CĐ."""

    subject: str
    value: Decimal | str

    @property
    def scored(self) -> bool:
        return isinstance(self.value, Decimal)


@dataclass(frozen=True)
class Classification:
    level: str
    reasons: tuple[Reason, ...]
    average: Decimal | None = None  # TT58/TT26 ĐTBhk or ĐTBcn


@dataclass(frozen=True)
class Decision:
    promotion: str
    retest_subjects: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
