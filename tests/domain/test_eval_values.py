"""Score entry and rounding (regulations.md §1.1, Part A items 2–3)."""

from decimal import Decimal

import pytest

from domain.evaluation.values import (
    FAIL,
    PASS,
    PENDING,
    InvalidValue,
    mean,
    parse_entry,
    parse_level,
    parse_score,
    rounded_mean,
)

D = Decimal


@pytest.mark.parametrize("typed", ["8,5", "8.5", D("8.5"), D("8.50"), 8.5])
def test_comma_and_point_both_mean_the_same_score(typed):
    assert parse_score(typed, "f") == D("8.5")


def test_whole_scores_keep_one_decimal():
    assert str(parse_score(8, "f")) == "8.0"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("10,5", "evaluation.error.score_out_of_range"),
        (-1, "evaluation.error.score_out_of_range"),
        ("8,55", "evaluation.error.too_many_decimals"),
        ("tám", "evaluation.error.not_a_score"),
        ("1e1", "evaluation.error.not_a_score"),
        (True, "evaluation.error.not_a_score"),
        ([8], "evaluation.error.not_a_score"),
    ],
)
def test_bad_score_names_the_problem_and_the_field(typed, key):
    with pytest.raises(InvalidValue) as caught:
        parse_score(typed, "subjects[0].semesters.1.regular[2]")
    assert caught.value.key == key
    assert caught.value.params["field"] == "subjects[0].semesters.1.regular[2]"


def test_zero_and_ten_are_valid_scores():
    assert parse_score(0, "f") == 0
    assert parse_score("10", "f") == 10


def test_whole_number_required_rejects_decimals():
    with pytest.raises(InvalidValue) as caught:
        parse_score("8,5", "f", integer=True)
    assert caught.value.key == "evaluation.error.score_not_integer"
    assert parse_score("9.0", "f", integer=True) == 9


def test_v_marks_a_test_pending_make_up_and_null_is_not_entered():
    assert parse_entry("v", "f", comment=False) == PENDING
    assert parse_entry("V", "f", comment=True) == PENDING
    assert parse_entry(None, "f", comment=False) is None


def test_comment_columns_take_only_d_and_cd():
    assert parse_entry("Đ", "f", comment=True) == PASS
    assert parse_entry("cđ", "f", comment=True) == FAIL
    with pytest.raises(InvalidValue) as caught:
        parse_entry(8, "f", comment=True)
    assert caught.value.key == "evaluation.error.bad_mark"


def test_decomposed_unicode_marks_are_recognised():
    assert parse_entry("C\u0110", "f", comment=True) == FAIL
    assert parse_level("Kha\u0301", ("Tốt", "Khá"), "f") == "Khá"


def test_level_outside_the_circulars_labels_is_rejected():
    with pytest.raises(InvalidValue) as caught:
        parse_level("Giỏi", ("Tốt", "Khá", "Đạt", "Chưa đạt"), "conduct.1")
    assert caught.value.params["allowed"] == "Tốt, Khá, Đạt, Chưa đạt"


def test_6_45_rounds_half_up_to_6_5_and_6_44_down_to_6_4():
    assert rounded_mean(645, 10) == D("6.5")
    assert rounded_mean(644, 10) == D("6.4")


def test_no_double_rounding_6_449_gives_6_4():
    assert rounded_mean(6449, 100) == D("6.4")


def test_8_25_rounds_up_unlike_bankers_rounding():
    assert mean([D("8.0"), D("8.5"), D("8.0"), D("8.5")]) == D("8.3")
    assert round(8.25, 1) == 8.2  # what binary floating point would have given


def test_rounded_results_always_carry_one_decimal():
    assert str(rounded_mean(240, 3)) == "8.0"
