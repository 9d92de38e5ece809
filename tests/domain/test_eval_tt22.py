"""TT22/2021 (regulations.md §1, Part A items 4–11), each rule at its boundaries."""

from decimal import Decimal

import pytest

from domain.evaluation import (
    Conduct,
    Kind,
    RuleSet,
    SemesterEntries,
    StudentRecord,
    SubjectRecord,
    evaluate_student,
    evaluate_subject,
    required_columns,
)
from domain.evaluation.tt22 import CONDUCT_YEAR, conduct_year
from tests.domain.eval_builders import FAIL, PASS, comment, render, scored, sentences, student

D = Decimal
TT22 = RuleSet.TT22


def evaluate(record):
    return evaluate_student(record, TT22)


def toan(first: SemesterEntries, second: SemesterEntries | None = None) -> SubjectRecord:
    semesters = {"1": first} if second is None else {"1": first, "2": second}
    return SubjectRecord("Toán", Kind.SCORED, semesters, periods_per_year=140)


def columns(regular, midterm, final) -> SemesterEntries:
    return SemesterEntries(
        tuple(D(str(x)) if x not in (None, "v") else x for x in regular), (midterm,), final
    )


# --- columns (Điều 6, 7) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("periods", "count"), [(35, 2), (36, 3), (52, 3), (70, 3), (71, 4), (105, 4), (140, 4)]
)
def test_tt22_regular_columns_follow_periods_per_year(periods, count):
    subject = SubjectRecord("X", Kind.SCORED, {}, periods_per_year=periods)
    assert required_columns(TT22, subject).regular == count


def test_tt22_comment_subjects_need_two_regular_columns_whatever_their_periods():
    subject = SubjectRecord("Hoạt động trải nghiệm", Kind.COMMENT, {}, periods_per_year=105)
    assert required_columns(TT22, subject).regular == 2


def test_a_school_may_configure_more_regular_columns():
    subject = SubjectRecord("Tin học", Kind.SCORED, {}, periods_per_year=35, regular_columns=3)
    assert required_columns(TT22, subject).regular == 3


# --- subject averages (Điều 9 khoản 1) -------------------------------------------------------


def test_tt22_semester_average_weighs_midterm_twice_and_final_three_times():
    result = evaluate_subject(
        TT22, toan(columns([8, 7.5, 9, 10], D(7), D("8.5")), columns([9, 9, 8, 8], D(8), D(9)))
    )
    assert result.results == {"1": D("8.2"), "2": D("8.6"), "year": D("8.5")}
    assert render(result.explanations["1"][0]) == "ĐTBmhk = (34,5 + 2 × 7 + 3 × 8,5) / 9 = 8,2."


def test_tt22_average_of_exactly_6_45_rounds_to_6_5():
    # 5 regular columns (one more than required): (30,5 + 2 × 6,5 + 3 × 7) / 10 = 6,45
    result = evaluate_subject(TT22, toan(columns([6, 6, 6, 6, 6.5], D("6.5"), D(7))))
    assert result.results["1"] == D("6.5")


def test_tt22_average_of_6_44_rounds_to_6_4():
    result = evaluate_subject(TT22, toan(columns([6, 6, 6, 6, 6.4], D("6.5"), D(7))))
    assert result.results["1"] == D("6.4")


def test_tt22_year_average_uses_the_rounded_semester_averages():
    # HK1 50/9 = 5,56 → 5,6; HK2 50,9/9 = 5,66 → 5,7; (5,6 + 2 × 5,7)/3 = 5,67 → 5,7 (exact values give 5,6)
    result = evaluate_subject(
        TT22, toan(columns([5, 5, 5, 5], D(6), D(6)), columns([5, 5, 5, 5.9], D(6), D(6)))
    )
    assert result.results == {"1": D("5.6"), "2": D("5.7"), "year": D("5.7")}


