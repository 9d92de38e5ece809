"""The secondary papers as the forms ask (TT22): the national heading, dated and stamped signatures, a
running header on every page, grade 9 completing THCS, the summary's order, counts and shares, and a
semester's attendance holding only that semester's days. Read back with poppler's pdftotext."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import xmlschema

from domain.evaluation.model import PROMOTED, RETEST_NEEDED, TT22_LEVELS
from domain.report_card import Period, evaluate_class, report_cards
from exports.gradebook import gradebook_pdf, sections
from exports.report_cards import card_pdf
from exports.summary import summary_rows
from exports.transcript import NAMESPACE, SCHEMA, transcripts
from locales import translator
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS
from tests.exports.test_report_cards import pdf_text

T = translator("vi")


async def _book(database):
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.exports.class_book(CLASS)


def _lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


async def test_the_cover_and_each_report_card_carry_the_national_heading_and_dated_stamped_signatures(
    filled, tmp_path
):
    book = await _book(filled)
    cover = _lines(pdf_text(gradebook_pdf(book, Period.YEAR, T), tmp_path)[0])
    cards = pdf_text(card_pdf(report_cards(book, Period.SEMESTER_1), T), tmp_path)
    for page in (cover, *(_lines(card) for card in cards)):
        text = "\n".join(page)
        assert "PHÒNG GD&ĐT THÀNH PHỐ BUÔN MA THUỘT" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "Thành phố Buôn Ma Thuột, ngày …… tháng …… năm ……" in text
        assert "HIỆU TRƯỞNG" in text and "(Ký tên, đóng dấu)" in text and book.principal in text
    assert len(cards) == len(book.students)
    for card, student in zip(cards, book.students, strict=True):
        assert _lines(card)[0] == f"{book.school.name} · Lớp {CLASS} · Năm học 2025-2026 · Học kỳ I"
        assert student.full_name in card


async def test_every_page_of_the_book_names_school_class_year_and_period(filled, tmp_path):
    book = await _book(filled)
    pages = pdf_text(gradebook_pdf(book, Period.SEMESTER_2, T), tmp_path)
    header = f"{book.school.name} · Lớp {CLASS} · Năm học 2025-2026 · Học kỳ II"
    assert all(_lines(page)[0] == header for page in pages)


async def test_grade_9_promoted_completes_the_lower_secondary_programme(filled, tmp_path):
    book = replace(await _book(filled), grade=9)
    results = evaluate_class(book)
    promoted = [s for s, r in zip(book.students, results, strict=True) if r.promotion == PROMOTED]
    assert promoted
    pages = pdf_text(gradebook_pdf(book, Period.YEAR, T), tmp_path)
    summary = "\n".join(p for p in pages if "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ" in p)
    for student in promoted:
        line = next(line for line in _lines(summary) if student.full_name in line)
        assert line.endswith("Hoàn thành chương trình THCS") or "Hoàn thành chương trình THCS" in line
    assert "lên lớp" not in summary.lower()  # neither the column nor a student's line says "lên lớp"
    cards = report_cards(book, Period.YEAR)
    text = pdf_text(card_pdf(cards, T), tmp_path)
    for page, result in zip(text, results, strict=True):
        if result.promotion == PROMOTED:
            assert "Kết quả cuối năm: Hoàn thành chương trình THCS" in page
    grade_6 = pdf_text(gradebook_pdf(replace(book, grade=6), Period.YEAR, T), tmp_path)
    assert "Hoàn thành chương trình THCS" not in "".join(grade_6) and "lên lớp" in "".join(grade_6)


async def test_the_summary_gives_conduct_then_learning_and_each_levels_count_and_share(filled, tmp_path):
    book = await _book(filled)
    pages = pdf_text(gradebook_pdf(book, Period.SEMESTER_1, T), tmp_path)
    summary = next(p for p in pages if "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ" in p)
    header = next(line for line in _lines(summary) if line.startswith("STT"))
    assert header.index("KQRL Học kỳ I") < header.index("KQHT Học kỳ I")
    assert "Danh hiệu" not in header  # TT22 gives no title for a semester
    start = next(n for n, p in enumerate(pages) if "TỈ LỆ CÁC MỨC" in p)
    counts = "\n".join("\n".join(_lines(p)) for p in pages[start:])
    results = evaluate_class(book)
    total = len(book.students)
    learning = [r.learning.get("1") for r in results]
    conduct = [book.conduct[s.id][1] for s in book.students]
    for aspect, levels in (("KQRL", conduct), ("KQHT", learning)):
        for level in TT22_LEVELS:
            count = levels.count(level)
            share = f"{round(count * 100 / total, 1):.1f}".replace(".", ",") + "%"
            assert f"{aspect} {level} {count} {share}" in counts
    last = _lines(pages[-1])
    assert "HIỆU TRƯỞNG" in "\n".join(last)
    assert any(line.split()[0].isdigit() and "KQHT" in line for line in last)  # rows beside the signatures


async def test_a_semester_book_shows_only_its_days_with_sundays_marked(filled, tmp_path):
    book = await _book(filled)
    semester_1_end = book.year.semesters[0].end  # Saturday 17/01/2026
    later = [a for a in book.absences if a.day.month == 1 and a.day > semester_1_end]
    assert later  # semester II begins with absences in January
    pages = pdf_text(gradebook_pdf(book, Period.SEMESTER_1, T), tmp_path)
    january = _lines(next(p for p in pages if "THEO DÕI CHUYÊN CẦN — THÁNG 01/2026" in p))
    header = next(line for line in january if line.startswith("STT"))
    days = header.split()[4:-2]  # after "STT Họ và tên", before CP KP
    # 1 January (a holiday), 4 and 11 (Sundays) print on two lines: «CN» or «Lễ» under the day
    assert days == ["2", "3", "5", "6", "7", "8", "9", "10", "12", "13", "14", "15", "16", "17"]
    assert {"CN", "Lễ"} <= set(january[january.index(header) + 1].split())
    for absence in later:
        student = next(s for s in book.students if s.id == absence.student_id)
        line = next(line for line in january if student.full_name in line)
        assert line.split()[-2:] == ["0", "0"]


async def test_the_transcripts_name_the_guardians_and_completion_and_the_schema_holds_marks_and_levels(
    filled,
):
    book = replace(await _book(filled), grade=9)
    schema = xmlschema.XMLSchema(str(SCHEMA))
    results = evaluate_class(book)
    documents = transcripts(book)
    for (_, data, _), student, result in zip(documents, book.students, results, strict=True):
        schema.validate(data.decode())
        root = ET.fromstring(data)
        guardians = [(g.get("name"), g.get("relation")) for g in root.iter(f"{{{NAMESPACE}}}guardian")]
        assert guardians == list(book.guardians[student.id]) and guardians
        completed = root.find(f"{{{NAMESPACE}}}completed")
        if result.promotion == PROMOTED:
            assert completed.text == "Hoàn thành chương trình THCS"
        else:
            assert completed is None
    text = documents[0][1].decode()
    score = re.search(r"<score>[^<]*</score>", text).group(0)
    for wrong in (
        text.replace("<mark>Đ</mark>", "<mark>X</mark>", 1),
        text.replace(">Đạt<", ">Xuất sắc<", 1),
        text.replace(score, "<score>10.5</score>", 1),  # above 10
        text.replace(score, "<score>8.25</score>", 1),  # two decimals
    ):
        assert wrong != text and not schema.is_valid(wrong)


async def test_the_class_list_page_and_the_transcript_carry_place_of_birth_and_register_number(
    filled, tmp_path
):
    book = await _book(filled)
    first = book.students[0]
    assert first.place_of_birth.endswith("Đắk Lắk") and first.register_number.endswith("/2025")
    pages = pdf_text(gradebook_pdf(book, Period.SEMESTER_1, T), tmp_path)
    listing = " ".join(_lines(next(page for page in pages if "DANH SÁCH HỌC SINH" in page)))
    assert "Nơi sinh" in listing and "Số đăng bộ" in listing
    for student in book.students:
        assert student.register_number in listing and student.full_name in listing
    assert first.place_of_birth.split(",")[0] in listing
    schema = xmlschema.XMLSchema(str(SCHEMA))
    _, data, _ = transcripts(book)[0]
    schema.validate(data.decode())
    element = ET.fromstring(data).find(f"{{{NAMESPACE}}}student")
    assert (element.get("placeOfBirth"), element.get("registerNumber")) == (
        first.place_of_birth,
        first.register_number,
    )
    too_long = data.decode().replace(
        f'registerNumber="{first.register_number}"', f'registerNumber="{"9" * 31}"'
    )
    assert too_long != data.decode() and not schema.is_valid(too_long)


async def test_a_retest_names_its_subjects_on_the_year_card_and_in_the_transcript_one_element_each(
    filled, tmp_path
):
    """A weak student (every score 3,0, every comment subject CĐ) is re-tested; the card names the
    subjects, and the transcript gives each its own element: «Hoạt động trải nghiệm, hướng nghiệp» holds
    a comma."""
    book = await _book(filled)
    weak = book.students[0]
    values = tuple(
        replace(v, value="CĐ" if v.value in ("Đ", "CĐ") else "3.0") if v.student_id == weak.id else v
        for v in book.values
    )
    book = replace(book, values=values)
    [result, *_] = evaluate_class(book)
    assert result.promotion == RETEST_NEEDED and len(result.retest_subjects) > 1
    assert "Hoạt động trải nghiệm, hướng nghiệp" in result.retest_subjects
    [card, *_] = report_cards(book, Period.YEAR)
    page = " ".join(pdf_text(card_pdf([card], T), tmp_path)[0].split())
    assert f"Môn kiểm tra lại: {', '.join(result.retest_subjects)}" in page
    root = ET.fromstring(transcripts(book)[0][1])
    named = [s.text for s in root.find(f"{{{NAMESPACE}}}retestSubjects")]
    assert named == list(result.retest_subjects)


async def test_the_district_summary_counts_grade_9s_promotions_as_completing_thcs(filled):
    six = await _book(filled)
    nine = replace(six, class_name="9A", grade=9)
    promoted = [r.promotion for r in evaluate_class(six)].count(PROMOTED)
    assert promoted
    rows = summary_rows([six, nine], Period.YEAR, T)
    column = rows[1].index("Hoàn thành chương trình THCS")
    assert rows[1][column - 1] == "lên lớp"
    by_class = {row[0]: row for row in rows[2:]}
    assert by_class["6A"][column - 1 : column + 1] == [promoted, 0]
    assert by_class["9A"][column - 1 : column + 1] == [0, promoted]
    assert by_class["Toàn trường"][column - 1 : column + 1] == [promoted, promoted]
    only_six = summary_rows([six], Period.YEAR, T)
    assert "Hoàn thành chương trình THCS" not in only_six[1]  # no grade 9, no column for it


async def test_the_attendance_pages_mark_and_shade_the_public_holidays(filled):
    book = await _book(filled)
    parts = {p.key: p for p in sections(book, Period.YEAR, T)}
    for month, holidays in (("2026-01", (1,)), ("2026-04", (30,)), ("2026-05", (1,))):
        page = parts[f"attendance-{month}"]
        header = page.rows[0]
        for day in holidays:
            column = header.index(f"{day}\nLễ")
            assert column in page.shaded
        # the rest: Sundays, and the demo's days off (Giỗ Tổ Hùng Vương's day in lieu, 27/04)
        assert all(cell.endswith(("CN", "Lễ", "Nghỉ")) for n, cell in enumerate(header) if n in page.shaded)
    march = parts["attendance-2026-03"]  # no holiday: only the Sundays (1, 8, 15, 22, 29)
    assert [march.rows[0][n] for n in march.shaded] == [f"{d}\nCN" for d in (1, 8, 15, 22, 29)]
