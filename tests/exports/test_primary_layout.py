"""The primary papers as a reader sees them (pdfplumber): for a class of 45 with long names, every
character of the subject pages, the class's year table and the report cards lies inside its table cell
and inside the page, no two words are drawn over each other, no page holds only a signature, and test
scores are whole numbers."""

from __future__ import annotations

import io
from collections import defaultdict
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
from exports.gradebook import gradebook_pdf
from exports.report_cards import card_pdf
from locales import translator

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
    )


def primary_pages(data: bytes, first_title: str | None):
    """The pages from the one whose first line starts with ``first_title`` (all, without one)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = list(pdf.pages)
        start = 0
        if first_title:
            start = next(i for i, p in enumerate(pages) if _titled(p, first_title))
        yield from pages[start:]


def _titled(page, title: str) -> bool:
    """The page's title (under the running header) starts with ``title``."""
    return any(line.startswith(title) for line in (page.extract_text() or "").splitlines()[:2])


def problems(page) -> list[str]:
    found = []
    chars = [c for c in page.chars if c["text"].strip()]
    for c in chars:
        if c["x0"] < 0 or c["x1"] > page.width or c["top"] < 0 or c["bottom"] > page.height:
            found.append(f"page {page.page_number}: «{c['text']}» outside the page")
    tables = page.find_tables()
    for table in tables:
        x0, top, x1, bottom = table.bbox
        for c in chars:  # every letter that touches the table, also one that runs out of it
            middle_y = (c["top"] + c["bottom"]) / 2
            if not (top < middle_y < bottom and c["x1"] > x0 and c["x0"] < x1):
                continue
            if not any(_inside(c, cell) for cell in table.cells):
                found.append(
                    f"page {page.page_number}: «{c['text']}» at {c['x0']:.0f},{c['top']:.0f} crosses a cell"
                )
    found += _overlaps(page)
    text = page.extract_text() or ""
    if (SIGN_NOTE in text or SIGN_LINE in text) and not any(len(t.rows) > 2 for t in tables):
        found.append(f"page {page.page_number}: a signature without the rows it certifies")
    return found


def _inside(char, cell, slack: float = 0.6) -> bool:
    x0, top, x1, bottom = cell
    return (
        char["x0"] >= x0 - slack
        and char["x1"] <= x1 + slack
        and char["top"] >= top - slack
        and char["bottom"] <= bottom + slack
    )


def _overlaps(page) -> list[str]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    rows = defaultdict(list)
    for word in words:
        rows[int(word["top"] // 8)].append(word)
    found = []
    for band, group in rows.items():
        near = group + rows.get(band + 1, [])
        for i, a in enumerate(group):
            for b in near[i + 1 :]:
                width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                if width > 0.5 and height > 0.5:
                    found.append(f"page {page.page_number}: «{a['text']}» drawn over «{b['text']}»")
    return found


@pytest.mark.parametrize("period", [Period.YEAR, Period.SEMESTER_1])
def test_the_primary_book_pages_keep_every_letter_in_its_cell(period):
    data = gradebook_pdf(long_class(), period, T)
    checked = list(primary_pages(data, "MÔN Tiếng Việt"))
    assert len(checked) >= 12
    assert [p for page in checked for p in problems(page)] == []
    words = {w["text"] for page in checked for w in page.extract_words()}
    assert "10" in words and not any(w.endswith(",0") for w in words)  # whole test scores


@pytest.mark.parametrize("period", [Period.YEAR, Period.MIDTERM_2, Period.SEMESTER_2])
def test_the_primary_report_cards_keep_every_letter_in_its_cell(period):
    cards = report_cards(long_class(), period)
    data = card_pdf(cards, T)
    checked = list(primary_pages(data, None))
    assert len(checked) == 45
    assert [p for page in checked for p in problems(page)] == []
    first = checked[0].extract_text()
    assert ("Trung thực" in first) is (period is not Period.MIDTERM_2)
    if period is Period.YEAR:
        assert "Hoàn thành chương trình tiểu học:" in first


def test_a_letter_over_a_cell_border_is_found():
    """The check itself: a name drawn past its column's edge is reported."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    from exports.pdf import REGULAR, Meta, render

    rows = [["STT", "Họ và tên"], ["1", "Tôn Nữ Hoàng Thị Thanh Thủy Nguyệt"]]  # plain strings do not wrap
    table = Table(rows, [10 * mm, 20 * mm])
    style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONT", (0, 0), (-1, -1), REGULAR, 8)]
    table.setStyle(TableStyle(style))
    data = render([table], T, Meta("t", "s", "sodiem kind=test"))
    [page] = primary_pages(data, None)
    assert any("crosses a cell" in p for p in problems(page))
