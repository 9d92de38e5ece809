"""The year-end review (xét lên lớp): the status each student ends the year with, and which of a
class's lists count. A class has lists for the ``year`` stage (after the last scores) and, when some
students re-test or train in the summer, the ``summer`` stage; an approved summer list replaces the
year list for the students on it, and both are kept."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from domain.errors import DomainError
from domain.evaluation.model import (
    CHUA_DAT,
    EXEMPLARY,
    HTT,
    NOT_COMPLETED,
    PROMOTED,
    RETAINED,
    RETEST_NEEDED,
    SUMMER_TRAINING,
    YEU,
    Reason,
    RuleSet,
    StudentResult,
    because,
)
from domain.evaluation.model import RETEST as RETEST_PERIOD
from domain.evaluation.model import SUMMER as SUMMER_PERIOD
from domain.evaluation.model import YEAR as YEAR_PERIOD
from domain.names import sort_by_name


class Stage(StrEnum):
    YEAR = "year"
    SUMMER = "summer"


class ReviewState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Outcome(StrEnum):
    """A student's status at the end of a stage; the catalog key is ``year_end.outcome.<value>``."""

    PROMOTED = "promoted"  # lên lớp (or, in the last grade, finished the level)
    RETEST = "retest"  # kiểm tra lại in the summer
    SUMMER_TRAINING = "summer_training"  # rèn luyện trong hè
    RETAINED = "retained"  # ở lại lớp

    @property
    def settled(self) -> bool:
        """Whether the status is final: re-test and summer training wait for the summer lists."""
        return self in (Outcome.PROMOTED, Outcome.RETAINED)


class Flag(StrEnum):
    """A mark the homeroom teacher adds by hand, always with a reason; key ``year_end.flag.<value>``."""

    EXEMPLARY = "exemplary"  # primary: Học sinh tiêu biểu (TT27 Đ15)
    SPECIAL_AWARD = "special_award"  # an exceptional achievement the school rewards
    NOTE = "note"  # anything the leadership should read beside the line


DECISION = "decision"  # in the stored flags: the reason a person gave for a status the rules left open
MIN_REASON, MAX_REASON = 3, 200
MIN_COMMENT, MAX_COMMENT = 3, 500  # the leadership's comment when sending lists back

# The engine's promotion strings (domain/evaluation/model.py), as statuses.
_PROMOTION = {
    PROMOTED: Outcome.PROMOTED,
    RETEST_NEEDED: Outcome.RETEST,
    SUMMER_TRAINING: Outcome.SUMMER_TRAINING,
    RETAINED: Outcome.RETAINED,
    NOT_COMPLETED: Outcome.RETAINED,  # TT27: not completed; the school decides after summer help
}


# The last grade of a level: being promoted there is completing the level's programme (Hoàn thành
# chương trình tiểu học / THCS), catalog key ``year_end.outcome.completed.<grade>``.
FINAL_GRADES = (5, 9)


def promotion_text(t: Callable[..., str], promotion: str | None, grade: int) -> str:
    """The engine's promotion as a paper prints it: "lên lớp" in grade 9 is "Hoàn thành chương trình THCS"."""
    if promotion == PROMOTED and grade in FINAL_GRADES:
        return t(f"year_end.outcome.completed.{grade}")
    return promotion or ""


def outcome_of(promotion: str | None) -> Outcome | None:
    return _PROMOTION.get(promotion) if promotion else None


@dataclass(frozen=True)
class StudentLine:
    """One student's line in a class's lists: the engine's proposal and what people added."""

    student_id: int
    name: str
    learning: str | None
    conduct: str | None
    absences: int
    proposed: Outcome | None
    retest_subjects: tuple[str, ...] = ()
    award: str | None = None
    open_reasons: tuple[Reason, ...] = ()  # why the rules leave the case to people
    flags: Mapping[str, str] = field(default_factory=dict)  # Flag value → reason
    decision: Outcome | None = None  # a person's status for a case left to people
    summer: bool = False  # the line is the summer re-assessment

    @property
    def marked(self) -> bool:
        """The rules leave this case to people."""
        return bool(self.open_reasons) or self.proposed is None

    @property
    def status(self) -> Outcome | None:
        return self.decision or self.proposed

    @property
    def awaiting_decision(self) -> bool:
        return self.marked and self.decision is None


def student_line(
    student_id: int, name: str, result: StudentResult, absences: int, summer: bool = False
) -> StudentLine:
    """The line the engine proposes; a summer line reads the re-assessed learning and conduct."""
    proposed = outcome_of(result.promotion)
    learning = result.learning.get(RETEST_PERIOD) if summer else None
    conduct = result.conduct.get(SUMMER_PERIOD) if summer else None
    return StudentLine(
        student_id,
        name,
        learning or result.learning.get(YEAR_PERIOD),
        conduct or result.conduct.get(YEAR_PERIOD),
        absences,
        proposed,
        tuple(result.retest_subjects) if proposed in (Outcome.RETEST, Outcome.SUMMER_TRAINING) else (),
        result.award,
        (*result.incomplete, *result.review)
        + ((because("year_end.reason.not_completed"),) if result.promotion == NOT_COMPLETED else ()),
        summer=summer,
    )


