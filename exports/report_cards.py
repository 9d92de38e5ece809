"""Report cards (phiếu liên lạc) drawn: one PDF page per student, or a picture.

``card_pdf(cards, t)`` renders one or many ``domain.report_card.ReportCard`` (a class: a page per
student, in class-list order); ``card_png(card, t)`` draws one card as a picture (for Zalo, which carries
no documents). Both draw the rows of ``exports.card_text`` (the card as a chat message), which also give
each page's fingerprint."""

from __future__ import annotations

import io
import textwrap
import unicodedata

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table

from domain.evaluation import RuleSet
from domain.report_card import Period, ReportCard
from domain.school import School
from exports.card_text import card_fingerprint, card_rows, heading_lines, period_name, summary_lines
from exports.pdf import (
    BODY,
    BOLD,
    CELL,
    CELL_CENTRE,
    CENTRE,
    CENTRE_BOLD,
    DATE_LINE,
    HEADING,
    Mark,
    Meta,
    grid,
    plain,
    render,
    text,
)
from exports.primary_cards import rating_rows
from locales import Translator

DOTS = "." * 150
PNG_WIDTH, PNG_DPI, PNG_FONT = 8.0, 125, "DejaVu Sans"  # 1,000 pixels wide: readable on a phone
CARD_WIDTH = 186 * mm
PRIMARY_WIDTHS = (44 * mm, 24 * mm, 18 * mm)  # subject, level, test; the comment takes the rest
RATING_PAIRS = 3  # (name, level) pairs side by side in a primary card's ratings table
PRIMARY_HEAD = ParagraphStyle("primary-card-head", parent=CELL, fontName=BOLD, alignment=1)


def card_pdf(cards: list[ReportCard], t: Translator) -> bytes:
    """One page per card, A4 portrait."""
    story = []
    for number, card in enumerate(cards):
        if number:
            story.append(PageBreak())
        story += _card_story(card, t)
    first = cards[0] if cards else None
    scope = first.class_name if first else ""
    meta = Meta(
        title=t("exports.card.title"),
        subject=f"{scope} · {period_name(first.period, t)}" if first else "",
        keywords=_keywords(first, t),
        header=_running_header(first, t),
    )
    return render(story, t, meta)


def _running_header(card: ReportCard | None, t: Translator) -> str:
    if card is None:
        return ""
    return t(
        "exports.pdf.header",
        school=card.school.name,
        class_name=card.class_name,
        year=card.year,
        period=period_name(card.period, t),
    )


def _keywords(card: ReportCard | None, t: Translator) -> str:
    """What ``export verify`` needs to build the file again (see exports.gradebook.keywords)."""
    if card is None:
        return "sodiem kind=reportcards"
    return (
        f"sodiem kind=reportcards class={card.class_name} year={card.year} period={card.period.value} "
        f"lang={t.language}"
    )


def _card_story(card: ReportCard, t: Translator) -> list:
    rows = card_rows(card, t)
    middle = [
        30 * mm if i == _wide_column(card, len(rows[0]) - 2) else 16 * mm for i in range(len(rows[0]) - 2)
    ]
    widths = [44 * mm, *middle]
    widths.append(CARD_WIDTH - sum(widths))
    body = [
        [text(row[0], CELL), *(text(cell, CELL_CENTRE) for cell in row[1:-1]), text(row[-1], CELL)]
        for row in rows[1:]
    ]
    table = grid([rows[0], *body], widths=widths)
    ratings = None
    if card.rules is RuleSet.TT27:
        table, ratings = _primary_subject_table(card, t), _primary_ratings_table(card, t)
    signers = [("exports.sign.parent", None), ("exports.sign.homeroom", card.homeroom_teacher)]
    if not card.period.midterm:
        signers.append(("exports.sign.principal", card.principal))
    story = [
        Mark(card_fingerprint(card, t)),
        heading_block(card.school, t),
        Spacer(1, 5 * mm),
        text(t("exports.card.title"), HEADING),
        text(f"{period_name(card.period, t)} · {t('exports.year', year=card.year)}", CENTRE),
        Spacer(1, 4 * mm),
        *(text(line) for line in heading_lines(card, t)),
        Spacer(1, 3 * mm),
        table,
        *([Spacer(1, 2 * mm), ratings] if ratings else []),
        Spacer(1, 3 * mm),
        *(text(line) for line in summary_lines(card, t)),
        Spacer(1, 2 * mm),
        text(t("exports.card.homeroom_comment")),
        text(card.homeroom_comment or DOTS, BODY),
        text(DOTS if not card.homeroom_comment else "", BODY),
        Spacer(1, 6 * mm),
        signatures(t, signers, card.school),
    ]
    return story


def _wide_column(card: ReportCard, columns: int) -> int | None:
    """The middle column that holds most: a semester's regular scores, the year's result with its re-test."""
    if card.rules is RuleSet.TT27:
        return None
    return columns - 1 if card.period is Period.YEAR else 0


