"""The primary report card (TT27/2020): the subjects' level (T/H/C) and periodic test, and from the end
of the year the five qualities and ten competencies, the education result and whether the pupil
completed the grade's programme ("Hoàn thành chương trình tiểu học" in grade 5), as text:
``exports.card_text`` dispatches here for primary cards and ``exports.report_cards`` draws these rows."""

from __future__ import annotations

from domain.columns import PRIMARY_TESTED_MIDTERM_GRADES
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import Period, ReportCard
from exports.primary_values import completion_text, whole
from exports.values import shown
from locales import Translator


def card_rows(card: ReportCard, t: Translator) -> list[list[str]]:
    """The subject table: per subject the period's level (the year's: the end-of-year level), the test
    as a whole number (no test column at mid-term in grades 1-3, which sit no mid-term test), the
    teacher's comment."""
    level_key = "exports.col.level_mid" if card.period.midterm else "exports.col.level"
    tested = _tested(card)
    header = [t("exports.col.subject"), t(level_key)]
    header += [t("exports.col.test")] if tested else []
    rows = [header + [t("exports.col.comment")]]
    for line in card.subjects:
        if card.period is Period.YEAR:
            level = line.results.get("year")
        else:
            level = line.midterm if card.period.midterm else line.final
        test = [whole(line.test, t)] if tested else []
        rows.append([line.name, shown(level, t), *test, line.comment or ""])
    return rows


def _tested(card: ReportCard) -> bool:
    return not card.period.midterm or card.grade in PRIMARY_TESTED_MIDTERM_GRADES


def rating_rows(card: ReportCard, t: Translator) -> list[list[str]]:
    """The qualities and competencies with their levels (the year-end ratings); none before them."""
    if not card.ratings:
        return []
    groups = ((t("exports.primary.quality"), QUALITIES), (t("exports.primary.competency"), COMPETENCIES))
    return [
        [kind, name[:1].upper() + name[1:], card.ratings.get(name, "")]
        for kind, names in groups
        for name in names
    ]


def summary_lines(card: ReportCard, t: Translator) -> list[str]:
    """The year's education result and the completion of the programme, where the year gives them."""
    if card.period is not Period.YEAR:
        return []
    pending = t("exports.card.pending")
    lines = [t("exports.primary.card.result", level=card.learning or pending)]
    completed = completion_text(card.promotion, t)
    if completed:
        key = (
            "exports.primary.card.completed_primary" if card.grade == 5 else "exports.primary.card.completed"
        )
        lines.append(t(key, status=completed))
    return lines
