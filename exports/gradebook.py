"""The printed gradebook of a class for a semester or the year, A4: "Sổ theo dõi và đánh giá học sinh
(theo lớp)" under TT22, "Sổ gọi tên và ghi điểm" under TT58/TT26 (regulations.md §4).

Sections, each a list of table rows (``sections(book, period, t)``), each printed with its fingerprint:
the cover, the class list, the attendance of each month, one page per subject with the columns of its
rule set and the averages, the summary (levels, conduct, absences, promotion, awards). Signature blocks:
the subject teacher under each subject, the homeroom teacher and the principal under the summary.
``gradebook_pdf(book, period, t)`` renders them; ``export verify`` reads the same rows back."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Spacer

from domain.report_card import ClassBook, Period, evaluate_class
from domain.school import School
from domain.year_end import Stage
from exports import primary_book
from exports.book_pages import attendance_page, class_list, cover_page, months, subject_page
from exports.book_results import counts_page, lists_page, summary_page
from exports.book_section import LANDSCAPE_WIDTH, PORTRAIT_WIDTH, TAIL_ROWS, Section, book_title
from exports.card_text import period_name
from exports.pdf import BOLD, HEADING, TITLE, Mark, Meta, grid, landscape, portrait, render, text
from exports.report_cards import heading_block, signatures
from exports.values import fingerprint
from locales import Translator

SHORT_TABLE = 16  # rows: a signed table this short is never split (the counts under the summary)


def sections(book: ClassBook, period: Period, t: Translator) -> list[Section]:
    """Every section of the book for ``period`` (a semester or the year), in printing order."""
    results = evaluate_class(book)
    table = book.value_table()
    parts = [cover_page(book, period, t), class_list(book, t)]
    parts += [attendance_page(book, t, year, month, period) for year, month in months(*book.span(period))]
    parts += [subject_page(book, period, t, table, results, sid, subject) for sid, subject in book.subjects]
    if book.primary:
        parts += primary_book.summary_sections(book, period, t, results)
    else:
        parts += [summary_page(book, period, t, results), counts_page(book, period, t, results)]
    if period is Period.YEAR and Stage.YEAR in book.lists:
        parts.append(lists_page(book, t))
    return parts


def gradebook_pdf(book: ClassBook, period: Period, t: Translator) -> bytes:
    return render_sections(book, period, t, sections(book, period, t))


def book_fingerprint(parts: list[Section]) -> str:
    """The fingerprint of the whole book: of its sections' fingerprints, in order."""
    return fingerprint([[part.fingerprint] for part in parts])


def render_sections(book: ClassBook, period: Period, t: Translator, parts: list[Section]) -> bytes:
    story: list = []
    for number, part in enumerate(parts):
        if number and not part.follows:
            story += landscape() if part.wide else portrait()
        story += _render(part, t, book.school)
    meta = Meta(
        title=f"{book_title(book, t)} · {book.class_name}",
        subject=f"{book.class_name} · {period_name(period, t)} · {t('exports.year', year=book.year.name)}",
        keywords=keywords("gradebook", book, period, t),
        header=t(
            "exports.pdf.header",
            school=book.school.name,
            class_name=book.class_name,
            year=book.year.name,
            period=period_name(period, t),
        ),
    )
    return render(story, t, meta)


def keywords(kind: str, book: ClassBook, period: Period, t: Translator) -> str:
    """What ``export verify`` needs to rebuild the file: written in the PDF's keywords."""
    return (
        f"sodiem kind={kind} class={book.class_name} year={book.year.name} period={period.value} "
        f"lang={t.language}"
    )


def _render(part: Section, t: Translator, school: School) -> list:
    if part.key.startswith("primary-"):
        return primary_book.story(part, t, school)
    story: list = [Mark(part.fingerprint)]
    if part.key == "cover":
        story += [
            heading_block(school, t),
            Spacer(1, 30 * mm),
            *(text(row[0], TITLE if i == 1 else HEADING) for i, row in enumerate(part.rows)),
        ]
        story += [Spacer(1, 20 * mm), signatures(t, part.signers, school)]
        return story
    size = 6.5 if part.wide else 7.5
    widths = column_widths(part, LANDSCAPE_WIDTH if part.wide else PORTRAIT_WIDTH, size)
    style = [("SPAN", *span) for span in part.spans] + [("ALIGN", (1, part.header_rows), (1, -1), "LEFT")]
    style += [("BACKGROUND", (column, 0), (column, -1), colors.lightgrey) for column in part.shaded]
    story += [Spacer(1, 4 * mm)] if part.follows else []
    heading = [text(part.title, HEADING), Spacer(1, 3 * mm)]
    if not part.signers:
        return story + heading + [grid(part.rows, widths, part.header_rows, size, style)]
    if len(part.rows) <= SHORT_TABLE:  # moves whole to the next page rather than split from its title
        whole = grid(part.rows, widths, part.header_rows, size, style)
        return story + [KeepTogether([*heading, whole, *_signed(part, t, school)])]
    # the signatures stay with the last rows they certify: never alone on a page
    body, tail = part.rows[:-TAIL_ROWS], part.rows[-TAIL_ROWS:]
    story += heading + [grid(body, widths, part.header_rows, size, style)]
    tail_grid = grid(tail, widths, 0, size, [("ALIGN", (1, 0), (1, -1), "LEFT")])
    return story + [KeepTogether([tail_grid, *_signed(part, t, school)])]


def _signed(part: Section, t: Translator, school: School) -> list:
    signed = []
    if part.key.startswith("subject-"):  # one line, so the page holds the whole class
        for role, name in part.signers:
            signed += [Spacer(1, 3 * mm), text(t("exports.sign.line", role=t(role), name=name or ""))]
    else:
        signed += [Spacer(1, 6 * mm), signatures(t, part.signers, school)]
    return signed


def column_widths(part: Section, width: float, size: float) -> list[float]:
    """Each column as wide as its longest text (the merged top header aside), the room left shared
    out equally; when the texts need more than the page, every column gives up the same share."""
    rows = part.rows[part.header_rows - 1 :]
    natural = [
        max(stringWidth(line, BOLD, size) for row in rows for line in str(row[column]).split("\n")) + 6
        for column in range(len(part.rows[0]))
    ]
    spare = width - sum(natural)
    if spare >= 0:
        return [w + spare / len(natural) for w in natural]
    return [w * width / sum(natural) for w in natural]
