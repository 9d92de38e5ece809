"""TT58/2011, as issued and as amended by TT26/2020 (secondary): overall averages, học lực with the
adjustment of Điều 13 khoản 6, hạnh kiểm for the year, promotion (Điều 15–17) and titles (Điều 18).
regulations.md §3."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from domain.evaluation.model import (
    ADVANCED,
    GIOI,
    GOOD,
    KEM,
    KHA,
    MAX_ABSENCES,
    PROMOTED,
    RETAINED,
    RETEST_NEEDED,
    SEMESTERS,
    SUMMER_TRAINING,
    TOT,
    TRUNG_BINH,
    TT58_CONDUCT,
    TT58_LEARNING,
    YEU,
    Absences,
    Classification,
    Conduct,
    Decision,
    Graded,
    Reason,
    RuleSet,
    because,
    rank,
    too_many_absences,
)
from domain.evaluation.values import FAIL, PASS, is_mark, mean

KEY_SUBJECTS = {
    RuleSet.TT26: ("Toán", "Ngữ văn", "Ngoại ngữ"),
    RuleSet.TT58: ("Toán", "Ngữ văn"),
}
_KEY_ALIASES = {"tiếng anh": "ngoại ngữ", "ngoại ngữ 1": "ngoại ngữ"}


@dataclass(frozen=True)
class Band:
    level: str
    average: Decimal  # ĐTBhk/ĐTBcn at least
    key: Decimal | None  # at least one key subject at least
    floor: Decimal  # no scored subject below
    comments: bool  # every comment subject Đ


BANDS = (
    Band(GIOI, Decimal("8.0"), Decimal("8.0"), Decimal("6.5"), True),
    Band(KHA, Decimal("6.5"), Decimal("6.5"), Decimal("5.0"), True),
    Band(TRUNG_BINH, Decimal("5.0"), Decimal("5.0"), Decimal("3.5"), True),
    Band(YEU, Decimal("3.5"), None, Decimal("2.0"), False),
)
# Khoản 6: (level the average reaches, level given because of one subject) → adjusted level.
ADJUSTED = {(GIOI, TRUNG_BINH): KHA, (GIOI, YEU): TRUNG_BINH, (KHA, YEU): TRUNG_BINH, (KHA, KEM): YEU}


def is_key_subject(rules: RuleSet, name: str) -> bool:
    folded = name.casefold()
    folded = _KEY_ALIASES.get(folded, folded)
    return any(folded == key.casefold() for key in KEY_SUBJECTS[rules])


def blockers(band: Band, average: Decimal, graded: Sequence[Graded], rules: RuleSet) -> list[Reason]:
    """Every condition of ``band`` the results fail; empty when the student reaches it."""
    reasons: list[Reason] = []
    if average < band.average:
        reasons.append(
            because(
                "evaluation.reason.tt58.average_below",
                level=band.level,
                average=average,
                threshold=band.average,
            )
        )
    scored = [g for g in graded if g.scored]
    if band.key is not None and not any(
        g.value >= band.key for g in scored if is_key_subject(rules, g.subject)
    ):
        reasons.append(
            because(
                "evaluation.reason.tt58.key_subject_below",
                level=band.level,
                subjects=", ".join(KEY_SUBJECTS[rules]),
                threshold=band.key,
            )
        )
    reasons += [
        because(
            "evaluation.reason.below_floor",
            level=band.level,
            subject=g.subject,
            value=g.value,
            floor=band.floor,
        )
        for g in scored
        if g.value < band.floor
    ]
    if band.comments:
        reasons += [
            because("evaluation.reason.comment_failed", level=band.level, subject=g.subject)
            for g in graded
            if is_mark(g.value, FAIL)
        ]
    return reasons


def classify(graded: Sequence[Graded], rules: RuleSet) -> Classification:
    """Học lực from the subjects' averages (semester: ĐTBmhk, year: ĐTBmcn) and Đ/CĐ results."""
    average = mean([g.value for g in graded if g.scored])
    raw = next((b.level for b in BANDS if not blockers(b, average, graded, rules)), KEM)
    adjusted = _adjust(raw, average, graded, rules)
    if adjusted:
        level, reason = adjusted
        return Classification(level, (reason,), average)
    index = TT58_LEARNING.index(raw)
    reasons = [] if raw == KEM else [_reached(BANDS[index], average)]
    if raw != GIOI:
        reasons += blockers(BANDS[index - 1], average, graded, rules)
    return Classification(raw, tuple(reasons), average)


