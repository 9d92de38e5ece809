"""A4 PDF documents with the embedded DejaVu Sans (it covers every Vietnamese letter), portrait and
landscape pages, and on every page "Trang x/y" and the fingerprint of the data the page shows.

Build a list of flowables; start each part whose data has a fingerprint with ``Mark(fingerprint)``
(it stays in force on the part's following pages) and switch page orientation with ``portrait()`` or
``landscape()``. ``render(story, t, meta)`` returns the PDF bytes; the same data gives the same bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from exports.values import AUDIT_HEAD, nfc
from locales import Translator

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
MARGIN = 12 * mm
FOOTER = 8 * mm


def _register_fonts() -> None:
    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFont(TTFont(ITALIC, str(FONTS / "DejaVuSans-Oblique.ttf")))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


_register_fonts()

BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9)
CENTRE = ParagraphStyle("centre", parent=BODY, alignment=1)
HEADING = ParagraphStyle("heading", parent=BODY, fontName=BOLD, fontSize=12, leading=15, alignment=1)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=16, leading=22, alignment=1)
CENTRE_BOLD = ParagraphStyle("centre_bold", parent=CENTRE, fontName=BOLD)
DATE_LINE = ParagraphStyle("date_line", parent=BODY, fontName=ITALIC, alignment=2, rightIndent=6 * mm)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=7.5, leading=9)
CELL_CENTRE = ParagraphStyle("cell_centre", parent=CELL, alignment=1)


@dataclass(frozen=True)
class Meta:
    """What identifies the document: written in its Info dictionary (title, subject, keywords)."""

    title: str
    subject: str
    keywords: str  # "sodiem kind=gradebook class=6A year=2025-2026 period=1 lang=vi"
    header: str = ""  # on top of every page, so that a loose page can be identified


def text(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped for reportlab's markup), NFC."""
    escaped = nfc(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def grid(
    rows: list[list],
    widths: list[float] | None = None,
    header_rows: int = 1,
    size: float = 7.5,
    extra: list[tuple] = (),
) -> Table:
    """A table with lines, a bold header and the rows as given (strings or flowables); ``extra`` are more
    TableStyle commands (merged header cells)."""
    cells = [
        [
            _fitted(cell, widths[column] if widths else None, size, n < header_rows)
            for column, cell in enumerate(row)
        ]
        for n, row in enumerate(rows)
    ]
    table = _Grid(cells, colWidths=widths, repeatRows=header_rows)
    bold = [("FONT", (0, 0), (-1, header_rows - 1), BOLD, size)] if header_rows else []
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, size),
                *bold,
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.6 if size < 7 else 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.6 if size < 7 else 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                *extra,
            ]
        )
    )
    return table


def _fitted(cell, width: float | None, size: float, bold: bool):
    """A text as it is, or wrapped over lines when it is wider than its column (a long award, a status)."""
    if not isinstance(cell, str):
        return cell
    cell = nfc(cell)
    font = BOLD if bold else REGULAR
    if width is None or all(stringWidth(line, font, size) <= width - 4 for line in cell.split("\n")):
        return cell
    style = ParagraphStyle("fitted", fontName=font, fontSize=size, leading=size * 1.2, alignment=1)
    return text(cell, style)


class _Grid(Table):
    """Skips drawing empty cells: an attendance month is mostly empty, and each cell drawn costs."""

    def _drawCell(self, cellval, cellstyle, pos, size) -> None:  # noqa: N802 (reportlab's name)
        if cellval != "":
            super()._drawCell(cellval, cellstyle, pos, size)


def plain(rows: list[list], widths: list[float] | None = None, heights: list | None = None) -> Table:
    """A table without lines, for layout (headings side by side, signature blocks)."""
    table = Table(rows, colWidths=widths, rowHeights=heights)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 9), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


class Mark(Flowable):
    """Invisible: the pages from here on show data with this fingerprint."""

    def __init__(self, fingerprint: str) -> None:
        super().__init__()
        self.fingerprint = fingerprint
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv._sodiem_fingerprint = self.fingerprint


def portrait() -> list[Flowable]:
    return [NextPageTemplate("portrait"), PageBreak()]


def landscape() -> list[Flowable]:
    return [NextPageTemplate("landscape"), PageBreak()]


def render(story: list[Flowable], t: Translator, meta: Meta, first: str = "portrait") -> bytes:
    """The PDF bytes of ``story``; ``first`` is the first page's orientation."""
    buffer = io.BytesIO()
    frames = {
        name: PageTemplate(
            id=name,
            pagesize=size,
            frames=[Frame(MARGIN, MARGIN + FOOTER, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN - FOOTER)],
        )
        for name, size in (("portrait", A4), ("landscape", turned(A4)))
    }
    templates = [frames[first]] + [frames[name] for name in frames if name != first]
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=nfc(meta.title),
        subject=nfc(meta.subject),
        keywords=nfc(meta.keywords),
        author="sodiem",
        creator="sodiem",
        invariant=1,
        initialFontName=REGULAR,
        initialFontSize=9,
        pageTemplates=templates,
    )

    def canvas(*args, **kwargs) -> _NumberedCanvas:
        return _NumberedCanvas(*args, t=t, header=nfc(meta.header), **kwargs)

    document.build(story, canvasmaker=canvas)
    return buffer.getvalue()


class _NumberedCanvas(Canvas):
    """Keeps every page until the end, then writes the running header, "Trang x/y" and the page's
    fingerprint on each."""

    def __init__(self, *args, t: Translator, header: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._t = t
        self._header = header
        self._pages: list[dict] = []
        self._sodiem_fingerprint = ""

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(number, total)
            super().showPage()
        super().save()

    def _footer(self, number: int, total: int) -> None:
        width, height = self._pagesize
        self.setFont(REGULAR, 7.5)
        if head := AUDIT_HEAD.get():
            self.drawString(MARGIN, MARGIN + 9, self._t("exports.pdf.audit_head", head=head))
        if self._header:
            self.drawCentredString(width / 2, height - MARGIN + 2 * mm, self._header)
        if self._sodiem_fingerprint:  # pages that show no stored data carry no check code
            check = self._t("exports.pdf.fingerprint", value=self._sodiem_fingerprint)
            self.drawString(MARGIN, MARGIN, check)
        self.drawRightString(width - MARGIN, MARGIN, self._t("exports.pdf.page", number=number, total=total))
