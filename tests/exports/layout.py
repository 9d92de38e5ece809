"""Layout checks that cannot be fooled by eye, with pdfplumber: every character inside the page and
inside its table cell, no two words over each other, no page holding only a signature block."""

from __future__ import annotations

import io

import pdfplumber

SLACK = 0.6  # points: a glyph's box may touch a line


def layout_faults(data: bytes, signature: str = "(Ký") -> list[str]:
    """Every fault of every page, as "page 3: …"; empty when the paper is well laid out."""
    faults = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            faults += [f"page {number}: {fault}" for fault in _page_faults(page, number, signature)]
    return faults


def _page_faults(page, number: int, signature: str) -> list[str]:
    faults = []
    chars = [c for c in page.chars if c["text"].strip()]
    for c in chars:
        if c["x0"] < -SLACK or c["x1"] > page.width + SLACK or c["top"] < -SLACK or c["bottom"] > page.height:
            faults.append(f"«{c['text']}» outside the page")
    tables = page.find_tables()
    for table in tables:
        for cell in (cell for row in table.rows for cell in row.cells if cell):
            x0, top, x1, bottom = cell
            for c in chars:
                middle_x, middle_y = (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2
                inside = x0 <= middle_x <= x1 and top <= middle_y <= bottom
                if inside and (
                    c["x0"] < x0 - SLACK
                    or c["x1"] > x1 + SLACK
                    or c["top"] < top - SLACK
                    or c["bottom"] > bottom + SLACK
                ):
                    faults.append(
                        f"«{c['text']}» crosses its cell's border at ({c['x0']:.0f}, {c['top']:.0f})"
                    )
    faults += _overlaps(page.extract_words(keep_blank_chars=False, use_text_flow=True))
    text = page.extract_text() or ""
    if signature in text and not tables and number > 1:
        faults.append("a signature block alone on the page")
    return faults


def _overlaps(words: list[dict]) -> list[str]:
    faults = []
    words = sorted(words, key=lambda w: w["top"])
    for n, word in enumerate(words):
        for other in words[n + 1 :]:
            if other["top"] >= word["bottom"] - SLACK:
                break
            apart = other["x0"] >= word["x1"] - SLACK or word["x0"] >= other["x1"] - SLACK
            if not apart:
                faults.append(f"«{word['text']}» and «{other['text']}» overlap")
    return faults
