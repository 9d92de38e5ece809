"""TT58/2011 as amended by TT26/2020, and as issued (regulations.md §3)."""

from decimal import Decimal

import pytest

from domain.evaluation import (
    Absences,
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
from tests.domain.eval_builders import FAIL, PASS, render, scored, sentences

D = Decimal
TT26, TT58 = RuleSet.TT26, RuleSet.TT58
NAMES = (
    "Toán",
    "Ngữ văn",
    "Tiếng Anh",
    "Vật lí",
    "Hóa học",
    "Sinh học",
    "Lịch sử",
    "Địa lí",
    "GDCD",
    "Công nghệ",
)
COMMENTS = ("Thể dục", "Âm nhạc", "Mỹ thuật")


def comment(name: str, regular=(PASS, PASS), midterm=PASS, final=PASS) -> SubjectRecord:
    entries = SemesterEntries(tuple(regular), (midterm,), final)
    return SubjectRecord(name, Kind.COMMENT, {"1": entries, "2": entries})


def record(
    scores: list[str],
    comments: tuple[str, ...] = (PASS, PASS, PASS),
    conduct: tuple[str, str] = ("Tốt", "Tốt"),
    year: str | None = None,
    summer: str | None = None,
    absences: int = 0,
    retest: dict | None = None,
    extra: tuple[str, ...] = (),
) -> StudentRecord:
    names = NAMES + tuple(f"Tự chọn {i}" for i in range(len(scores) - len(NAMES)))
    subjects = [scored(name, value) for name, value in zip(names, scores, strict=False)]
    subjects += [comment(name, final=mark) for name, mark in zip(COMMENTS, comments, strict=False)]
    return StudentRecord(
        tuple(subjects),
        Conduct({"1": conduct[0], "2": conduct[1]}, year=year, summer=summer),
        Absences(absences, 0),
        retest or {},
    )


def evaluate(rec, rules=TT26):
    return evaluate_student(rec, rules)


# --- columns and averages ----------------------------------------------------------------------


@pytest.mark.parametrize(("periods", "count"), [(35, 2), (52, 3), (70, 3), (104, 3), (105, 4), (140, 4)])
def test_original_tt58_regular_tests_follow_periods_per_week(periods, count):
    subject = SubjectRecord("X", Kind.SCORED, {}, periods_per_year=periods)
    assert required_columns(TT58, subject).regular == count
    assert required_columns(TT58, subject).labels == ("KTtx", "KTđk", "KThk")


def test_original_tt58_semester_average_weighs_every_periodic_test_twice():
    entries = SemesterEntries((D(8), D(7)), (D(6), D(9)), D(7))
    subject = SubjectRecord("GDCD", Kind.SCORED, {"1": entries}, periods_per_year=35)
    # (15 + 2 × 15 + 3 × 7) / (2 + 2 × 2 + 3) = 66 / 9 = 7,33
    assert evaluate_subject(TT58, subject).results["1"] == D("7.3")


def test_original_tt58_needs_at_least_one_periodic_test():
    entries = SemesterEntries((D(8), D(7)), (), D(7))
    subject = SubjectRecord("GDCD", Kind.SCORED, {"1": entries}, periods_per_year=35)
    assert [render(r) for r in evaluate_subject(TT58, subject).incomplete] == ["GDCD HK1: thiếu KTđk"]


def test_tt26_overall_average_is_the_plain_mean_of_the_subject_averages():
    result = evaluate(record(["8.0", "8.5", "8.0", "8.5"]))
    assert result.overall_average == {"1": D("8.3"), "2": D("8.3"), "year": D("8.3")}  # 8,25 → 8,3


# --- comment subjects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("regular", "midterm", "final", "result"),
    [
        ((PASS, FAIL), PASS, PASS, PASS),  # 3/4 Đ including the final
        ((PASS, PASS), PASS, FAIL, FAIL),  # the final must be Đ
        ((FAIL, FAIL), PASS, PASS, FAIL),  # 2/4 < 2/3
    ],
)
def test_tt26_comment_semester_needs_two_thirds_d_including_the_final(regular, midterm, final, result):
    assert evaluate_subject(TT26, comment("Thể dục", regular, midterm, final)).results["1"] == result


# --- học lực -----------------------------------------------------------------------------------


