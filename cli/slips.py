"""Invitation slips for the parents' meeting: one per guardian of each student of a class (one per
student when no guardian is on record), each with the child's name, the QR code of the bot's deep link
and the code to type, cut along the dashed lines. The students' own slips look the same, titled for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from exports.pdf import BODY, HEADING, SMALL, Meta, plain, render, text
from locales import Translator

QR_SIZE = 30 * mm
TITLE = ParagraphStyle("slip-title", parent=HEADING, fontSize=11, leading=15, alignment=0)
CODE = ParagraphStyle("slip-code", parent=HEADING, fontSize=12, leading=17, alignment=0, spaceBefore=3)
BOLD_BODY = ParagraphStyle("slip-name", parent=HEADING, fontSize=9, leading=11.5, alignment=0)
STEP = ParagraphStyle("slip-step", parent=BODY, fontSize=8.5, leading=11, spaceBefore=2)
SLIP_WIDTH = 93 * mm


@dataclass(frozen=True)
class Slip:
    student: str
    class_name: str
    guardian: str  # "" when the school has no name on record
    code: str  # as printed: ABCDE-FGH23
    bot: str  # the bot's @username, without the @
    link: str  # https://t.me/<bot>?start=<code>
    expires: date


def qr_code(link: str, size: float = QR_SIZE) -> Drawing:
    widget = QrCodeWidget(link, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def _slip(slip: Slip, school: str, t: Translator, title: str) -> Table:
    """The school and the title across the slip; who it is for and the code beside the QR code; the two
    ways in (scan, or find the bot by its name and send the code) across the slip, below."""
    who = [
        text(t("notices.slip.student", name=slip.student), BOLD_BODY),
        text(t("notices.slip.class", class_name=slip.class_name)),
    ]
    if slip.guardian:
        who.append(text(t("notices.slip.guardian", name=slip.guardian)))
    who += [
        text(t("notices.slip.code", code=slip.code), CODE),
        text(t("notices.slip.expires", date=t.date(slip.expires)), SMALL),
    ]
    steps = [
        text(t("notices.slip.scan"), STEP),
        text(t("notices.slip.type", bot=slip.bot, code=slip.code), STEP),
    ]
    rows = [[text(school, SMALL), ""], [text(t(title), TITLE), ""], [who, qr_code(slip.link)]]
    table = plain(rows + [[steps, ""]], widths=[SLIP_WIDTH - QR_SIZE - 8 * mm, QR_SIZE + 2 * mm])
    spans = [("SPAN", (0, row), (1, row)) for row in (0, 1, 3)]
    table.setStyle(
        TableStyle([*spans, ("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 2), (0, 2), "MIDDLE")])
    )
    return table


def slips_pdf(
    slips: list[Slip], school: str, class_name: str, t: Translator, students: bool = False
) -> bytes:
    """The parents' slips, or (``students``) the slips of the students' own codes."""
    kind = "students" if students else "notices"
    title, document = f"{kind}.slip.title", f"{kind}.slip.document"
    cells = [_slip(slip, school, t, title) for slip in slips]
    rows = [cells[i : i + 2] + [""] * (2 - len(cells[i : i + 2])) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[SLIP_WIDTH, SLIP_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey, None, (3, 3)),  # dashed: where to cut
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        )
    )
    meta = Meta(
        t(document, class_name=class_name),
        school,
        f"sodiem kind=invite-slips class={class_name} slips={len(slips)}",
    )
    return render([table], t, meta)
