"""One part of the printed gradebook (``Section``), the page widths and the signers the book's pages share;
``exports.gradebook`` puts the sections together, ``book_pages``, ``book_results`` and ``primary_book``
build them."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.units import mm

from domain.evaluation import RuleSet
from domain.report_card import ClassBook
from exports.values import fingerprint
from locales import Translator

PORTRAIT_WIDTH, LANDSCAPE_WIDTH = 186 * mm, 273 * mm
TAIL_ROWS = 3  # the last rows of a signed table, printed on the page of the signatures


@dataclass(frozen=True)
class Section:
    """One part of the book: a title, table rows (headers first), how it is laid out and signed."""

    key: str  # "cover", "students", "attendance-2025-09", "subject-TOAN", "summary"
    title: str
    rows: list[list[str]]
    header_rows: int = 1
    wide: bool = False  # landscape
    spans: list[tuple] = field(default_factory=list)  # ((col, row), (col, row)) header cells merged
    signers: list[tuple[str, str | None]] = field(default_factory=list)
    follows: bool = False  # printed on the page of the section before it
    shaded: tuple[int, ...] = ()  # columns printed on grey (the attendance's Sundays)

    @property
    def fingerprint(self) -> str:
        return fingerprint([[self.title], *self.rows])


def book_title(book: ClassBook, t: Translator) -> str:
    scheme = "tt22" if book.rules is RuleSet.TT22 else "tt27" if book.primary else "tt58"
    return t(f"exports.book.title.{scheme}")


def signers_of(book: ClassBook) -> list[tuple[str, str | None]]:
    return [("exports.sign.homeroom", book.homeroom_teacher), ("exports.sign.principal", book.principal)]