def test_tt26_gioi_at_its_boundaries():
    assert evaluate(record(["8.0"] + ["6.5"] * 2 + ["8.5"] * 7)).learning["year"] == "Giỏi"


def test_tt26_gioi_needs_a_key_subject_at_8_0():
    result = evaluate(record(["7.9", "7.9", "7.9"] + ["9.0"] * 7))
    assert result.learning["year"] == "Khá"
    assert "Không xếp Giỏi: không môn nào trong Toán, Ngữ văn, Ngoại ngữ đạt từ 8 trở lên." in sentences(
        result, "learning", "year"
    )


def test_tiếng_anh_is_a_key_subject_under_tt26_but_not_under_original_tt58():
    rec = record(["7.9", "7.9", "9.0"] + ["8.5"] * 7)
    assert evaluate(rec, TT26).learning["year"] == "Giỏi"
    assert evaluate(rec, TT58).learning["year"] == "Khá"


def test_tt26_average_7_9_is_kha():
    result = evaluate(record(["7.9"] * 10))
    assert result.learning["year"] == "Khá"
    assert sentences(result, "learning", "year")[1] == "Không xếp Giỏi: điểm trung bình các môn 7,9 < 8."


def test_tt26_trung_binh_yeu_kem_boundaries():
    assert evaluate(record(["5.0"] * 8 + ["3.5"] * 2)).learning["year"] == "Yếu"  # average 4,7
    assert evaluate(record(["5.0"] * 10)).learning["year"] == "Trung bình"
    assert evaluate(record(["4.0"] * 8 + ["2.0"] * 2)).learning["year"] == "Yếu"
    assert evaluate(record(["4.0"] * 8 + ["1.9"] * 2)).learning["year"] == "Kém"
    assert evaluate(record(["3.4"] * 10)).learning["year"] == "Kém"


def test_tt26_trung_binh_needs_every_comment_subject_d():
    assert evaluate(record(["6.0"] * 10, comments=(FAIL, PASS, PASS))).learning["year"] == "Yếu"


# --- adjustment (Điều 13 khoản 6) -------------------------------------------------------------


def test_tt26_gioi_dropped_to_trung_binh_by_one_subject_is_adjusted_to_kha():
    result = evaluate(record(["8.5"] * 9 + ["4.0"]))  # average 8,05
    assert result.learning["year"] == "Khá"
    assert sentences(result, "learning", "year")[0] == (
        "Khá: điểm trung bình 8,1 đạt mức Giỏi nhưng chỉ do môn Công nghệ (4) mà bị xếp Trung bình, "
        "nên được điều chỉnh (Điều 13 khoản 6 Thông tư 58)."
    )


def test_tt26_gioi_dropped_to_yeu_by_one_subject_is_adjusted_to_trung_binh():
    assert evaluate(record(["8.5"] * 9 + ["3.0"])).learning["year"] == "Trung bình"  # average 7,95 → 8,0


def test_tt26_kha_dropped_to_yeu_by_one_subject_is_adjusted_to_trung_binh():
    assert evaluate(record(["7.0"] * 9 + ["3.0"])).learning["year"] == "Trung bình"


def test_tt26_kha_dropped_to_kem_by_one_subject_is_adjusted_to_yeu():
    assert evaluate(record(["7.5"] * 9 + ["1.5"])).learning["year"] == "Yếu"


def test_tt26_gioi_dropped_to_kem_by_one_subject_is_read_as_kha_to_kem_and_adjusted_to_yeu():
    # decision (docs/evaluate.md): a Giỏi average also reaches Khá, so case d) applies
    assert evaluate(record(["9.5"] * 9 + ["1.0"])).learning["year"] == "Yếu"


def test_tt26_gioi_dropped_to_kha_is_not_adjusted():
    assert evaluate(record(["9.0"] * 9 + ["6.0"])).learning["year"] == "Khá"


def test_tt26_two_subjects_below_the_floor_are_not_adjusted():
    assert evaluate(record(["9.5"] * 8 + ["4.0"] * 2)).learning["year"] == "Trung bình"


def test_docnhanh_case_average_8_4_with_the_duc_cd_is_trung_binh():
    # docnhanh.vn 24/05/2021: ĐTBcn 8,4, Thể dục Chưa đạt → Trung bình (Giỏi → Yếu, adjusted)
    result = evaluate(record(["8.4"] * 10, comments=(FAIL, PASS, PASS)))
    assert result.overall_average["year"] == D("8.4")
    assert result.learning["year"] == "Trung bình"
    assert "chỉ do môn Thể dục (CĐ)" in sentences(result, "learning", "year")[0]