def test_more_regular_scores_than_required_count_and_are_flagged_for_review():
    result = evaluate(StudentRecord((toan(columns([8, 8, 8, 8, 3], D(8), D(8))),)))
    assert result.subjects["Toán"].results["1"] == D("7.5")
    assert "Toán HK1: có 5 ĐĐGtx, Thông tư 22 quy định ghi 4; tất cả được tính vào ĐTBmhk." in [
        render(r) for r in result.review
    ]


# --- comment subjects ------------------------------------------------------------------------


def test_tt22_comment_semester_is_d_only_when_all_four_assessments_are_d():
    passed = comment("Nghệ thuật")
    one_failed = SubjectRecord(
        "Nghệ thuật", Kind.COMMENT, {"1": SemesterEntries((PASS, FAIL), (PASS,), PASS)}
    )
    assert evaluate_subject(TT22, passed).results["1"] == PASS
    result = evaluate_subject(TT22, one_failed)
    assert result.results["1"] == FAIL
    assert render(result.explanations["1"][0]) == "CĐ: ĐĐGtx 2 Chưa đạt (Đ cần mọi lần đánh giá Đạt)."


@pytest.mark.parametrize(("first", "second"), [(PASS, PASS), (PASS, FAIL), (FAIL, PASS), (FAIL, FAIL)])
def test_tt22_comment_year_result_is_the_second_semesters(first, second):
    assert evaluate_subject(TT22, comment("GDTC", first, second)).results["year"] == second


# --- one semester, missing and pending columns (Part A items 4–5) -----------------------------


def test_subject_taught_in_one_semester_takes_that_result_for_the_year():
    subject = scored("Công nghệ", "7.3", periods=35, semesters=("2",))
    result = evaluate_subject(TT22, subject)
    assert result.results == {"2": D("7.3"), "year": D("7.3")}


def test_one_semester_subject_does_not_count_in_the_other_semesters_level():
    record = student(["8"] * 7)
    record = StudentRecord((*record.subjects, scored("Công nghệ", "3.0", semesters=("2",))), record.conduct)
    result = evaluate(record)
    assert result.learning["1"] == "Tốt"
    assert result.learning["2"] != "Tốt"


def test_missing_final_leaves_the_semester_and_year_empty_and_names_the_column():
    subject = toan(columns([8, 8, 8, 8], D(8), D(8)), columns([8, 8, 8, 8], D(8), None))
    result = evaluate(StudentRecord((subject,)))
    assert [render(r) for r in result.incomplete][:1] == ["Toán HK2: thiếu ĐĐGck"]
    assert result.subjects["Toán"].results == {"1": D("8.0"), "2": None, "year": None}
    assert result.learning["2"] is None and result.learning["year"] is None
    assert result.learning["1"] is not None


def test_too_few_regular_scores_are_reported_with_the_count():
    result = evaluate_subject(TT22, toan(columns([8, None, 8], D(8), D(8))))
    assert [render(r) for r in result.incomplete] == ["Toán HK1: thiếu ĐĐGtx (có 2/4)"]


def test_test_pending_make_up_makes_the_subject_incomplete():
    result = evaluate_subject(TT22, toan(columns([8, 8, "v", 8], "v", D(8))))
    assert [render(r) for r in result.incomplete] == [
        "Toán HK1: ĐĐGtx 3 chờ kiểm tra bù",
        "Toán HK1: ĐĐGgk chờ kiểm tra bù",
    ]
    assert result.results["1"] is None


def test_missing_conduct_is_reported():
    result = evaluate(StudentRecord((scored("Toán", "8"),), Conduct({"1": "Tốt"})))
    assert "Rèn luyện HK2: thiếu mức đánh giá" in [render(r) for r in result.incomplete]
    assert result.conduct["year"] is None and result.promotion is None and result.award is None


# --- learning levels (Điều 9 khoản 2) ---------------------------------------------------------


def test_tt22_exactly_six_subjects_at_8_0_and_the_rest_6_5_is_tot():
    assert evaluate(student(["8.0"] * 6 + ["6.5"] * 2)).learning["year"] == "Tốt"


