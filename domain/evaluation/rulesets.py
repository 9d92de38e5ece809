"""Which rule set applies to a (school year, grade): the Ministry's roll-out, which a school may override."""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.evaluation.model import RuleSet
from domain.evaluation.values import InvalidValue

# First school year (its starting calendar year) each grade follows the new circular.
TT27_FROM = {1: 2020, 2: 2021, 3: 2022, 4: 2023, 5: 2024}
TT22_FROM = {6: 2021, 7: 2022, 10: 2022, 8: 2023, 11: 2023, 9: 2024, 12: 2024}
TT26_FROM = 2020  # effective 11/10/2020: the whole of 2020-2021 for secondary grades not yet on TT22

PRIMARY_GRADES = range(1, 6)
SECONDARY_GRADES = range(6, 13)

Overrides = Mapping[tuple[str, int], RuleSet]

_SCHOOL_YEAR = re.compile(r"(\d{4})-(\d{4})")


def first_year(school_year: str, field: str = "school_year") -> int:
    """2024 for "2024-2025"."""
    match = _SCHOOL_YEAR.fullmatch(school_year)
    if not match or int(match[2]) != int(match[1]) + 1:
        raise InvalidValue("evaluation.error.bad_school_year", field=field, value=school_year)
    return int(match[1])


def rules_for(school_year: str, grade: int, overrides: Overrides | None = None) -> RuleSet:
    """The rule set of ``grade`` in ``school_year``.

    ``overrides`` maps (school year, grade) to a school's own choice, e.g. a class kept on TT26."""
    start = first_year(school_year)
    if overrides and (school_year, grade) in overrides:
        return overrides[(school_year, grade)]
    if grade in PRIMARY_GRADES:
        if start >= TT27_FROM[grade]:
            return RuleSet.TT27
        raise InvalidValue(
            "evaluation.error.no_rules", field="school_year", school_year=school_year, grade=grade
        )
    if grade not in SECONDARY_GRADES:
        raise InvalidValue("evaluation.error.bad_grade", field="grade", value=str(grade))
    if start >= TT22_FROM[grade]:
        return RuleSet.TT22
    return RuleSet.TT26 if start >= TT26_FROM else RuleSet.TT58
