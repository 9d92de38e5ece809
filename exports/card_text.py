"""A report card (phiếu liên lạc) as text: the subject table exactly as printed (``card_rows``), the
lines under it, the fingerprint, and ``card_text``, the card as a chat message. No drawing library here:
the bot and the web chat show cards as text, and ``exports.report_cards`` draws the same rows on paper."""

from __future__ import annotations

from domain.evaluation import RuleSet
from domain.evaluation.model import RETEST
from domain.evaluation.subjects import TT22_LABELS, TT58_LABELS
from domain.report_card import Period, ReportCard
from domain.year_end import DECISION, Flag, StudentLine, promotion_text, status_text
from exports import primary_cards
from exports.values import fingerprint, shown
from locales import Translator


def period_name(period: Period, t: Translator) -> str:
    return t(f"exports.period.{period.value}")


def labels(rules: RuleSet) -> tuple[str, str, str]:
    """The gradebook's names of the regular, mid-term and end-of-term columns under the rule set."""
    return TT58_LABELS if rules is RuleSet.TT58 else TT22_LABELS


def card_rows(card: ReportCard, t: Translator) -> list[list[str]]:
    """The subject table: a header row, then one row per subject, every cell as printed."""
    if card.rules is RuleSet.TT27:
        return primary_cards.card_rows(card, t)
    if card.period is Period.YEAR:
        header = [
            t("exports.col.subject"),
            t("exports.period.1"),
            t("exports.period.2"),
            t("exports.col.year"),
        ]
        header.append(t("exports.col.comment"))
        rows = [
            [line.name]
            + [shown(line.results.get(key), t) for key in ("1", "2")]
            + [year_cell(line.results, t)]
            + [line.comment or ""]
            for line in card.subjects
        ]
    else:
        regular, midterm, final = labels(card.rules)
        header = [t("exports.col.subject"), regular, midterm]
        if not card.period.midterm:
            header += [final, t("exports.col.semester_average")]
        header.append(t("exports.col.comment"))
        rows = []
        for line in card.subjects:
            row = [
                line.name,
                " ".join(shown(v, t) for v in line.regular if v is not None),
                shown(line.midterm, t),
            ]
            if not card.period.midterm:
                row += [shown(line.final, t), shown(line.results.get(card.period.value), t)]
            rows.append(row + [line.comment or ""])
    return [header] + rows


def summary_lines(card: ReportCard, t: Translator) -> list[str]:
    """Levels, absences, award and promotion, as printed under the table."""
    scheme = "tt22" if card.rules is RuleSet.TT22 else "tt27" if card.rules is RuleSet.TT27 else "tt58"
    pending = t("exports.card.pending")
    lines = []
    if not card.period.midterm and card.rules is not RuleSet.TT27:  # as the book: conduct, then learning
        lines.append(t(f"exports.card.conduct.{scheme}", level=card.conduct or pending))
        lines.append(t(f"exports.card.learning.{scheme}", level=card.learning or pending))
    if card.rules is RuleSet.TT27:
        lines += primary_cards.summary_lines(card, t)
    excused, unexcused = card.absences
    lines.append(t("exports.card.absences", excused=excused, unexcused=unexcused))
    if card.award:
        lines.append(t("exports.card.award", award=card.award))
    if card.year_line is not None:
        lines += year_end_lines(card.year_line, card.summer_line, t, card.grade)
    elif card.promotion and card.rules is not RuleSet.TT27:  # primary: the completion, above
        promotion = promotion_text(t, card.promotion, card.grade)
        lines.append(t("exports.card.promotion", promotion=promotion))
        if card.retest_subjects:
            lines.append(t("exports.card.retest_subjects", subjects=", ".join(card.retest_subjects)))
    return lines


def year_cell(results: dict, t: Translator) -> str:
    """The year's result of a subject, and beside it the re-test's where there is one."""
    year = shown(results.get("year"), t)
    if results.get(RETEST) is None:
        return year
    return t("year_end.card.retested", year=year, retest=shown(results[RETEST], t))


def year_end_lines(line: StudentLine, summer: StudentLine | None, t: Translator, grade: int = 0) -> list[str]:
    """The approved status, the flags with their reasons, and the re-assessment after the summer.
    A note is for the leadership, not for the parents: it stays off the card."""
    lines = [t("year_end.card.status", status=status_text(t, line, grade))]
    lines += [
        t("year_end.card.flag", flag=t(f"year_end.flag.{flag}"), reason=reason)
        for flag, reason in line.flags.items()
        if flag not in (DECISION, Flag.NOTE)
    ]
    if summer is not None:
        lines.append(
            t(
                "year_end.card.summer",
                learning=summer.learning or "—",
                conduct=summer.conduct or "—",
                status=status_text(t, summer, grade),
            )
        )
    return lines


def heading_lines(card: ReportCard, t: Translator) -> list[str]:
    return [
        t("exports.card.student", name=card.student.full_name, code=card.student.code),
        t("exports.card.born_class", born=card.student.date_of_birth, name=card.class_name),
    ]


def card_fingerprint(card: ReportCard, t: Translator) -> str:
    return fingerprint(
        [
            *([line] for line in heading_lines(card, t)),
            *card_rows(card, t),
            *primary_cards.rating_rows(card, t),
            summary_lines(card, t),
        ]
    )


def card_text(card: ReportCard, t: Translator) -> str:
    """The card as a chat message: the title, the student, one line per subject, the summary."""
    rows = card_rows(card, t)
    header = rows[0]
    lines = [
        f"{t('exports.card.title')} · {period_name(card.period, t)} · {t('exports.year', year=card.year)}",
        *heading_lines(card, t),
        "",
    ]
    for row in rows[1:]:
        cells = [f"{name}: {value}" for name, value in zip(header[1:-1], row[1:-1], strict=True) if value]
        lines.append(f"• {row[0]} — " + ("; ".join(cells) or t("exports.card.nothing_yet")))
        if row[-1]:
            lines.append(f"  {header[-1]}: {row[-1]}")
    ratings = primary_cards.rating_rows(card, t)
    lines += [f"• {kind} — {name}: {level}" for kind, name, level in ratings if level]
    lines += ["", *summary_lines(card, t)]
    lines.append(t("exports.card.fingerprint", value=card_fingerprint(card, t)))
    return "\n".join(lines)
