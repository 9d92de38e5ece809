"""The primary papers as a reader sees them (pdfplumber): for a class of 45 with long names, every
character of the subject pages, the class's year table and the report cards lies inside its table cell
and inside the page, no two words are drawn over each other, no page holds only a signature, and test
scores are whole numbers."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import pdfplumber
import pytest

from domain.calendar import default_school_year
from domain.class_record import StoredValue
from domain.columns import PRIMARY_MIDTERM_TEST_CODES
from domain.evaluation import rules_for
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import ClassBook, Period, StudentInfo, report_cards
from domain.school import Level, School
from domain.subjects import PRIMARY_SUBJECTS
from exports.gradebook import gradebook_pdf, sections
from exports.report_cards import card_pdf
from exports.summary import summary_xlsx
from locales import translator
from tests.exports.layout import SOFFICE, layout_faults, printed_xlsx

T = translator("vi")
YEAR = default_school_year("2025-2026")
FAMILIES = ("Nguyễn", "Tôn Nữ", "H'Nie Êban", "Huỳnh", "Phạm", "Nay")
MIDDLES = ("Hoàng Bảo Ngọc", "Thị Thanh Thủy", "Khánh Phương", "Đức Minh Quang", "Ngọc Bảo")
GIVEN = ("Uyên", "Huyền", "Trường", "Khôi", "Nguyệt", "Thư", "Nghĩa")
COMMENT = "Em đọc lưu loát, viết đúng chính tả, trình bày sạch đẹp; cần mạnh dạn phát biểu xây dựng bài hơn."
SIGN_NOTE, SIGN_LINE = "(Ký, ghi rõ họ tên)", "Ký tên:"


def long_class(size: int = 45) -> ClassBook:
    subjects = tuple((n, s) for n, s in enumerate(PRIMARY_SUBJECTS, start=1) if 5 in s.grades)
    students = tuple(
        StudentInfo(
            n,
            f"HS{n:03d}",
            f"{FAMILIES[n % 6]} {MIDDLES[n % 5]} {GIVEN[n % 7]}",
            date(2015, 1 + n % 12, 1 + n % 28),
            "female" if n % 2 else "male",
        )
        for n in range(1, size + 1)
    )
    values = []
    for student in students:
        for subject_id, subject in subjects:
            level = "THC"[student.id % 3] if student.id % 7 else "T"
            for semester in (1, 2):
                values += [
                    StoredValue(student.id, subject_id, semester, "midterm", 1, "H"),
                    StoredValue(student.id, subject_id, semester, "final", 1, level),
                ]
                if subject.has_periodic_test:
                    score = str(10 - student.id % 6)
                    values.append(StoredValue(student.id, subject_id, semester, "test", 2, score))
                    if subject.code in PRIMARY_MIDTERM_TEST_CODES:
                        values.append(StoredValue(student.id, subject_id, semester, "test", 1, score))
    ratings = {
        s.id: {name: "TĐC"[(s.id + i) % 3] for i, name in enumerate(QUALITIES + COMPETENCIES)}
        for s in students
    }
    return ClassBook(
        school=School("Trường Tiểu học Nguyễn Thị Minh Khai", Level.PRIMARY, "Huyện Krông Pắc", "Đắk Lắk"),
        year=YEAR,
        class_name="5A",
        grade=5,
        rules=rules_for(YEAR.name, 5),
        homeroom_teacher="Tôn Nữ Hoàng Thị Thanh Thủy",
        students=students,
        subjects=subjects,
        values=tuple(values),
        conduct={},
        absences=(),
        comments={(s.id, sid, sem): COMMENT for s in students for sid, _ in subjects for sem in (1, 2)},
        teachers={sid: "Huỳnh Thị Ngọc Bích" for sid, _ in subjects},
        principal="Nguyễn Văn Trường",
        ratings=ratings,
        first_ratings=ratings,
        homeroom_comments={(s.id, semester): COMMENT for s in students for semester in (1, 2)},
    )


@pytest.mark.parametrize("period", [Period.SEMESTER_1, Period.SEMESTER_2, Period.YEAR])
def test_every_page_of_the_primary_book_keeps_every_letter_in_its_cell(period):
    data = gradebook_pdf(long_class(), period, T)
    assert layout_faults(data) == []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 12
        words = {w["text"] for page in pdf.pages for w in page.extract_words()}
    assert "10" in words and not any(w.endswith(",0") for w in words)  # whole test scores


@pytest.mark.parametrize(
    "period", [Period.MIDTERM_1, Period.SEMESTER_1, Period.MIDTERM_2, Period.SEMESTER_2, Period.YEAR]
)
def test_the_primary_report_cards_keep_every_letter_in_its_cell(period):
    cards = report_cards(long_class(), period)
    data = card_pdf(cards, T)
    assert layout_faults(data) == []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 45
        first = pdf.pages[0].extract_text()
    assert ("Trung thực" in first) is not period.midterm
    if period is Period.YEAR:
        assert "Hoàn thành chương trình tiểu học:" in first


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make install installs it as root)")
@pytest.mark.parametrize("period", [Period.SEMESTER_1, Period.YEAR])
def test_the_primary_district_summary_prints_inside_its_cells(period, tmp_path):
    data, _ = summary_xlsx([long_class()], period, T)
    assert layout_faults(printed_xlsx(data, tmp_path)) == []


def test_the_book_gives_tieng_viet_and_toan_a_mid_term_test_column_in_grades_4_and_5_only():
    book = long_class()
    first = book.students[0]
    for grade in (5, 3):
        parts = {p.key: p for p in sections(dataclasses.replace(book, grade=grade), Period.SEMESTER_1, T)}
        for code, tested in (("TV", grade == 5), ("TOAN", grade == 5), ("KH", False)):
            page = parts[f"primary-subject-{code}"]
            assert ("Điểm KT giữa kỳ" in page.rows[1]) is tested
            if tested:  # the mid-term test, a whole number, beside the mid-term level
                assert page.rows[2][2:4] == ["H", str(10 - first.id % 6)]