# --- hạnh kiểm, promotion, titles -------------------------------------------------------------


def test_tt26_year_conduct_is_semester_two_unless_the_teacher_sets_it():
    assert evaluate(record(["8"] * 10, conduct=("Khá", "Tốt"))).conduct["year"] == "Tốt"
    assert evaluate(record(["8"] * 10, conduct=("Khá", "Tốt"), year="Khá")).conduct["year"] == "Khá"


def test_tt26_45_days_absent_is_promoted_46_is_retained():
    assert evaluate(record(["6"] * 10, absences=45)).promotion == "lên lớp"
    assert evaluate(record(["6"] * 10, absences=46)).promotion == "ở lại lớp"


YEU_STUDENT = ["4.0", "4.0", "4.0"] + ["6.0"] * 7  # no key subject reaches 5,0


def test_tt26_yeu_with_conduct_at_least_tb_may_retest_a_choice_of_failed_subjects():
    result = evaluate(record(YEU_STUDENT, conduct=("Khá", "Khá")))
    assert result.learning["year"] == "Yếu"
    assert result.promotion == "kiểm tra lại"
    assert result.retest_subjects == ("Toán", "Ngữ văn", "Tiếng Anh")


def test_tt26_retest_of_the_chosen_subject_recomputes_average_and_level():
    result = evaluate(record(YEU_STUDENT, conduct=("Khá", "Khá"), retest={"Toán": D("6.0")}))
    assert result.learning["retest"] == "Trung bình"
    assert result.overall_average["retest"] == D("5.6")
    assert result.promotion == "lên lớp"


def test_tt26_retest_still_below_trung_binh_is_retained():
    result = evaluate(record(YEU_STUDENT, conduct=("Khá", "Khá"), retest={"Toán": D("4.5")}))
    assert result.promotion == "ở lại lớp"


def test_tt26_kem_is_retained():
    assert evaluate(record(["3.0"] * 10)).promotion == "ở lại lớp"


def test_tt26_hoc_luc_and_hanh_kiem_both_yeu_is_retained():
    assert evaluate(record(YEU_STUDENT, conduct=("Yếu", "Yếu"))).promotion == "ở lại lớp"


def test_tt26_hanh_kiem_yeu_trains_in_summer():
    assert evaluate(record(["6"] * 10, conduct=("Yếu", "Yếu"))).promotion == "rèn luyện hè"
    assert evaluate(record(["6"] * 10, conduct=("Yếu", "Yếu"), summer="Trung bình")).promotion == "lên lớp"
    assert evaluate(record(["6"] * 10, conduct=("Yếu", "Yếu"), summer="Yếu")).promotion == "ở lại lớp"


@pytest.mark.parametrize(
    ("conduct", "scores", "title"),
    [
        ("Tốt", ["8.5"] * 10, "Học sinh Giỏi"),
        ("Khá", ["8.5"] * 10, "Học sinh Tiên tiến"),
        ("Tốt", ["7.0"] * 10, "Học sinh Tiên tiến"),
        ("Trung bình", ["8.5"] * 10, None),
        ("Tốt", ["6.0"] * 10, None),
    ],
)
def test_tt26_titles_per_year(conduct, scores, title):
    assert evaluate(record(scores, conduct=(conduct, conduct))).award == title


def test_tt26_titles_are_also_given_per_semester():
    result = evaluate(record(["8.5"] * 10, conduct=("Khá", "Tốt")))
    assert result.semester_awards == {"1": "Học sinh Tiên tiến", "2": "Học sinh Giỏi"}
    assert result.award == "Học sinh Giỏi"


@pytest.mark.parametrize(("first", "second"), [(PASS, PASS), (PASS, FAIL), (FAIL, PASS), (FAIL, FAIL)])
def test_tt26_comment_year_result_follows_semester_two(first, second):
    semesters = {s: SemesterEntries((PASS, PASS), (PASS,), mark) for s, mark in (("1", first), ("2", second))}
    subject = SubjectRecord("Âm nhạc", Kind.COMMENT, semesters)
    assert evaluate_subject(TT26, subject).results["year"] == second
