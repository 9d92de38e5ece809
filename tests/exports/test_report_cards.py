"""Report cards: what a parent reads is what the gradebook holds, on paper and in a chat message."""

from __future__ import annotations

import io
import subprocess
import unicodedata
from decimal import Decimal

from sqlalchemy import select

from domain.report_card import Period, report_cards
from exports.card_text import card_text
from exports.report_cards import card_pdf, card_png
from locales import translator
from storage.models import ScoreRow, StudentRow, SubjectRow
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS


async def _book(database):
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.exports.class_book(CLASS)


async def _final_score(database, student_code: str, subject_code: str, semester: int) -> str:
    async with database.session() as session:
        return await session.scalar(
            select(ScoreRow.value)
            .join(StudentRow, StudentRow.id == ScoreRow.student_id)
            .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
            .where(
                StudentRow.code == student_code,
                SubjectRow.code == subject_code,
                ScoreRow.semester == semester,
                ScoreRow.kind == "final",
            )
        )


def pdf_text(data: bytes, tmp_path, layout: bool = True) -> list[str]:
    path = tmp_path / "file.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    pages = subprocess.run(args, check=True, capture_output=True, text=True).stdout.split("\f")
    return [unicodedata.normalize("NFC", page) for page in pages if page.strip()]


async def test_a_semester_card_shows_the_recorded_scores_the_average_and_the_levels(filled):
    book = await _book(filled)
    cards = report_cards(book, Period.SEMESTER_1)
    first = cards[0]
    assert [c.student.full_name for c in cards] == [s.full_name for s in book.students]
    maths = next(line for line in first.subjects if line.name == "Toán")
    recorded = await _final_score(filled, first.student.code, "TOAN", 1)
    assert maths.final == Decimal(recorded)
    assert isinstance(maths.results["1"], Decimal) and len(maths.regular) >= 3
    assert first.conduct in ("Tốt", "Khá", "Đạt") and first.learning is not None
    text = card_text(first, translator("vi"))
    assert first.student.full_name in text and "Kết quả rèn luyện: " + first.conduct in text
    assert text.index("Kết quả rèn luyện: ") < text.index("Kết quả học tập: ")  # TT22 Điều 8, then 9
    assert f"ĐĐGck: {recorded.replace('.', ',')}" in text


async def test_a_mid_term_card_has_no_end_of_term_score_and_no_levels(filled):
    card = report_cards(await _book(filled), Period.MIDTERM_2)[0]
    assert all(line.final is None and not line.results for line in card.subjects)
    assert card.learning is None and card.conduct is None
    assert "ĐĐGck" not in card_text(card, translator("vi"))


async def test_the_year_card_gives_both_semesters_the_year_promotion_and_absences(filled):
    book = await _book(filled)
    cards = report_cards(book, Period.YEAR)
    card = cards[0]
    assert card.promotion is not None and card.learning is not None
    assert all(set(line.results) == {"1", "2", "year"} for line in card.subjects)
    absent = [sum(c.absences) for c in cards]
    assert sum(absent) == len(book.absences) == 6  # three recorded days in each semester
    assert sum(c.absences[0] for c in report_cards(book, Period.SEMESTER_1)) == 2


async def test_the_class_pdf_has_a_page_per_student_in_vietnamese_with_an_embedded_font(filled, tmp_path):
    book = await _book(filled)
    cards = report_cards(book, Period.SEMESTER_1)
    data = card_pdf(cards, translator("vi"))
    pages = pdf_text(data, tmp_path)
    assert len(pages) == len(book.students)
    for card, page in zip(cards, pages, strict=True):
        assert "PHIẾU LIÊN LẠC" in page and card.student.full_name in page
        assert f"Trang {cards.index(card) + 1}/{len(cards)}" in page
    (tmp_path / "cards.pdf").write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "cards.pdf")], capture_output=True, text=True).stdout
    listed = fonts.splitlines()[2:]
    assert listed and all("DejaVuSans" in line and " yes yes yes " in line for line in listed)


async def test_an_english_card_translates_the_labels_and_keeps_the_official_levels(filled):
    card = report_cards(await _book(filled), Period.SEMESTER_1)[0]
    text = card_text(card, translator("en"))
    assert "REPORT CARD" in text and "Semester I" in text and "Training result: " + card.conduct in text


async def test_the_card_as_a_picture_is_a_png_of_the_card_with_the_students_name(filled, tmp_path):
    """The picture Zalo parents receive: a PNG a phone shows readably, not blank, with the card on it."""
    from PIL import Image

    card = report_cards(await _book(filled), Period.SEMESTER_1)[0]
    data = card_png(card, translator("vi"))
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width == 1000 and 400 < image.height < 2000
    dark = sum(1 for value in image.convert("L").get_flattened_data() if value < 128)
    assert 0.01 < dark / (image.width * image.height) < 0.5  # text and lines on white
    (tmp_path / "card.png").write_bytes(data)
