"""Invitation slips for the parents' meeting: one per guardian of each student of a class (one per
student when no guardian is on record), each with the child's name, the QR code of the bot's deep link
and the code to type, cut along the dashed lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from exports.pdf import BODY, HEADING, Meta, plain, render, text
from locales import Translator

QR_SIZE = 34 * mm
TITLE = ParagraphStyle("slip-title", parent=HEADING, fontSize=10, leading=13, alignment=0)
CODE = ParagraphStyle("slip-code", parent=HEADING, fontSize=11, leading=14, alignment=0)
SLIP_WIDTH = 93 * mm


@dataclass(frozen=True)
class Slip:
    student: str
    class_name: str
    guardian: str  # "" when the school has no name on record
    code: str  # as printed: ABCDE-FGH23
    link: str  # https://t.me/<bot>?start=<code>
    expires: date


def qr_code(link: str, size: float = QR_SIZE) -> Drawing:
    widget = QrCodeWidget(link, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def _slip(slip: Slip, school: str, t: Translator) -> Table:
    lines = [
        text(school, BODY),
        text(t("notices.slip.title"), TITLE),
        text(t("notices.slip.student", name=slip.student, class_name=slip.class_name)),
    ]
    if slip.guardian:
        lines.append(text(t("notices.slip.guardian", name=slip.guardian)))
    lines += [
        text(t("notices.slip.scan")),
        text(t("notices.slip.code", code=slip.code), CODE),
        text(t("notices.slip.expires", date=t.date(slip.expires))),
    ]
    return plain([[lines, qr_code(slip.link)]], widths=[SLIP_WIDTH - QR_SIZE - 4 * mm, QR_SIZE + 2 * mm])


def slips_pdf(slips: list[Slip], school: str, class_name: str, t: Translator) -> bytes:
    cells = [_slip(slip, school, t) for slip in slips]
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
        t("notices.slip.document", class_name=class_name),
        school,
        f"sodiem kind=invite-slips class={class_name} slips={len(slips)}",
    )
    return render([table], t, meta)
