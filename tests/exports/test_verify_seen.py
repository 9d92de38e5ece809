"""``export verify`` compares what a reader sees: a number hidden under a white box with another drawn
over it as a picture, or text made invisible, leaves the text a program reads unchanged, yet the page
no longer looks like the page printed from the data. A DBF with a record flagged deleted, or cut short,
is found and said in words."""

from __future__ import annotations

import io
from pathlib import Path

import dbf
import pdfplumber
from openpyxl import load_workbook
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, NumberObject
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from domain.report_card import Period
from exports.dbf_file import write_dbf
from exports.gradebook import gradebook_pdf
from exports.pdf import FONTS
from exports.service import export_summary, export_transcripts
from exports.verify import verify
from locales import translator
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS

T = translator("vi")


async def _book(database, period: Period):
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.exports.class_book(CLASS, None, period)


def _maths_score(data: bytes) -> tuple[int, dict]:
    """The page number of the maths page and the first score word on it (pdfplumber's box, from the top)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages):
            if "MÔN Toán" in (page.extract_text() or ""):
                words = page.extract_words()
                return number, next(w for w in words if "," in w["text"] and w["top"] > 100)
    raise AssertionError("no maths page")


def _number_picture(value: str, height: int) -> ImageReader:
    font = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), height)
    image = Image.new("RGB", (height * len(value), int(height * 1.3)), "white")
    ImageDraw.Draw(image).text((0, 0), value, fill="black", font=font)
    return ImageReader(image)


def _rewritten(data: bytes, number: int, change) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))  # the keywords that name the export come along
    change(writer.pages[number], writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def test_a_number_covered_by_a_white_box_and_drawn_over_as_a_picture_fails_naming_the_page(
    filled, tmp_path
):
    data = gradebook_pdf(await _book(filled, Period.SEMESTER_1), Period.SEMESTER_1, T)
    number, word = _maths_score(data)
    forged_value = "10,0" if word["text"] != "10,0" else "1,0"

    def cover(page, _writer) -> None:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        overlay = io.BytesIO()
        canvas = Canvas(overlay, pagesize=(width, height))
        canvas.setFillColorRGB(1, 1, 1)
        box = (word["x0"] - 1, height - word["bottom"] - 1, word["x1"] - word["x0"] + 2)
        canvas.rect(box[0], box[1], box[2], word["bottom"] - word["top"] + 2, stroke=0, fill=1)
        canvas.drawImage(
            _number_picture(forged_value, 40), box[0], box[1], box[2], word["bottom"] - word["top"]
        )
        canvas.save()
        page.merge_page(PdfReader(overlay).pages[0])

    path = tmp_path / "forged.pdf"
    path.write_bytes(_rewritten(data, number, cover))
    assert (
        word["text"] in PdfReader(path).pages[number].extract_text()
    )  # a program still reads the old number
    verdict = await verify(filled, path)
    assert [d.sentence.split(" trông khác")[0] for d in verdict.differences] == [f"Trang {number + 1}"]
    assert "cách mép trái" in verdict.differences[0].sentence


async def test_text_made_invisible_fails(filled, tmp_path):
    data = gradebook_pdf(await _book(filled, Period.SEMESTER_1), Period.SEMESTER_1, T)
    number, _ = _maths_score(data)

    def hide(page, writer) -> None:
        content = ContentStream(page.get_contents(), writer)
        invisible = []
        for operands, operator in content.operations:
            invisible.append((operands, operator))
            if operator == b"BT":
                invisible.append(([NumberObject(3)], b"Tr"))  # text render mode 3: neither filled nor stroked
        content.operations = invisible
        page.replace_contents(content)

    path = tmp_path / "invisible.pdf"
    path.write_bytes(_rewritten(data, number, hide))
    verdict = await verify(filled, path)
    assert [d.sentence.split(" trông khác")[0] for d in verdict.differences] == [f"Trang {number + 1}"]
    assert not [d for d in verdict.differences if not d.sentence]  # the text a program reads is the same


async def test_the_untouched_book_equals_the_data_as_seen(filled, tmp_path):
    path = tmp_path / "book.pdf"
    path.write_bytes(gradebook_pdf(await _book(filled, Period.SEMESTER_1), Period.SEMESTER_1, T))
    assert (await verify(filled, path)).differences == []


async def _dbf(filled, tmp_path) -> Path:
    path = tmp_path / "6A-1.dbf"
    write_dbf(await _book(filled, Period.SEMESTER_1), 1, path)
    assert (await verify(filled, path, T)).differences == []
    return path


async def test_a_dbf_record_flagged_deleted_fails(filled, tmp_path):
    path = await _dbf(filled, tmp_path)
    table = dbf.Table(str(path))
    table.open(dbf.READ_WRITE)
    name, subject = table[3].hoten.strip(), table[3].mamon.strip()
    dbf.delete(table[3])
    table.close()
    verdict = await verify(filled, path, T)
    [difference] = verdict.differences
    assert name in difference.sentence and subject in difference.sentence
    assert "bị đánh dấu xoá" in difference.sentence


async def test_a_dbf_cut_short_is_said_in_words(filled, tmp_path):
    path = await _dbf(filled, tmp_path)
    data = path.read_bytes()
    records = len(dbf.Table(str(path)).open(dbf.READ_ONLY))
    path.write_bytes(data[: len(data) - 1000])
    verdict = await verify(filled, path, T)
    first = verdict.differences[0].sentence
    assert first.startswith(f"Tệp bị cắt cụt: phần đầu tệp ghi {records} bản ghi")
    missing = [d for d in verdict.differences[1:] if d.sentence.startswith("Tệp thiếu bản ghi")]
    assert len(missing) == len(verdict.differences) - 1 >= 1


async def test_a_transcript_equals_the_data_until_a_score_in_it_is_changed(filled, tmp_path):
    async with UnitOfWork(filled, read_only=True) as uow:
        first = (await export_transcripts(uow, CLASS))[0]
    path, data = tmp_path / first.file_name, first.data
    path.write_bytes(data)
    assert (await verify(filled, path, T)).differences == []
    text = data.decode()
    start = text.index("<score>") + len("<score>")
    before = text[start : text.index("</score>", start)]
    path.write_text(text[:start] + ("9.9" if before != "9.9" else "9.8") + text[start + len(before) :])
    verdict = await verify(filled, path, T)
    [difference] = verdict.differences
    assert verdict.kind == "transcript" and difference.where.startswith("Phần tử /subjects/subject[code=NV")
    assert difference.expected.endswith(f"score {before}")


async def test_the_summary_workbook_equals_the_data_until_a_count_is_changed(filled, tmp_path):
    async with UnitOfWork(filled, read_only=True) as uow:
        exported = await export_summary(uow, Period.SEMESTER_1, T)
    path = tmp_path / exported.file_name
    path.write_bytes(exported.data)
    assert (await verify(filled, path, T)).differences == []
    workbook = load_workbook(path)
    sheet = workbook.active
    before = sheet["B4"].value
    sheet["B4"] = before + 1
    workbook.save(path)
    verdict = await verify(filled, path, T)
    assert verdict.kind == "summary"
    assert [(d.where, d.found, d.expected) for d in verdict.differences] == [
        ("Ô B4", str(before + 1), str(before))
    ]