def status_text(t: Callable[..., str], line: StudentLine, grade: int = 0) -> str:
    """The status in the reader's words, with the re-test subjects: "Kiểm tra lại (Toán, Tin học)";
    promoted in a level's last ``grade`` is "Hoàn thành chương trình THCS"."""
    if line.status is None:
        return t("year_end.undecided")
    completed = line.status is Outcome.PROMOTED and grade in FINAL_GRADES
    text = t(f"year_end.outcome.completed.{grade}" if completed else f"year_end.outcome.{line.status.value}")
    return f"{text} ({', '.join(line.retest_subjects)})" if line.retest_subjects else text


def class_lists(lines: Iterable[StudentLine]) -> list[StudentLine]:
    """The lines in class-list order (Vietnamese order of names)."""
    return sort_by_name(lines, name=lambda line: line.name)


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise DomainError("year_end.error.reason", low=MIN_REASON, high=MAX_REASON)
    return reason


def add_flag(line: StudentLine, flag: Flag, reason: str) -> StudentLine:
    """A flag with its reason. A primary student who completed the year well (Hoàn thành tốt) and whom
    the class recognises as exemplary is awarded "Học sinh Tiêu biểu…" (TT27 Điều 15)."""
    flags = {**line.flags, flag.value: _reason(reason)}
    return replace(line, flags=flags, award=_award(line, flags))


def _award(line: StudentLine, flags: Mapping[str, str]) -> str | None:
    recognised = Flag.EXEMPLARY.value in flags and line.learning == HTT
    return EXEMPLARY if recognised and not line.award else line.award


def decide(line: StudentLine, outcome: Outcome, reason: str) -> StudentLine:
    """A person's status for a case the rules leave open; other cases follow the rules."""
    if not line.marked:
        raise DomainError("year_end.error.not_marked", name=line.name)
    return replace(line, decision=outcome, flags={**line.flags, DECISION: _reason(reason)})


@dataclass(frozen=True)
class Counts:
    students: int
    by_status: Mapping[Outcome, int]
    by_award: Mapping[str, int]
    awaiting: int  # marked cases without a decision
    flagged: int


def counts(lines: Iterable[StudentLine]) -> Counts:
    lines = list(lines)
    by_status = {o: sum(1 for line in lines if line.status is o) for o in Outcome}
    awards: dict[str, int] = {}
    for line in lines:
        if line.award:
            awards[line.award] = awards.get(line.award, 0) + 1
    return Counts(
        len(lines),
        by_status,
        awards,
        sum(1 for line in lines if line.awaiting_decision),
        sum(1 for line in lines if set(line.flags) - {DECISION}),
    )


def check_submittable(lines: Iterable[StudentLine]) -> None:
    """Every case the rules leave to people has a decision before the lists go to the leadership;
    after the summer every status is final (promoted or retained), not still waiting for a re-test."""
    lines = list(lines)
    waiting = [line.name for line in lines if line.awaiting_decision]
    if waiting:
        raise DomainError("year_end.error.awaiting", count=len(waiting), names=", ".join(waiting))
    unsettled = [line.name for line in lines if line.summer and line.status and not line.status.settled]
    if unsettled:
        raise DomainError("year_end.error.unsettled", count=len(unsettled), names=", ".join(unsettled))


def summer_students(year_lines: Iterable[StudentLine]) -> set[int]:
    """Who has a summer: re-test or summer conduct training in the approved year list."""
    return {
        line.student_id for line in year_lines if line.status in (Outcome.RETEST, Outcome.SUMMER_TRAINING)
    }


def passed_conduct(level: str | None) -> bool:
    """The summer conduct reached at least Đạt (TT22) or Trung bình (TT58/TT26)."""
    return level is not None and level not in (CHUA_DAT, YEU)


def summer_retests(year_lines: Iterable[StudentLine], summer_conduct: Mapping[int, str]) -> dict[int, tuple]:
    """Who re-tests in the summer, and in which subjects: the re-testing students, and those in
    summer conduct training who also failed learning once their summer conduct passed (TT22 Đ14)."""
    return {
        line.student_id: line.retest_subjects
        for line in year_lines
        if line.retest_subjects
        and (
            line.status is Outcome.RETEST
            or (
                line.status is Outcome.SUMMER_TRAINING and passed_conduct(summer_conduct.get(line.student_id))
            )
        )
    }


def chooses_retests(rules: RuleSet) -> bool:
    """TT58/TT26: the student re-tests in the failed subjects they choose, at least one."""
    return rules in (RuleSet.TT58, RuleSet.TT26)


def retests_missing(
    retests: Mapping[int, tuple[str, ...]], done: set[tuple[int, str]], choosing: bool
) -> dict[str, int]:
    """The summer re-tests still to enter, by label: "Toán · retest" per subject, or, where the student
    chooses (TT58/TT26), "Toán, Tin học · retest_any" until one of theirs is in."""
    missing: dict[str, int] = {}
    for student_id, subjects in retests.items():
        left = [subject for subject in subjects if (student_id, subject) not in done]
        if choosing:
            labels = [f"{', '.join(subjects)} · retest_any"] if len(left) == len(subjects) else []
        else:
            labels = [f"{subject} · retest" for subject in left]
        for label in labels:
            missing[label] = missing.get(label, 0) + 1
    return missing


def with_people(line: StudentLine, flags: Mapping[str, str], decision: Outcome | None) -> StudentLine:
    """A recomputed line with what people gave (the draft being prepared, or the lists sent back):
    a decision, and its reason, count only while the rules still leave the case open."""
    if not line.marked or decision is None:
        flags = {flag: reason for flag, reason in flags.items() if flag != DECISION}
        decision = None
    return replace(line, flags=dict(flags), decision=decision, award=_award(line, flags))
