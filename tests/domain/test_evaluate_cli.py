"""``sodiem evaluate``: the JSON contract of the issue, exit statuses and messages."""

import argparse
import io
import json
from decimal import Decimal

import pytest

import cli.evaluate as command

ISSUE_EXAMPLE = """{
  "rules": "tt22",
  "school_year": "2024-2025", "grade": 8,
  "subjects": [
    {"name": "Toán", "kind": "scored", "periods_per_year": 140,
     "semesters": {"1": {"regular": [8, 7.5, 9, 10], "midterm": 7, "final": 8.5},
                   "2": {"regular": [9, 9, 8, 8], "midterm": 8, "final": 9}}},
    {"name": "Giáo dục thể chất", "kind": "comment",
     "semesters": {"1": {"regular": ["Đ", "Đ"], "midterm": "Đ", "final": "Đ"},
                   "2": {"regular": ["Đ", "Đ"], "midterm": "Đ", "final": "Đ"}}}
  ],
  "conduct": {"1": "Tốt", "2": "Khá"},
  "absences": {"excused": 3, "unexcused": 1},
  "retest": {"Toán": 6.0}
}"""


def run(monkeypatch, capsys, text: str, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["evaluate", *argv])
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    status = args.func(args)
    out, err = capsys.readouterr()
    return status, out, err


def document(**changes) -> str:
    data = json.loads(ISSUE_EXAMPLE, parse_float=Decimal)
    data.update(changes)
    return json.dumps(data, default=str, ensure_ascii=False)


def test_issue_example_gives_the_averages_of_the_issue(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, ISSUE_EXAMPLE)
    assert status == 0
    result = json.loads(out)
    assert result["rules"] == "tt22"
    assert result["subjects"] == {
        "Toán": {"1": 8.2, "2": 8.6, "year": 8.5},
        "Giáo dục thể chất": {"1": "Đ", "2": "Đ", "year": "Đ"},
    }
    assert result["conduct"] == {"year": "Khá"}
    assert result["overall_average"] == {"1": None, "2": None, "year": None}
    assert set(result) == {
        "rules", "subjects", "learning", "conduct", "overall_average", "promotion",
        "retest_subjects", "award", "incomplete", "review",
    }  # fmt: skip


def test_whole_averages_print_with_their_decimal(monkeypatch, capsys):
    text = ISSUE_EXAMPLE.replace(
        '[8, 7.5, 9, 10], "midterm": 7, "final": 8.5', '[8, 8, 8, 8], "midterm": 8, "final": 8'
    )
    _, out, _ = run(monkeypatch, capsys, text)
    assert '"1": 8.0' in out


def test_bad_json_exits_2_with_a_message(monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, '{"rules": "tt22",')
    assert status == 2 and out == ""
    assert err.startswith("Dữ liệu vào không phải JSON hợp lệ (dòng 1")


def test_bad_score_exits_2_and_names_the_field(monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, ISSUE_EXAMPLE.replace("[8, 7.5, 9, 10]", "[8, 7.5, 11, 10]"))
    assert status == 2
    assert err.strip() == "subjects[0].semesters.1.regular[2]: điểm 11 phải từ 0 đến 10."


def test_messages_in_english_with_lang_en(monkeypatch, capsys):
    _, _, err = run(monkeypatch, capsys, ISSUE_EXAMPLE.replace("7.5", "7.55"), "--lang", "en")
    assert err.strip() == "subjects[0].semesters.1.regular[1]: the score 7.55 may have at most one decimal."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rules": "tt99"}, "rules"),
        ({"grade": 13}, "grade"),
        ({"grade": 3}, "grade"),
        ({"school_year": "2024/2025"}, "school_year"),
        ({"conduct": {"1": "Giỏi"}}, "conduct.1"),
        ({"conduct": {"year": "Tốt"}}, "conduct.year"),
        ({"absences": {"excused": -1}}, "absences.excused"),
        ({"retest": {"Hóa học": 6}}, "retest.Hóa học"),
        ({"subjects": []}, "subjects"),
        ({"hoc_luc": "Giỏi"}, "hoc_luc"),
    ],
)
def test_bad_fields_are_named(monkeypatch, capsys, change, field):
    status, _, err = run(monkeypatch, capsys, document(**change))
    assert status == 2
    assert err.startswith(f"{field}: ")


def test_a_typo_in_a_column_name_is_rejected(monkeypatch, capsys):
    status, _, err = run(monkeypatch, capsys, ISSUE_EXAMPLE.replace('"midterm": 7', '"midterm_": 7'))
    assert status == 2
    assert err.startswith("subjects[0].semesters.1.midterm_: trường này không dùng ở đây")


def test_rules_are_chosen_from_school_year_and_grade(monkeypatch, capsys):
    data = json.loads(ISSUE_EXAMPLE)
    del data["rules"]
    data["school_year"] = "2020-2021"
    status, out, _ = run(monkeypatch, capsys, json.dumps(data))
    assert status == 0 and json.loads(out)["rules"] == "tt26"


