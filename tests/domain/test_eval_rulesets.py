"""Which rule set applies to a (school year, grade): regulations.md §0, Part A item 1."""

import pytest

from domain.evaluation import InvalidValue, RuleSet, rules_for


@pytest.mark.parametrize(
    ("year", "grade", "rules"),
    [
        ("2019-2020", 6, RuleSet.TT58),
        ("2019-2020", 12, RuleSet.TT58),
        ("2020-2021", 6, RuleSet.TT26),
        ("2020-2021", 10, RuleSet.TT26),
        ("2021-2022", 6, RuleSet.TT22),
        ("2021-2022", 7, RuleSet.TT26),
        ("2022-2023", 7, RuleSet.TT22),
        ("2022-2023", 10, RuleSet.TT22),
        ("2022-2023", 8, RuleSet.TT26),
        ("2023-2024", 8, RuleSet.TT22),
        ("2023-2024", 11, RuleSet.TT22),
        ("2023-2024", 9, RuleSet.TT26),
        ("2024-2025", 9, RuleSet.TT22),
        ("2024-2025", 12, RuleSet.TT22),
        ("2020-2021", 1, RuleSet.TT27),
        ("2023-2024", 4, RuleSet.TT27),
        ("2024-2025", 5, RuleSet.TT27),
        ("2026-2027", 3, RuleSet.TT27),
    ],
)
def test_rule_set_follows_the_roll_out(year, grade, rules):
    assert rules_for(year, grade) is rules


def test_a_school_may_override_the_roll_out():
    assert rules_for("2023-2024", 9, {("2023-2024", 9): RuleSet.TT22}) is RuleSet.TT22


def test_primary_before_tt27_has_no_supported_rules():
    with pytest.raises(InvalidValue) as caught:
        rules_for("2020-2021", 2)
    assert caught.value.key == "evaluation.error.no_rules"


@pytest.mark.parametrize("year", ["2024", "2024-2026", "24-25"])
def test_badly_written_school_year_is_rejected(year):
    with pytest.raises(InvalidValue) as caught:
        rules_for(year, 8)
    assert caught.value.params["field"] == "school_year"