def _primary_subject_table(card: ReportCard, t: Translator) -> Table:
    """The subjects, every heading, name and comment wrapped inside its cell."""
    rows = card_rows(card, t)
    header = [text(cell, PRIMARY_HEAD) for cell in rows[0]]
    body = [[text(row[0], CELL), *row[1:-1], text(row[-1], CELL)] for row in rows[1:]]
    widths = list(PRIMARY_WIDTHS[: len(rows[0]) - 1])
    widths.append(CARD_WIDTH - sum(widths))
    return grid([header, *body], widths, 1, 7.5)


def _primary_ratings_table(card: ReportCard, t: Translator) -> Table | None:
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
        lines.append([text(kind, PRIMARY_HEAD)] + [""] * (2 * RATING_PAIRS - 1))
        for i in range(0, len(cells), RATING_PAIRS):
            chunk = sum(cells[i : i + RATING_PAIRS], [])
            lines.append(chunk + [""] * (2 * RATING_PAIRS - len(chunk)))
    return grid(lines, widths, 1, 7.5, style)


def heading_block(school: School, t: Translator) -> Table:
    """The national heading beside the school's: the education office and the school on the left,
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" on the right."""
    office = (
        t("exports.office.district", district=school.district)
        if school.district
        else t("exports.office.province", province=school.province)
    )
    return plain(
        [
            [text(office.upper(), CENTRE), text(t("exports.nation"), CENTRE_BOLD)],
            [text(school.name.upper(), CENTRE_BOLD), text(t("exports.motto"), CENTRE_BOLD)],
        ],
        [80 * mm, 106 * mm],
    )


def signatures(t: Translator, who: list[tuple[str, str | None]], school: School) -> Table:
    """Signature blocks side by side under the date line: the role, "(Ký, ghi rõ họ tên)" (the
    principal's "(Ký tên, đóng dấu)"), room to sign, the name."""
    dated = text(t("exports.sign.date", place=school.district or school.province), DATE_LINE)
    titles = [text(t(key), CENTRE_BOLD) for key, _ in who]
    notes = [
        text(t("exports.sign.stamp" if key == "exports.sign.principal" else "exports.sign.note"), CENTRE)
        for key, _ in who
    ]
    names = [text(name or "", CENTRE_BOLD) for _, name in who]
    blocks = plain([titles, notes, [""] * len(who), names], heights=[None, None, 15 * mm, None])
    return plain([[dated], [blocks]])


def card_png(card: ReportCard, t: Translator) -> bytes:
    """The card as a picture for a chat without documents (Zalo): the title, the student, the subject
    table and the summary, as on the PDF page. matplotlib's Agg canvas, DejaVu Sans (every Vietnamese
    letter), texts in NFC (decomposed accents are drawn misplaced)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    nfc = lambda value: unicodedata.normalize("NFC", value)  # noqa: E731
    rows = [[nfc(cell) for cell in row] for row in card_rows(card, t)]
    for row in rows:  # long names and comments over lines of their own within their column
        row[0] = textwrap.fill(row[0], 22)
        row[-1] = textwrap.fill(row[-1], 34)
    lines = [max(cell.count("\n") + 1 for cell in row) for row in rows]
    head = [
        nfc(
            f"{t('exports.card.title')} · {period_name(card.period, t)} · {t('exports.year', year=card.year)}"
        ),
        *(nfc(line) for line in heading_lines(card, t)),
    ]
    summary = [nfc(line) for line in summary_lines(card, t)]
    height = 1.6 + 0.26 * sum(lines) + 0.3 * len(summary)
    figure = Figure(figsize=(PNG_WIDTH, height), dpi=PNG_DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.03, 0.02, 0.94, 0.96))
    axes.axis("off")
    inch = 1 / (height * 0.96)  # one inch of the figure's height, in axes coordinates
    axes.text(0.5, 1, head[0], ha="center", va="top", fontsize=13, weight="bold", fontfamily=PNG_FONT)
    for number, line in enumerate(head[1:], start=1):
        axes.text(0, 1 - (0.2 + 0.3 * number) * inch, line, va="top", fontsize=10.5, fontfamily=PNG_FONT)
    table_top = 1 - 1.1 * inch
    table_height = 0.26 * sum(lines) * inch
    # as on the PDF page: the regular scores' column twice as wide as the other middle ones
    weights = [2 if i == 0 and len(rows[0]) > 5 else 1 for i in range(len(rows[0]) - 2)]
    table = axes.table(
        cellText=rows[1:],
        colLabels=rows[0],
        colWidths=[0.22, *(0.46 * weight / sum(weights) for weight in weights), 0.32],
        cellLoc="center",
        bbox=(0, table_top - table_height, 1, table_height),
    )
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for (row, column), cell in table.get_celld().items():
        cell.set_height(lines[row] / sum(lines))
        cell.get_text().set_fontfamily(PNG_FONT)
        if row == 0:
            cell.set_facecolor("#e8eef7")
        if column in (0, len(rows[0]) - 1):
            cell.get_text().set_horizontalalignment("left")
            cell.PAD = 0.02
    for number, line in enumerate(summary):
        y = table_top - table_height - (0.2 + 0.3 * number) * inch
        axes.text(0, y, line, va="top", fontsize=10.5, fontfamily=PNG_FONT)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()