def test_tt22_five_subjects_at_8_0_is_kha_and_says_why():
    result = evaluate(student(["8.0"] * 5 + ["7.9"] * 3))
    assert result.learning["year"] == "Khá"
    assert "Không xếp Tốt: chỉ 5 môn ≥ 8 (Tốt cần ít nhất 6 môn)." in sentences(result, "learning", "year")


def test_tt22_one_subject_below_6_5_drops_tot_to_kha():
    result = evaluate(student(["6.3"] + ["9.0"] * 7))
    assert result.learning["year"] == "Khá"
    assert sentences(result, "learning", "year")[1] == (
        "Không xếp Tốt: Toán 6,3 < 6,5 (Tốt cần mọi môn tính điểm ≥ 6,5)."
    )


def test_tt22_a_comment_subject_cd_keeps_the_student_from_tot_and_kha():
    result = evaluate(student(["6.0"] * 8, comments=(FAIL, PASS, PASS, PASS)))
    assert result.learning["year"] == "Đạt"


def test_tt22_kha_needs_every_subject_at_least_5_0():
    assert evaluate(student(["5.0"] + ["7.0"] * 7)).learning["year"] == "Khá"
    assert evaluate(student(["4.9", "4.9"] + ["7.0"] * 6)).learning["year"] == "Đạt"


def test_tt22_kha_needs_six_subjects_at_6_5():
    assert evaluate(student(["6.5"] * 6 + ["5.0"] * 2)).learning["year"] == "Khá"
    assert evaluate(student(["6.5"] * 5 + ["6.4"] * 3)).learning["year"] == "Đạt"


def test_tt22_dat_allows_one_comment_subject_cd_but_not_two():
    assert evaluate(student(["5.0"] * 8, comments=(FAIL, PASS, PASS, PASS))).learning["year"] == "Đạt"
    result = evaluate(student(["5.0"] * 8, comments=(FAIL, FAIL, PASS, PASS)))
    assert result.learning["year"] == "Chưa đạt"


def test_tt22_dat_needs_six_subjects_at_5_0_and_none_below_3_5():
    assert evaluate(student(["5.0"] * 6 + ["3.5"] * 2)).learning["year"] == "Đạt"
    assert evaluate(student(["5.0"] * 5 + ["4.9"] * 3)).learning["year"] == "Chưa đạt"
    assert evaluate(student(["5.0"] * 6 + ["3.4"] * 2)).learning["year"] == "Chưa đạt"


# --- adjustment (Điều 9 khoản 3, Part A item 6) -----------------------------------------------


def test_tt22_tot_dropped_to_dat_by_one_subject_is_adjusted_to_kha():
    result = evaluate(student(["4.0"] + ["8.5"] * 7))
    assert result.learning["year"] == "Khá"
    assert sentences(result, "learning", "year")[0].startswith(
        "Khá: lẽ ra là Tốt nhưng bị hạ xuống Đạt chỉ do môn Toán"
    )


def test_tt22_tot_dropped_to_chua_dat_by_one_subject_is_adjusted_to_dat():
    assert evaluate(student(["3.0"] + ["8.5"] * 7)).learning["year"] == "Đạt"


def test_tt22_tot_dropped_to_dat_by_one_comment_subject_is_adjusted_to_kha():
    assert evaluate(student(["9.0"] * 8, comments=(FAIL, PASS, PASS, PASS))).learning["year"] == "Khá"


def test_tt22_kha_dropped_to_chua_dat_by_one_subject_is_adjusted_to_dat():
    assert evaluate(student(["3.0"] + ["7.0"] * 7)).learning["year"] == "Đạt"


def test_tt22_one_level_drop_is_not_adjusted():
    assert evaluate(student(["6.0"] + ["9.0"] * 7)).learning["year"] == "Khá"


def test_tt22_two_subjects_below_the_floor_are_not_adjusted():
    assert evaluate(student(["4.0", "4.0"] + ["9.0"] * 6)).learning["year"] == "Đạt"