def test_missing_columns_are_listed_and_their_results_are_null(monkeypatch, capsys):
    text = ISSUE_EXAMPLE.replace('"midterm": 8, "final": 9', '"midterm": 8, "final": null')
    _, out, _ = run(monkeypatch, capsys, text)
    result = json.loads(out)
    assert result["incomplete"] == ["Toán HK2: thiếu ĐĐGck"]
    assert result["subjects"]["Toán"] == {"1": 8.2, "2": None, "year": None}
    assert result["learning"]["year"] is None and result["promotion"] is None


def test_pending_make_up_is_named(monkeypatch, capsys):
    _, out, _ = run(monkeypatch, capsys, ISSUE_EXAMPLE.replace("[8, 7.5, 9, 10]", '[8, 7.5, "v", 10]'))
    assert json.loads(out)["incomplete"] == ["Toán HK1: ĐĐGtx 3 chờ kiểm tra bù"]


def test_explain_adds_reasons_in_the_chosen_language(monkeypatch, capsys):
    _, out, _ = run(monkeypatch, capsys, ISSUE_EXAMPLE, "--explain")
    explain = json.loads(out)["explain"]
    assert explain["subjects"]["Toán"]["1"] == ["ĐTBmhk = (34,5 + 2 × 7 + 3 × 8,5) / 9 = 8,2."]
    assert explain["conduct"]["year"] == ["Rèn luyện cả năm Khá: HK1 Tốt, HK2 Khá."]
    _, out, _ = run(monkeypatch, capsys, ISSUE_EXAMPLE, "--explain", "--lang", "en")
    assert json.loads(out)["explain"]["conduct"]["year"] == [
        "Year conduct Khá: semester 1 Tốt, semester 2 Khá."
    ]


def test_original_tt58_regular_scores_must_be_whole(monkeypatch, capsys):
    text = ISSUE_EXAMPLE.replace('"tt22"', '"tt58"').replace('"midterm"', '"periodic"')
    text = text.replace('"periodic": 7,', '"periodic": [7],').replace('"periodic": 8,', '"periodic": [8],')
    text = text.replace('"periodic": "Đ"', '"periodic": ["Đ"]').replace(
        '"school_year": "2024-2025"', '"school_year": "2018-2019"'
    )
    status, _, err = run(monkeypatch, capsys, text)
    assert status == 2
    assert (
        err.strip()
        == "subjects[0].semesters.1.regular[1]: điểm 7.5 phải là số nguyên (không cho điểm thập phân)."
    )


PRIMARY = {
    "rules": "tt27", "school_year": "2024-2025", "grade": 3,
    "subjects": [{"name": "Toán", "level": "T", "test": 9}, {"name": "Tiếng Việt", "level": "T", "test": 10},
                 {"name": "Đạo đức", "level": "H"}],
    "qualities": {"yêu nước": "T", "nhân ái": "T", "chăm chỉ": "T", "trung thực": "T", "trách nhiệm": "T"},
    "competencies": {name: "T" for name in (
        "tự chủ và tự học", "giao tiếp và hợp tác", "giải quyết vấn đề và sáng tạo", "ngôn ngữ", "tính toán",
        "khoa học", "công nghệ", "tin học", "thẩm mỹ", "thể chất")},
}  # fmt: skip


def test_primary_document(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, json.dumps(PRIMARY, ensure_ascii=False))
    result = json.loads(out)
    assert status == 0
    assert result["subjects"]["Toán"] == {"year": "T", "test": 9}
    assert result["learning"] == {"year": "Hoàn thành"}
    assert result["promotion"] == "lên lớp"


def test_primary_test_scores_are_whole_numbers(monkeypatch, capsys):
    data = {**PRIMARY, "subjects": [{"name": "Toán", "level": "T", "test": 8.5}]}
    status, _, err = run(monkeypatch, capsys, json.dumps(data, ensure_ascii=False))
    assert status == 2 and err.startswith("subjects[0].test: ")


def test_primary_tested_subject_without_its_test_is_incomplete(monkeypatch, capsys):
    data = {**PRIMARY, "subjects": [{"name": "Toán", "level": "T"}]}
    _, out, _ = run(monkeypatch, capsys, json.dumps(data, ensure_ascii=False))
    assert json.loads(out)["incomplete"] == ["Toán: thiếu điểm kiểm tra định kì cuối năm"]


def test_every_message_key_has_a_vietnamese_and_an_english_text():
    import re
    from pathlib import Path

    root = Path(command.__file__).resolve().parents[1]
    sources = [*(root / "domain" / "evaluation").glob("*.py"), root / "cli" / "evaluate.py"]
    keys = {key for path in sources for key in re.findall(r'"(evaluation\.[a-z0-9_.]+)"', path.read_text())}
    for language in ("vi", "en"):
        catalog = (root / "locales" / language / "LC_MESSAGES" / "evaluation.po").read_text()
        defined = set(re.findall(r'^msgid "(evaluation\.[^"]+)"', catalog, re.M))
        assert keys <= defined, (language, keys - defined)
        assert defined <= keys, (language, defined - keys)