def _reached(band: Band, average: Decimal) -> Reason:
    key = "evaluation.reason.tt58.reached" if band.key is not None else "evaluation.reason.tt58.reached_yeu"
    return because(
        key, level=band.level, average=average, threshold=band.average, key_score=band.key, floor=band.floor
    )


def _adjust(
    raw: str, average: Decimal, graded: Sequence[Graded], rules: RuleSet
) -> tuple[str, Reason] | None:
    """Khoản 6: the average reaches Giỏi or Khá, but exactly one subject (a score below that level's
    floor or a comment subject CĐ) pulls the level down two or more; that subject alone explains it.

    An average of Giỏi also reaches Khá, so Giỏi dropped to Kém by one subject is read as case d)
    (Khá → Kém, adjusted to Yếu): otherwise raising a score could lower the level."""
    for band in BANDS[:2]:
        if average < band.average or (band.level, raw) not in ADJUSTED:
            continue
        culprits = [g for g in graded if is_mark(g.value, FAIL) or (g.scored and g.value < band.floor)]
        if len(culprits) != 1:
            continue
        (culprit,) = culprits
        lifted = [g._replace(value=band.floor if g.scored else PASS) if g is culprit else g for g in graded]
        if blockers(band, average, lifted, rules):
            continue
        level = ADJUSTED[(band.level, raw)]
        reason = because(
            "evaluation.reason.tt58.adjusted",
            level=level,
            raw=raw,
            would=band.level,
            average=average,
            subject=culprit.subject,
            value=culprit.value,
        )
        return level, reason
    return None


def conduct_year(conduct: Conduct) -> tuple[str | None, tuple[Reason, ...]]:
    """Điều 4: mainly semester II's level; the homeroom teacher may set another."""
    if conduct.year is not None:
        return conduct.year, (because("evaluation.reason.tt58.conduct_set", level=conduct.year),)
    second = conduct.semesters.get(SEMESTERS[1])
    if second is None:
        return None, ()
    return second, (because("evaluation.reason.tt58.conduct_from_second", level=second),)


def _at_least(level: str, floor: str, scale: tuple[str, ...]) -> bool:
    return rank(level, scale) >= rank(floor, scale)


def promotion(
    conduct: str,
    learning: str,
    learning_after: str | None,
    summer: str | None,
    absences: Absences,
    failed: tuple[str, ...],
) -> Decision:
    """Điều 15–17. Failed subjects are the ones the student may choose to re-test."""
    if absences.total > MAX_ABSENCES:
        return Decision(RETAINED, reasons=(too_many_absences(absences),))
    if learning == KEM:
        return Decision(RETAINED, reasons=(because("evaluation.reason.tt58.learning_kem"),))
    if learning == YEU and conduct == YEU:
        return Decision(RETAINED, reasons=(because("evaluation.reason.tt58.both_yeu"),))
    if conduct == YEU:
        if summer is None:
            return Decision(SUMMER_TRAINING, reasons=(because("evaluation.reason.tt58.summer_training"),))
        if summer == YEU:
            return Decision(RETAINED, reasons=(because("evaluation.reason.tt58.summer_failed"),))
    if learning != YEU:
        return Decision(PROMOTED, reasons=(because("evaluation.reason.tt58.promoted", total=absences.total),))
    subjects = ", ".join(failed)
    if learning_after is None:
        return Decision(RETEST_NEEDED, failed, (because("evaluation.reason.tt58.retest", subjects=subjects),))
    if _at_least(learning_after, TRUNG_BINH, TT58_LEARNING):
        reason = because("evaluation.reason.tt58.retest_passed", level=learning_after)
        return Decision(PROMOTED, failed, (reason,))
    return Decision(
        RETAINED, failed, (because("evaluation.reason.tt58.retest_failed", level=learning_after),)
    )


def title(conduct: str, learning: str) -> tuple[str | None, tuple[Reason, ...]]:
    """Điều 18: Học sinh Giỏi over Học sinh Tiên tiến, per semester and for the year."""
    if conduct == TOT and learning == GIOI:
        found: str | None = GOOD
    elif _at_least(conduct, KHA, TT58_CONDUCT) and _at_least(learning, KHA, TT58_LEARNING):
        found = ADVANCED
    else:
        found = None
    key = "evaluation.reason.tt58.title" if found else "evaluation.reason.tt58.no_title"
    return found, (because(key, title=found, conduct=conduct, learning=learning),)
