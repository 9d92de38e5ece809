"""The one layout check of every paper, with pdfplumber, that cannot be fooled by eye: every character
inside the page; every character that touches a table inside one of its cells; no two words over each
other; no page holding a signature block without the rows it certifies (the book's cover, a page without
any table, aside)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pdfplumber

SLACK = 0.6  # points: a glyph's box may touch a line
SIGNATURE_MARKS = ("(Ký", "Ký tên:")  # the signature blocks' notes, and a subject page's signature line
SIGNED_ROWS = 3  # the rows a signature keeps with it (exports.book_section.TAIL_ROWS)


def layout_faults(data: bytes, first_page: int = 1) -> list[str]:
    """Every fault of every page from ``first_page`` on, as "page 3: …"; empty when the paper is well
    laid out."""
    faults = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[first_page - 1 :]:
            faults += [f"page {page.page_number}: {fault}" for fault in page_faults(page)]
    return faults


def page_faults(page) -> list[str]:
    chars = [c for c in page.chars if c["text"].strip()]
    faults = [
        f"«{c['text']}» outside the page"
        for c in chars
        if c["x0"] < -SLACK or c["x1"] > page.width + SLACK or c["top"] < -SLACK or c["bottom"] > page.height
    ]
    tables = page.find_tables()
    for table in tables:
        x0, top, x1, bottom = table.bbox
        for c in chars:  # every letter that touches the table, also one that runs out of it
            middle_y = (c["top"] + c["bottom"]) / 2
            touches = top < middle_y < bottom and c["x1"] > x0 and c["x0"] < x1
            if touches and not any(_inside(c, cell) for cell in table.cells):
                faults.append(f"«{c['text']}» crosses its cell's border at ({c['x0']:.0f}, {c['top']:.0f})")
    # in drawing order: two strings drawn on one spot stay two words (sorted, their letters would merge)
    faults += _overlaps(page.extract_words(keep_blank_chars=False, use_text_flow=True))
    text = page.extract_text() or ""
    signed = any(mark in text for mark in SIGNATURE_MARKS)
    is_cover = page.page_number == 1 and not tables
    if signed and not is_cover and not any(len(table.rows) >= SIGNED_ROWS for table in tables):
        faults.append("a signature block alone on the page")
    return faults


def _inside(char, cell) -> bool:
    x0, top, x1, bottom = cell
    return (
        char["x0"] >= x0 - SLACK
        and char["x1"] <= x1 + SLACK
        and char["top"] >= top - SLACK
        and char["bottom"] <= bottom + SLACK
    )


def _overlaps(words: list[dict]) -> list[str]:
    """Words whose boxes share more than half a point each way, looked for among neighbouring lines."""
    lines = defaultdict(list)
    for word in words:
        lines[int(word["top"] // 8)].append(word)
    faults = []
    for band, group in lines.items():
        near = group + lines.get(band + 1, [])
        for n, word in enumerate(group):
            for other in near[n + 1 :]:
                width = min(word["x1"], other["x1"]) - max(word["x0"], other["x0"])
                height = min(word["bottom"], other["bottom"]) - max(word["top"], other["top"])
                if width > 0.5 and height > 0.5:
                    faults.append(f"«{word['text']}» and «{other['text']}» overlap")
    return faults


SOFFICE = shutil.which("soffice")


def printed_xlsx(data: bytes, folder: Path) -> bytes:
    """A spreadsheet as LibreOffice prints it (headless, to PDF): what the district office sees on paper."""
    source = folder / "summary.xlsx"
    source.write_bytes(data)
    command = [SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*command, "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180
    )
    return (folder / "summary.pdf").read_bytes()
