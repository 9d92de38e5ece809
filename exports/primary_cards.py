"""The primary report card (TT27/2020): the subjects' level (T/H/C) and periodic test, and from the end
of the year the five qualities and ten competencies, the education result and whether the pupil
completed the grade's programme ("Hoàn thành chương trình tiểu học" in grade 5).
``exports.report_cards`` dispatches here for primary cards."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from domain.columns import PRIMARY_TESTED_MIDTERM_GRADES
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import Period, ReportCard
from exports.pdf import BOLD, CELL, grid, text
from exports.primary_values import completion_text, whole
from exports.values import shown
from locales import Translator

CARD_WIDTH = 186 * mm
SUBJECT_WIDTHS = (44 * mm, 24 * mm, 18 * mm)  # subject, level, test; the comment takes the rest
RATING_PAIRS = 3  # (name, level) pairs side by side in the ratings table
HEAD = ParagraphStyle("primary-card-head", parent=CELL, fontName=BOLD, alignment=1)


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


def subject_table(card: ReportCard, t: Translator):
    """The subjects, every heading, name and comment wrapped inside its cell."""
    rows = card_rows(card, t)
    header = [text(cell, HEAD) for cell in rows[0]]
    body = [[text(row[0], CELL), *row[1:-1], text(row[-1], CELL)] for row in rows[1:]]
    widths = list(SUBJECT_WIDTHS[: len(rows[0]) - 1])
    widths.append(CARD_WIDTH - sum(widths))
    return grid([header, *body], widths, 1, 7.5)


def ratings_table(card: ReportCard, t: Translator):
    """The qualities, then the competencies, three (name, level) pairs to a row under their heading."""
    rows = rating_rows(card, t)
    if not rows:
        return None
    pair = CARD_WIDTH / RATING_PAIRS
    widths = [pair - 10 * mm, 10 * mm] * RATING_PAIRS
    lines, style = [], [("ALIGN", (0, 0), (-1, -1), "CENTER")]
    for kind in dict.fromkeys(kind for kind, _, _ in rows):
        cells = [[text(name, CELL), level] for group, name, level in rows if group == kind]
        style += [
            ("SPAN", (0, len(lines)), (-1, len(lines))),
            ("ALIGN", (0, len(lines)), (-1, len(lines)), "LEFT"),
        ]
        lines.append([text(kind, HEAD)] + [""] * (2 * RATING_PAIRS - 1))
        for i in range(0, len(cells), RATING_PAIRS):
            chunk = sum(cells[i : i + RATING_PAIRS], [])
            lines.append(chunk + [""] * (2 * RATING_PAIRS - len(chunk)))
    return grid(lines, widths, 1, 7.5, style)
