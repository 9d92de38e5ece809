"""How the primary papers (TT27/2020) write a pupil's values: test scores as whole numbers, the year's
result and award as the approved lists fixed them (else the engine's), the completion of the programme."""

from __future__ import annotations

from decimal import Decimal

from domain.evaluation.model import NOT_COMPLETED, PROMOTED
from domain.report_card import ClassBook
from domain.year_end import Stage
from exports.values import shown
from locales import Translator


def whole(value: object, t: Translator) -> str:
    """A TT27 test score as a whole number ("8", never "8,0"); anything else as ``shown``."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return shown(value, t)


def year_outcome(book: ClassBook, student_id: int, result) -> tuple[str, str]:
    """(education result, award) of the year: the approved year-end list's, else the engine's."""
    line = book.lists.get(Stage.YEAR, {}).get(student_id)
    if line is not None:
        return line.learning or "", line.award or ""
    if result is None:
        return "", ""
    return result.learning.get("year") or "", result.award or ""


def completion_text(promotion: str | None, t: Translator) -> str:
    """The programme completed (or not) from the engine's promotion; nothing while it is pending."""
    if promotion == PROMOTED:
        return t("exports.primary.completed.yes")
    if promotion == NOT_COMPLETED:
        return t("exports.primary.completed.no")
    return ""
