"""Entered values (scores, Đ/CĐ marks, levels): validation and exact rounding.

Scores are ``Decimal`` with one decimal. Averages are computed on integer tenths and rounded
once, half up, from the exact quotient (regulations.md §1.1), so 6,45 gives 6,5 and 6,449… 6,4.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from domain.errors import DomainError

PASS = "Đ"
FAIL = "CĐ"
PENDING = "v"
"""A test the student missed with a valid excuse and will make up (kiểm tra bù)."""

Entry = Decimal | str | None
"""One recorded column: a score, PASS/FAIL, PENDING, or None when not entered yet."""

_NUMBER = re.compile(r"\d+(\.\d+)?")
_TENTH = Decimal("0.1")
MAX_SCORE = Decimal(10)


class InvalidValue(DomainError):
    """An entered value breaks the rules; ``params['field']`` names where it was entered."""


def is_mark(value: object, mark: str) -> bool:
    """``value == mark`` without comparing a Decimal with a text (slow: Decimal consults the number ABCs)."""
    return isinstance(value, str) and value == mark


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def parse_score(value: object, field: str, *, integer: bool = False) -> Decimal:
    """A score 0–10 with at most one decimal ("8,5", "8.5", 8.5 are the same); whole if ``integer``."""
    number = _as_decimal(value, field)
    if not 0 <= number <= MAX_SCORE:
        raise InvalidValue("evaluation.error.score_out_of_range", field=field, value=str(value))
    if integer and number != number.to_integral_value():
        raise InvalidValue("evaluation.error.score_not_integer", field=field, value=str(value))
    if number != number.quantize(_TENTH):
        raise InvalidValue("evaluation.error.too_many_decimals", field=field, value=str(value))
    return number.quantize(_TENTH)


def _as_decimal(value: object, field: str) -> Decimal:
    if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = normalize(value).replace(",", ".")
    else:
        raise InvalidValue("evaluation.error.not_a_score", field=field, value=str(value))
    if not _NUMBER.fullmatch(text.lstrip("-")):
        raise InvalidValue("evaluation.error.not_a_score", field=field, value=str(value))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidValue("evaluation.error.not_a_score", field=field, value=str(value)) from None


def parse_mark(value: object, field: str) -> str:
    """Đ (Đạt) or CĐ (Chưa đạt), as written in the gradebook."""
    text = normalize(value).upper() if isinstance(value, str) else None
    if text not in (PASS, FAIL):
        raise InvalidValue("evaluation.error.bad_mark", field=field, value=str(value))
    return text


def parse_entry(value: object, field: str, *, comment: bool, integer: bool = False) -> Entry:
    """One gradebook column: None (not entered), "v" (pending make-up), a mark or a score."""
    if value is None:
        return None
    if isinstance(value, str) and normalize(value).lower() == PENDING:
        return PENDING
    if comment:
        return parse_mark(value, field)
    return parse_score(value, field, integer=integer)


def parse_level(value: object, allowed: Sequence[str], field: str) -> str:
    """One of the labels the circular allows here (e.g. Tốt/Khá/Đạt/Chưa đạt)."""
    if isinstance(value, str):
        text = normalize(value)
        for label in allowed:
            if text.casefold() == label.casefold():
                return label
    raise InvalidValue(
        "evaluation.error.bad_level", field=field, value=str(value), allowed=", ".join(allowed)
    )


def tenths(score: Decimal) -> int:
    return int(score * 10)


def rounded_mean(weighted_tenths: int, weight: int) -> Decimal:
    """``weighted_tenths / weight`` tenths, rounded half up to one decimal with integer arithmetic only."""
    whole_tenths = (2 * weighted_tenths + weight) // (2 * weight)
    return Decimal(whole_tenths).scaleb(-1)


def mean(scores: Sequence[Decimal]) -> Decimal:
    return rounded_mean(sum(tenths(s) for s in scores), len(scores))
