"""A primary class (TT27): its report card and DBF carry the levels T/H/C and the periodic test scores."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from domain.calendar import default_school_year
from domain.class_record import StoredValue
from domain.evaluation import RuleSet, rules_for
from domain.report_card import AbsenceDay, ClassBook, Period, StudentInfo, report_cards
from domain.school import Level, School, Subject, SubjectKind
from exports.card_text import card_rows, card_text
from exports.dbf_file import dbf_records
from exports.report_cards import card_pdf
from locales import translator

YEAR = default_school_year("2025-2026")


def primary_book() -> ClassBook:
    subjects = (
        (1, Subject("TV", "Tiếng Việt", SubjectKind.LEVEL, 245, (3,), has_periodic_test=True)),
        (2, Subject("DD", "Đạo đức", SubjectKind.LEVEL, 35, (3,))),
    )
    values = (
        StoredValue(7, 1, 1, "midterm", 1, "H"),
        StoredValue(7, 1, 1, "final", 1, "T"),
        StoredValue(7, 1, 1, "test", 2, "9"),
        StoredValue(7, 2, 1, "final", 1, "H"),
    )
    return ClassBook(
        school=School("Trường Tiểu học Hòa Bình", Level.PRIMARY),
        year=YEAR,
        class_name="3A",
        grade=3,
        rules=rules_for(YEAR.name, 3),
        homeroom_teacher="Lê Thị Thu",
        students=(StudentInfo(7, "TH07", "Y Bih Niê", date(2017, 4, 2)),),
        subjects=subjects,
        values=values,
        conduct={},
        absences=(AbsenceDay(7, date(2025, 10, 6), 0, "P"),),
        comments={(7, 1, 1): "Đọc lưu loát, viết đúng chính tả."},
    )


def test_the_primary_card_shows_each_subject_level_and_test_and_the_absences():
    book = primary_book()
    assert book.rules is RuleSet.TT27
    [card] = report_cards(book, Period.SEMESTER_1)
    t = translator("vi")
    rows = card_rows(card, t)
    assert rows[0] == ["Môn học", "Mức đạt được", "Điểm KTĐK", "Nhận xét"]
    assert rows[1] == ["Tiếng Việt", "T", "9", "Đọc lưu loát, viết đúng chính tả."]
    assert rows[2] == ["Đạo đức", "H", "", ""]
    assert card.absences == (1, 0) and card.learning is None
    assert "Số buổi nghỉ: có phép 1, không phép 0" in card_text(card, t)
    [mid] = report_cards(book, Period.MIDTERM_1)  # grade 3 sits no mid-term test: no empty column for one
    assert card_rows(mid, t)[:2] == [
        ["Môn học", "Mức đạt được (giữa kỳ)", "Nhận xét"],
        ["Tiếng Việt", "H", ""],
    ]
    assert card_pdf([card], t).startswith(b"%PDF") and card_pdf([mid], t).startswith(b"%PDF")
    [grade_5] = report_cards(dataclasses.replace(book, grade=5), Period.MIDTERM_1)
    assert card_rows(grade_5, t)[0] == ["Môn học", "Mức đạt được (giữa kỳ)", "Điểm KTĐK", "Nhận xét"]


def test_the_primary_dbf_puts_levels_in_the_mark_fields_and_the_test_in_the_score_field():
    [reading, ethics] = dbf_records(primary_book(), 1)
    assert (reading["MGK1"], reading["MCK"], reading["CK"]) == ("H", "T", Decimal("9"))
    assert (ethics["MCK"], ethics["CK"], ethics["TBM"]) == ("H", None, None)
    assert reading["NGHICP"] == 1 and reading["HOTEN"] == "Y Bih Niê"


def test_the_primary_year_card_gives_the_tt27_level_completion_and_award():
    from dataclasses import replace

    from domain.evaluation.tt27 import COMPETENCIES, QUALITIES

    book = primary_book()
    at_year_end = (
        StoredValue(7, 1, 2, "final", 1, "T"),
        StoredValue(7, 1, 2, "test", 2, "10"),
        StoredValue(7, 2, 2, "final", 1, "T"),
    )
    ratings = {7: dict.fromkeys(QUALITIES + COMPETENCIES, "T")}
    [card] = report_cards(replace(book, values=book.values + at_year_end, ratings=ratings), Period.YEAR)
    assert (card.learning, card.promotion, card.award) == (
        "Hoàn thành xuất sắc",
        "lên lớp",
        "Học sinh Xuất sắc",
    )
    [unrated] = report_cards(replace(book, values=book.values + at_year_end), Period.YEAR)
    assert unrated.learning is None and unrated.award is None  # the ratings are not in yet


def test_the_semester_i_papers_show_semester_is_ratings_and_the_semester_ii_papers_the_year_ends():
    from dataclasses import replace

    from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
    from exports.gradebook import sections

    names = QUALITIES + COMPETENCIES
    first = {7: dict.fromkeys(names, "Đ") | {"yêu nước": "C"}}
    year_end = {7: dict.fromkeys(names, "T")}
    book = replace(primary_book(), first_ratings=first, ratings=year_end)
    t = translator("vi")
    by_period = {period: report_cards(book, period)[0].ratings for period in Period}
    assert by_period[Period.SEMESTER_1] == first[7]
    assert by_period[Period.SEMESTER_2] == by_period[Period.YEAR] == year_end[7]
    assert by_period[Period.MIDTERM_1] == by_period[Period.MIDTERM_2] == {}
    table = next(
        part for part in sections(book, Period.SEMESTER_1, t) if part.key == "primary-summary-ratings"
    )
    assert table.rows[2][2:] == [first[7][name] for name in names]
    assert table.title.endswith("PHẨM CHẤT, NĂNG LỰC")  # no result on a semester's table, none in its title
    year_table = next(p for p in sections(book, Period.YEAR, t) if p.key == "primary-summary-ratings")
    assert year_table.title.endswith("PHẨM CHẤT, NĂNG LỰC VÀ KẾT QUẢ")
    reading = dbf_records(book, 1)[0]
    assert (reading["PC_YEUNUOC"], reading["NL_TUCHU"]) == ("C", "Đ") and "KQGD" not in reading
    assert dbf_records(book, 2)[0]["PC_YEUNUOC"] == dbf_records(book, 0)[0]["PC_YEUNUOC"] == "T"
    assert dbf_records(book, 0)[0]["KQGD"] == dbf_records(book, 2)[0]["KQGD"]  # the year file has the result


def test_the_primary_district_summary_ends_with_each_counts_share():
    from dataclasses import replace

    from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
    from exports.primary_summary import primary_summary_rows

    names = QUALITIES + COMPETENCIES
    book = primary_book()
    other = StudentInfo(8, "TH08", "H'Hen Niê", date(2017, 6, 1))
    first = {7: dict.fromkeys(names, "T"), 8: dict.fromkeys(names, "Đ") | {"yêu nước": "C", "nhân ái": "C"}}
    book = replace(book, students=(*book.students, other), first_ratings=first)
    rows = primary_summary_rows([book], Period.SEMESTER_1, translator("vi"))
    header, total, shares = rows[1], rows[-2], rows[-1]
    assert shares[0] == "Tỉ lệ toàn trường" and total[:2] == ["Toàn trường", 2]
    qualities = dict(zip(header[2:5], shares[2:5], strict=True))  # 10 ratings: 5 T, 3 Đ, 2 C
    competencies = dict(zip(header[5:8], shares[5:8], strict=True))  # 20 ratings: 10 T, 10 Đ
    levels = dict(zip(header[8:11], shares[8:11], strict=True))  # the 2 levels entered: T and H
    assert qualities == {"T": "50,0%", "Đ": "30,0%", "C": "20,0%"}
    assert competencies == {"T": "50,0%", "Đ": "50,0%", "C": "0,0%"}
    assert levels == {"T": "50,0%", "H": "50,0%", "C": "0,0%"}