def test_tt22_too_few_subjects_at_8_0_is_not_blamed_on_one_subject():
    # Tốt fails on the comment subject and on the count of 8,0: two causes, no adjustment
    result = evaluate(student(["8.0"] * 5 + ["7.0"] * 3, comments=(FAIL, PASS, PASS, PASS)))
    assert result.learning["year"] == "Đạt"


# --- conduct (Điều 8) ---------------------------------------------------------------------------

CONDUCT_TABLE = [
    # HK I, HK II, year — regulations.md §1.5
    ("Tốt", "Tốt", "Tốt"), ("Khá", "Tốt", "Tốt"), ("Đạt", "Tốt", "Khá"), ("Chưa đạt", "Tốt", "Khá"),
    ("Tốt", "Khá", "Khá"), ("Khá", "Khá", "Khá"), ("Đạt", "Khá", "Khá"), ("Chưa đạt", "Khá", "Đạt"),
    ("Tốt", "Đạt", "Khá"), ("Khá", "Đạt", "Đạt"), ("Đạt", "Đạt", "Đạt"), ("Chưa đạt", "Đạt", "Đạt"),
    ("Tốt", "Chưa đạt", "Chưa đạt"), ("Khá", "Chưa đạt", "Chưa đạt"),
    ("Đạt", "Chưa đạt", "Chưa đạt"), ("Chưa đạt", "Chưa đạt", "Chưa đạt"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second", "year"), CONDUCT_TABLE)
def test_tt22_conduct_year_level_follows_the_table(first, second, year):
    assert conduct_year(first, second)[0] == year


def test_tt22_conduct_table_is_complete():
    assert sum(len(row) for row in CONDUCT_YEAR.values()) == len(CONDUCT_TABLE)


# --- promotion (Điều 12–14) -----------------------------------------------------------------


def test_tt22_45_days_absent_is_promoted_46_is_retained():
    assert evaluate(student(["8"] * 8, absences=(40, 5))).promotion == "lên lớp"
    result = evaluate(student(["8"] * 8, absences=(30, 16)))
    assert result.promotion == "ở lại lớp"
    assert sentences(result, "promotion") == [
        "Ở lại lớp: nghỉ 46 buổi (30 có phép, 16 không phép), quá 45 buổi."
    ]


def test_tt22_retest_covers_every_failed_subject():
    # giaoduc.net.vn: 8 scored subjects, three of them 4,9 → re-test all three
    result = evaluate(student(["4.9", "6.0", "4.9", "6.0", "4.9", "6.0", "6.0", "6.0"]))
    assert result.learning["year"] == "Chưa đạt"
    assert result.promotion == "kiểm tra lại"
    assert result.retest_subjects == ("Toán", "Ngoại ngữ 1", "Lịch sử và Địa lí")


def test_tt22_retest_includes_subjects_below_3_5_and_comment_subjects_cd():
    result = evaluate(student(["3.0", "3.0"] + ["6.0"] * 6, comments=(FAIL, PASS, PASS, PASS)))
    assert result.promotion == "kiểm tra lại"
    assert result.retest_subjects == ("Toán", "Ngữ văn", "Giáo dục thể chất")


def test_tt22_retest_results_replace_the_year_results_and_decide_promotion():
    scores = ["4.9", "6.0", "4.9", "6.0", "4.9", "6.0", "6.0", "6.0"]
    retest = {"Toán": D("6.0"), "Ngoại ngữ 1": D("5.0"), "Lịch sử và Địa lí": D("4.0")}
    result = evaluate(student(scores, retest=retest))
    assert result.learning == {"1": "Chưa đạt", "2": "Chưa đạt", "year": "Chưa đạt", "retest": "Đạt"}
    assert result.subjects["Toán"].results["year"] == D("4.9")  # both results are kept
    assert result.subjects["Toán"].results["retest"] == D("6.0")
    assert result.promotion == "lên lớp"


def test_tt22_failed_retest_keeps_the_student_in_the_grade():
    scores = ["4.9", "6.0", "4.9", "6.0", "4.9", "6.0", "6.0", "6.0"]
    retest = {"Toán": D("4.0"), "Ngoại ngữ 1": D("4.0"), "Lịch sử và Địa lí": D("4.0")}
    assert evaluate(student(scores, retest=retest)).promotion == "ở lại lớp"


def test_tt22_retest_must_cover_every_failed_subject_before_deciding():
    scores = ["4.9", "6.0", "4.9", "6.0", "4.9", "6.0", "6.0", "6.0"]
    result = evaluate(student(scores, retest={"Toán": D("6.0")}))
    assert result.promotion == "kiểm tra lại"
    assert "Ngoại ngữ 1: thiếu kết quả kiểm tra lại" in [render(r) for r in result.incomplete]


def test_tt22_conduct_chua_dat_means_summer_training():
    result = evaluate(student(["8"] * 8, conduct=("Đạt", "Chưa đạt")))
    assert result.conduct["year"] == "Chưa đạt"
    assert result.promotion == "rèn luyện hè"
    assert evaluate(student(["8"] * 8, conduct=("Đạt", "Chưa đạt"), summer="Đạt")).promotion == "lên lớp"
    assert (
        evaluate(student(["8"] * 8, conduct=("Đạt", "Chưa đạt"), summer="Chưa đạt")).promotion == "ở lại lớp"
    )


def test_tt22_conduct_and_learning_both_chua_dat_trains_first_and_is_flagged():
    record = student(["4.0"] * 3 + ["6.0"] * 5, conduct=("Chưa đạt", "Chưa đạt"))
    result = evaluate(record)
    assert result.promotion == "rèn luyện hè"
    assert result.retest_subjects == ("Toán", "Ngữ văn", "Ngoại ngữ 1")
    assert any(r.key == "evaluation.review.conduct_and_learning_failed" for r in result.review)


def test_tt22_after_summer_training_the_failed_subjects_are_retested():
    record = student(["4.0"] * 3 + ["6.0"] * 5, conduct=("Chưa đạt", "Chưa đạt"), summer="Đạt")
    assert evaluate(record).promotion == "kiểm tra lại"


def test_tt22_retest_of_a_subject_that_passed_is_ignored_and_flagged():
    result = evaluate(student(["8"] * 8, retest={"Toán": D("6.0")}))
    assert result.promotion == "lên lớp"
    assert [r.key for r in result.review] == ["evaluation.review.retest_ignored"]


# --- awards (Điều 15) --------------------------------------------------------------------------


def test_tt22_exactly_six_subjects_at_9_0_with_tot_is_xuat_sac():
    assert evaluate(student(["9.0"] * 6 + ["8.0"] * 2)).award == "Học sinh Xuất sắc"


def test_tt22_five_subjects_at_9_0_is_gioi():
    result = evaluate(student(["9.0"] * 5 + ["8.9"] * 3))
    assert result.award == "Học sinh Giỏi"
    assert sentences(result, "award") == [
        "Học sinh Giỏi: rèn luyện Tốt và học tập Tốt; chưa Xuất sắc vì chỉ 5 môn có ĐTBmcn ≥ 9 (cần 6)."
    ]


def test_tt22_no_award_without_conduct_tot():
    assert evaluate(student(["9.5"] * 8, conduct=("Tốt", "Khá"))).award is None


# --- fewer than six scored subjects (Part A item 7) -------------------------------------------


def test_tt22_fewer_than_six_scored_subjects_is_flagged_for_review():
    result = evaluate(student(["9.0"] * 5))
    assert result.learning["year"] == "Chưa đạt"  # what the text allows
    assert [render(r) for r in result.review] == [
        "Chỉ có 5 môn tính điểm (các mức học tập tính theo 6 môn): lãnh đạo nhà trường cần xem xét."
    ]
