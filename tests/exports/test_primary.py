"""A primary class (TT27): its report card and DBF carry the levels T/H/C and the periodic test scores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.calendar import default_school_year
from domain.class_record import StoredValue
from domain.evaluation import RuleSet, rules_for
from domain.report_card import AbsenceDay, ClassBook, Period, StudentInfo, report_cards
from domain.school import Level, School, Subject, SubjectKind
from exports.dbf_file import dbf_records
from exports.report_cards import card_pdf, card_rows, card_text
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
    [mid] = report_cards(book, Period.MIDTERM_1)
    assert card_rows(mid, t)[1][:2] == ["Tiếng Việt", "H"]
    assert card_pdf([card], t).startswith(b"%PDF")


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
