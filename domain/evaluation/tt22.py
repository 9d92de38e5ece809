"""TT22/2021 (secondary): learning level with the adjustment of Điều 9 khoản 3, conduct year level,
promotion (Điều 12–14) and awards (Điều 15). regulations.md §1 and Part A items 6–11."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from domain.evaluation.model import (
    CHUA_DAT,
    DAT,
    EXCELLENT,
    GOOD,
    KHA,
    MAX_ABSENCES,
    PROMOTED,
    RETAINED,
    RETEST_NEEDED,
    SUMMER_TRAINING,
    TOT,
    TT22_LEVELS,
    Absences,
    Classification,
    Decision,
    Graded,
    Reason,
    because,
    rank,
    too_many_absences,
)
from domain.evaluation.values import FAIL, PASS, is_mark

FLOOR = {TOT: Decimal("6.5"), KHA: Decimal("5.0"), DAT: Decimal("3.5")}  # no scored subject below
MANY = {TOT: Decimal("8.0"), KHA: Decimal("6.5"), DAT: Decimal("5.0")}  # at least MIN_SUBJECTS at or above
MIN_SUBJECTS = 6
EXCELLENT_SCORE = Decimal("9.0")

# Year conduct from (semester II, semester I), Điều 8 (regulations.md §1.5).
CONDUCT_YEAR = {
    TOT: {TOT: TOT, KHA: TOT, DAT: KHA, CHUA_DAT: KHA},
    KHA: {TOT: KHA, KHA: KHA, DAT: KHA, CHUA_DAT: DAT},
    DAT: {TOT: KHA, KHA: DAT, DAT: DAT, CHUA_DAT: DAT},
    CHUA_DAT: {TOT: CHUA_DAT, KHA: CHUA_DAT, DAT: CHUA_DAT, CHUA_DAT: CHUA_DAT},
}


def _rank(level: str) -> int:
    return rank(level, TT22_LEVELS)


def blockers(level: str, graded: Sequence[Graded]) -> list[Reason]:
    """Every condition of ``level`` (Tốt, Khá or Đạt) that the results fail; empty when it holds."""
    failed_comments = [g.subject for g in graded if is_mark(g.value, FAIL)]
    reasons: list[Reason] = []
    if level != DAT:
        reasons += [
            because("evaluation.reason.comment_failed", level=level, subject=s) for s in failed_comments
        ]
    elif len(failed_comments) > 1:
        reasons.append(because("evaluation.reason.tt22.comments_failed", subjects=", ".join(failed_comments)))
    scored = [g for g in graded if g.scored]
    floor = FLOOR[level]
    reasons += [
        because("evaluation.reason.below_floor", level=level, subject=g.subject, value=g.value, floor=floor)
        for g in scored
        if g.value < floor
    ]
    count = sum(1 for g in scored if g.value >= MANY[level])
    if count < MIN_SUBJECTS:
        reasons.append(
            because(
                "evaluation.reason.tt22.too_few",
                level=level,
                count=count,
                threshold=MANY[level],
                need=MIN_SUBJECTS,
            )
        )
    return reasons


def classify(graded: Sequence[Graded]) -> Classification:
    failing: dict[str, list[Reason]] = {}
    for level in (TOT, KHA, DAT):
        failing[level] = blockers(level, graded)
        if not failing[level]:
            break
    raw = next((level for level, reasons in failing.items() if not reasons), CHUA_DAT)
    adjusted = _adjust(raw, graded)
    if adjusted:
        level, reason = adjusted
        return Classification(level, (reason,))
    if raw == CHUA_DAT:
        return Classification(raw, tuple(failing[DAT]))
    reached = _reached(raw, graded)
    better = TT22_LEVELS[TT22_LEVELS.index(raw) - 1] if raw != TOT else None
    return Classification(raw, (reached, *(failing[better] if better else ())))


def _reached(level: str, graded: Sequence[Graded]) -> Reason:
    count = sum(1 for g in graded if g.scored and g.value >= MANY[level])
    key = "evaluation.reason.tt22.reached_dat" if level == DAT else "evaluation.reason.tt22.reached"
    return because(key, level=level, floor=FLOOR[level], threshold=MANY[level], count=count)


def _adjust(raw: str, graded: Sequence[Graded]) -> tuple[str, Reason] | None:
    """Khoản 3: a level two or more below ``target`` because of one subject alone rises one level."""
    for target in (TOT, KHA):
        if _rank(raw) > _rank(target) - 2:
            continue
        culprits = [g for g in graded if is_mark(g.value, FAIL) or (g.scored and g.value < FLOOR[target])]
        if len(culprits) != 1:
            continue
        (culprit,) = culprits
        lifted = [
            g._replace(value=FLOOR[target] if g.scored else PASS) if g is culprit else g for g in graded
        ]
        if not blockers(target, lifted):
            level = TT22_LEVELS[TT22_LEVELS.index(raw) - 1]
            reason = because(
                "evaluation.reason.tt22.adjusted",
                level=level,
                raw=raw,
                target=target,
                subject=culprit.subject,
                value=culprit.value,
            )
            return level, reason
    return None


def conduct_year(first: str, second: str) -> tuple[str, tuple[Reason, ...]]:
    level = CONDUCT_YEAR[second][first]
    return level, (because("evaluation.reason.tt22.conduct_year", level=level, first=first, second=second),)


def promotion(
    conduct: str,
    learning: str,
    learning_after: str | None,
    summer: str | None,
    absences: Absences,
    failed: tuple[str, ...],
) -> Decision:
    """Điều 12–14. ``learning_after`` is the level after re-assessment, ``summer`` the conduct
    re-assessed after summer training, when known."""
    if absences.total > MAX_ABSENCES:
        return Decision(RETAINED, reasons=(too_many_absences(absences),))
    retest = failed if learning == CHUA_DAT else ()
    if conduct == CHUA_DAT:
        if summer is None:
            return Decision(SUMMER_TRAINING, retest, (because("evaluation.reason.tt22.summer_training"),))
        if summer == CHUA_DAT:
            return Decision(RETAINED, reasons=(because("evaluation.reason.tt22.summer_failed"),))
    if learning != CHUA_DAT:
        return Decision(PROMOTED, reasons=(because("evaluation.reason.tt22.promoted", total=absences.total),))
    if not failed:
        return Decision(RETAINED, reasons=(because("evaluation.reason.nothing_to_retest"),))
    subjects = ", ".join(failed)
    if learning_after is None:
        return Decision(RETEST_NEEDED, retest, (because("evaluation.reason.tt22.retest", subjects=subjects),))
    if learning_after == CHUA_DAT:
        return Decision(
            RETAINED, retest, (because("evaluation.reason.tt22.retest_failed", subjects=subjects),)
        )
    reason = because("evaluation.reason.tt22.retest_passed", subjects=subjects, level=learning_after)
    return Decision(PROMOTED, retest, (reason,))


def award(conduct: str, learning: str, year: Sequence[Graded]) -> tuple[str | None, tuple[Reason, ...]]:
    """Điều 15: at most one title, Xuất sắc over Giỏi; end of year only."""
    if conduct != TOT or learning != TOT:
        return None, (because("evaluation.reason.tt22.no_award", conduct=conduct, learning=learning),)
    count = sum(1 for g in year if g.scored and g.value >= EXCELLENT_SCORE)
    if count >= MIN_SUBJECTS:
        return EXCELLENT, (
            because("evaluation.reason.tt22.excellent", count=count, threshold=EXCELLENT_SCORE),
        )
    reason = because("evaluation.reason.tt22.good", count=count, threshold=EXCELLENT_SCORE, need=MIN_SUBJECTS)
    return GOOD, (reason,)
