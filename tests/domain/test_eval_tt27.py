"""TT27/2020, primary (regulations.md §2)."""

import pytest

from domain.evaluation import PrimaryRecord, PrimarySubject, RuleSet, evaluate_student
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES, is_tested
from tests.domain.eval_builders import render, sentences


def pupil(levels=None, tests=None, qualities="T", competencies="T", outstanding=False) -> PrimaryRecord:
    levels = levels or {}
    tests = tests or {}
    tested = ("Tiếng Việt", "Toán")
    subjects = tuple(
        PrimarySubject(
            name, levels.get(name, "T"), tests.get(name, 10) if name in tested else None, name in tested
        )
        for name in (*tested, "Đạo đức", "Tự nhiên và Xã hội")
    )
    return PrimaryRecord(
        subjects,
        dict.fromkeys(QUALITIES, qualities),
        dict.fromkeys(COMPETENCIES, competencies),
        outstanding,
    )


def evaluate(record):
    return evaluate_student(record, RuleSet.TT27)


def test_tt27_all_t_and_tests_at_9_is_hoan_thanh_xuat_sac_and_hoc_sinh_xuat_sac():
    result = evaluate(pupil(tests={"Toán": 9, "Tiếng Việt": 9}))
    assert result.learning == {"year": "Hoàn thành xuất sắc"}
    assert result.award == "Học sinh Xuất sắc"
    assert result.promotion == "lên lớp"


def test_tt27_a_test_of_8_is_hoan_thanh_tot_and_says_which():
    result = evaluate(pupil(tests={"Toán": 8}))
    assert result.learning["year"] == "Hoàn thành tốt"
    assert result.award is None
    assert sentences(result, "learning", "year")[1] == (
        "Không xếp Hoàn thành xuất sắc: Toán kiểm tra cuối năm 8 điểm < 9."
    )


def test_tt27_test_of_7_is_still_hoan_thanh_tot_6_is_hoan_thanh():
    assert evaluate(pupil(tests={"Toán": 7})).learning["year"] == "Hoàn thành tốt"
    assert evaluate(pupil(tests={"Toán": 6})).learning["year"] == "Hoàn thành"


def test_tt27_one_quality_at_dat_is_hoan_thanh_not_hoan_thanh_tot():
    record = pupil()
    record = PrimaryRecord(record.subjects, {**record.qualities, "trung thực": "Đ"}, record.competencies)
    result = evaluate(record)
    assert result.learning["year"] == "Hoàn thành"
    assert "Không xếp Hoàn thành tốt: trung thực mức Đ." in sentences(result, "learning", "year")


def test_tt27_subject_level_h_is_hoan_thanh():
    assert evaluate(pupil(levels={"Đạo đức": "H"})).learning["year"] == "Hoàn thành"


@pytest.mark.parametrize(
    "record",
    [
        pupil(levels={"Đạo đức": "C"}),
        pupil(tests={"Toán": 4}),
        pupil(competencies="C"),
    ],
)
def test_tt27_a_c_or_a_test_below_5_is_chua_hoan_thanh(record):
    result = evaluate(record)
    assert result.learning["year"] == "Chưa hoàn thành"
    assert result.promotion == "chưa hoàn thành"


def test_tt27_test_of_5_is_enough_for_hoan_thanh():
    assert evaluate(pupil(tests={"Toán": 5})).learning["year"] == "Hoàn thành"


def test_tt27_tieu_bieu_is_a_manual_flag_on_hoan_thanh_tot():
    assert evaluate(pupil(tests={"Toán": 8}, outstanding=True)).award == (
        "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện"
    )
    assert evaluate(pupil(tests={"Toán": 6}, outstanding=True)).award is None


def test_tt27_missing_test_or_quality_leaves_the_result_empty():
    record = pupil()
    subjects = (PrimarySubject("Toán", "T", None, tested=True), *record.subjects[2:])
    qualities = {**record.qualities, "nhân ái": None}
    result = evaluate(PrimaryRecord(subjects, qualities, record.competencies))
    assert result.learning["year"] is None and result.promotion is None
    assert [render(r) for r in result.incomplete] == [
        "Toán: thiếu điểm kiểm tra định kì cuối năm",
        "Phẩm chất nhân ái: thiếu mức đạt được",
    ]


def test_tt27_no_absence_limit_and_no_overall_average():
    result = evaluate(pupil())
    assert result.overall_average == {"1": None, "2": None, "year": None}


@pytest.mark.parametrize(
    ("subject", "grade", "tested"),
    [("Toán", 1, True), ("Tiếng Anh", 2, False), ("Tiếng Anh", 3, True), ("Khoa học", 3, False),
     ("Khoa học", 4, True), ("Tin học và Công nghệ", 3, True), ("Đạo đức", 5, False)],
)  # fmt: skip
def test_tt27_tested_subjects_by_grade(subject, grade, tested):
    assert is_tested(subject, grade) is tested
