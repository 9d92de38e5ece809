"""The printed gradebook: read back with poppler (pdftotext, pdffonts), it shows every value of the
database on the pages a school expects, each page numbered and carrying its data's fingerprint."""

from __future__ import annotations

import re
import subprocess

from domain.report_card import Period, evaluate_class, semester_columns
from domain.school import SubjectKind
from exports.gradebook import gradebook_pdf, sections
from exports.values import percent, shown
from locales import translator
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS
from tests.exports.test_report_cards import pdf_text


async def _book(database):
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.exports.class_book(CLASS)


def _page_size(data: bytes, tmp_path, page: int) -> tuple[float, float]:
    path = tmp_path / "size.pdf"
    path.write_bytes(data)
    info = subprocess.run(
        ["pdfinfo", "-f", str(page), "-l", str(page), str(path)], capture_output=True, text=True, check=True
    ).stdout
    width, height = re.search(rf"Page\s+{page} size:\s+([\d.]+) x ([\d.]+)", info).groups()
    return round(float(width)), round(float(height))


def _lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


async def test_each_subject_page_shows_every_score_and_average_of_every_student(filled, tmp_path):
    book = await _book(filled)
    t = translator("vi")
    data = gradebook_pdf(book, Period.SEMESTER_1, t)
    pages = pdf_text(data, tmp_path)
    table = book.value_table()
    results = evaluate_class(book)
    for subject_id, subject in book.subjects:
        # every page opens with the running header: school, class, year and semester name a loose page
        [page] = [p for p in pages if _lines(p)[1] == f"MÔN {subject.name}"]
        comment = subject.kind is SubjectKind.COMMENT  # its result is Đ/CĐ, not an average
        assert ("ĐTBmhk" in page, "Kết quả" in page) == (not comment, comment)
        assert _lines(page)[0] == (f"{book.school.name} · Lớp {CLASS} · Năm học 2025-2026 · Học kỳ I")
        for student, result in zip(book.students, results, strict=True):
            regular, midterm, final = semester_columns(table, student.id, subject_id, 1)
            average = result.subjects[subject.name].results["1"]
            line = next(line for line in page.splitlines() if f" {student.full_name} " in f" {line} ")
            assert line.split()[-(len(regular) + 3) :] == [
                shown(v, t) for v in (*regular, midterm, final, average)
            ]


async def test_the_book_has_its_parts_page_numbers_fingerprints_and_signatures(filled, tmp_path):
    book = await _book(filled)
    t = translator("vi")
    data = gradebook_pdf(book, Period.YEAR, t)
    pages = pdf_text(data, tmp_path)
    total = len(pages)
    assert "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH" in pages[0] and "Năm học 2025-2026" in pages[0]
    assert "DANH SÁCH HỌC SINH" in pages[1] and all(s.full_name in pages[1] for s in book.students)
    assert sum("THEO DÕI CHUYÊN CẦN" in p for p in pages) == 9  # September to May
    assert "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ — Cả năm" in pages[-1] or "TỔNG HỢP" in pages[-2]
    assert "HIỆU TRƯỞNG" in pages[-1] and book.principal in pages[-1]
    marks = {part.title: part.fingerprint for part in sections(book, Period.YEAR, t)}
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in page
        printed = re.search(r"Mã kiểm tra dữ liệu: (\w{4}-\w{4})", page).group(1)
        assert printed in marks.values()
    maths = next(p for p in pages if "MÔN Toán" in p)
    assert (
        "GIÁO VIÊN BỘ MÔN: " + book.teachers[next(i for i, s in book.subjects if s.code == "TOAN")] in maths
    )
    assert marks["MÔN Toán"] in maths


async def test_wide_pages_are_landscape_and_the_font_is_embedded(filled, tmp_path):
    book = await _book(filled)
    data = gradebook_pdf(book, Period.YEAR, translator("vi"))
    assert _page_size(data, tmp_path, 1) == (595, 842)  # the cover: A4 portrait
    assert _page_size(data, tmp_path, 3) == (842, 595)  # attendance: A4 landscape
    (tmp_path / "book.pdf").write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "book.pdf")], capture_output=True, text=True).stdout
    listed = fonts.splitlines()[2:]
    assert listed and all("DejaVuSans" in line and " yes yes yes " in line for line in listed)


async def test_the_attendance_page_marks_the_days_the_database_records(filled, tmp_path):
    book = await _book(filled)
    data = gradebook_pdf(book, Period.SEMESTER_1, translator("vi"))
    pages = pdf_text(data, tmp_path)
    absence = book.absences[0]
    student = next(s for s in book.students if s.id == absence.student_id)
    page = next(p for p in pages if f"THÁNG {absence.day.month:02d}/{absence.day.year}" in p)
    line = next(line for line in page.splitlines() if student.full_name in line)
    assert absence.mark in line.split()


def test_a_share_on_the_papers_rounds_half_up_like_the_score_distribution():
    """3 of 48 students is 6,25 %: the book's "Tỉ lệ các mức" and the district summary print 6,3 %, as
    the score distribution does, not 6,2 % (half to even)."""
    vi = translator("vi")
    assert [percent(3, 48, vi), percent(15, 1200, vi), percent(1, 3, vi)] == ["6,3%", "1,3%", "33,3%"]
    assert percent(0, 0, vi) == ""
