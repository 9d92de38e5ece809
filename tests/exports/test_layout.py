"""The secondary papers of a class of 45 with long names, laid out as the forms ask: every character
inside its cell and the page, no words over each other, no signature block alone on a page."""

from __future__ import annotations

import io
from dataclasses import replace

import pdfplumber
import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Table

from domain.report_card import Period, StudentInfo, report_cards
from domain.school import Level, School
from exports.gradebook import gradebook_pdf
from exports.pdf import REGULAR, Meta, render
from exports.report_cards import card_pdf, signatures
from exports.summary import summary_xlsx
from exports.values import nfc
from locales import translator
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS
from tests.exports.layout import SOFFICE, layout_faults, printed_xlsx

T = translator("vi")
LONG_NAMES = (
    "Nguyễn Hoàng Thị Phương Quỳnh Anh",
    "Tôn Nữ Khánh Nguyệt Thảo Nguyên",
    "Hoàng Trọng Đức Minh Khang",
    "H'Nhiê Byă Êban Niê Kđăm",
)
CLASS_SIZE = 45


async def _big_class(database):
    """Class 6A as recorded, renamed with long names and filled up to 45 (the newcomers have no scores)."""
    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book(CLASS)
    students = [
        replace(s, full_name=f"{LONG_NAMES[n % len(LONG_NAMES)]} {n}") for n, s in enumerate(book.students)
    ]
    template = students[0]
    students += [
        StudentInfo(10_000 + n, f"X{n:04d}", f"{LONG_NAMES[n % len(LONG_NAMES)]} {n}", template.date_of_birth)
        for n in range(len(students), CLASS_SIZE)
    ]
    return replace(book, students=tuple(students))


@pytest.mark.parametrize("period", [Period.SEMESTER_1, Period.SEMESTER_2, Period.YEAR])
async def test_the_gradebook_of_45_long_names_is_laid_out_as_the_form_asks(filled, period):
    book = await _big_class(filled)
    data = gradebook_pdf(book, period, T)
    assert layout_faults(data) == []
    with pdfplumber.open(io.BytesIO(data)) as pdf:  # the counts, short, are never split from their title
        last = pdf.pages[-1].extract_text()
    assert "TỈ LỆ CÁC MỨC" in last and "HIỆU TRƯỞNG" in last


@pytest.mark.parametrize(
    "period", [Period.MIDTERM_1, Period.SEMESTER_1, Period.MIDTERM_2, Period.SEMESTER_2, Period.YEAR]
)
async def test_the_report_cards_are_laid_out_as_the_form_asks(filled, period):
    book = await _big_class(filled)
    cards = report_cards(book, period)
    assert len(cards) == CLASS_SIZE
    assert layout_faults(card_pdf(cards, T)) == []


class _TwoWordsOnOneSpot(Flowable):
    def wrap(self, *_):
        return 100, 12

    def draw(self):
        self.canv.setFont(REGULAR, 9)
        self.canv.drawString(0, 0, "Tám")
        self.canv.drawString(3, 0, "Chín")


def test_the_checks_find_a_cell_overrun_words_over_each_other_and_a_lone_signature():
    """The old report card's regular scores unwrapped in a 16 mm cell, two words drawn on one spot, and
    the signatures pushed alone onto the next page."""
    table = Table([["Môn học", "ĐĐGtx"], ["Toán", nfc("4,0 3,0 4,0 1,5 8,0")]], colWidths=[40 * mm, 16 * mm])
    table.setStyle([("GRID", (0, 0), (-1, -1), 0.4, "black"), ("FONT", (0, 0), (-1, -1), REGULAR, 7.5)])
    school = School("Trường THCS Thử", Level.SECONDARY, "Huyện Thử")
    signed = signatures(T, [("exports.sign.principal", "Lê Văn A")], school)
    faults = layout_faults(render([table, _TwoWordsOnOneSpot(), PageBreak(), signed], T, Meta("t", "s", "k")))
    assert any("crosses its cell's border" in fault and fault.startswith("page 1") for fault in faults)
    assert any("«Tám» and «Chín» overlap" in fault for fault in faults)
    assert "page 2: a signature block alone on the page" in faults


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make install installs it as root)")
@pytest.mark.parametrize("period", [Period.SEMESTER_1, Period.YEAR])
async def test_the_district_summary_prints_inside_its_cells(filled, period, tmp_path):
    """The summary spreadsheet as LibreOffice prints it: a table with its grid, every figure inside its
    cell, the principal's signature on the page of the total."""
    data, _ = summary_xlsx([await _big_class(filled)], period, T)
    printed = printed_xlsx(data, tmp_path)
    assert layout_faults(printed) == []
    with pdfplumber.open(io.BytesIO(printed)) as pdf:
        last = pdf.pages[-1]
        assert last.find_tables() and "(Ký tên, đóng dấu)" in last.extract_text()
