"""The printed "Phiếu ghi nhận việc chỉnh điểm" of an approved correction: the slip's lines as the
chat shows them, the evidence photos, and the signatures (teacher, examiner for tests, leader)."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import Image, Spacer

from exports.pdf import BODY, CENTRE, HEADING, Mark, Meta, plain, render, text
from exports.values import fingerprint
from locales import Translator

PHOTO_WIDTH = 120 * mm
PHOTO_HEIGHT = 90 * mm


def slip_pdf(
    t: Translator, title: str, lines: list[str], photos: list[bytes], signers: list[str]
) -> tuple[bytes, str]:
    """The slip and its check code; ``signers``: the captions of the signature boxes, left to right."""
    mark = fingerprint([[title], *([line] for line in lines)])
    story = [
        Mark(mark),
        text(title, HEADING),
        Spacer(1, 4 * mm),
    ]
    story += [text(line.lstrip("✅❌⚠ "), BODY) for line in lines]  # the chat's symbols: not in the font
    for photo in photos:
        image = Image(io.BytesIO(photo))
        image._restrictSize(PHOTO_WIDTH, PHOTO_HEIGHT)
        story += [Spacer(1, 4 * mm), image]
    boxes = [[text(part, CENTRE) for part in caption.splitlines()] for caption in signers]
    story += [Spacer(1, 10 * mm), plain([boxes])]
    meta = Meta(title, t("exports.slip.subject"), f"sodiem kind=correction-slip lang={t.language}")
    return render(story, t, meta), mark
