"""What every spreadsheet import shares: matching Vietnamese headers (with or without diacritics,
in any order), reading cells, and collecting every problem before anything is written."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.text import visible_text

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Table:
    """Rows as read from a file: the header cells and, per data row, its line number in the file."""

    headers: Sequence[str]
    rows: Sequence[tuple[int, Sequence[Cell]]]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (line, column header) and what (a catalog key)."""

    key: str
    line: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def in_file_order(problems: list[Problem]) -> list[Problem]:
    """Problems of the whole file first, then row by row as the file reads."""
    return sorted(problems, key=lambda problem: problem.line or 0)


def fold(text: str) -> str:
    """Lower case without diacritics or punctuation: 'Họ và tên' → 'ho va ten'."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]
    required: bool = False


def match_headers(headers: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[Problem]]:
    """Which position holds which field; problems for missing required and repeated columns."""
    by_alias = {fold(alias): column for column in columns for alias in column.aliases}
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for position, header in enumerate(headers):
        column = by_alias.get(fold(header or ""))
        if column is None:
            continue
        if column.field in positions:
            problems.append(Problem("import.error.repeated_column", column=str(header)))
        positions[column.field] = position
    for column in columns:
        if column.required and column.field not in positions:
            problems.append(Problem("import.error.missing_column", column=column.aliases[0]))
    return positions, problems


def read_rows(table: Table, columns: Sequence[Column], read_row) -> tuple[list, list[Problem]]:
    """Every row through ``read_row(line, values)`` → (entry or None, problems); blank rows (or rows with
    only a row number) skipped. Problems of the header come alone: the rows cannot be read without it.
    A row may give an entry and problems: what could be read, for the checks across rows."""
    positions, problems = match_headers(table.headers, columns)
    if problems:
        return [], problems
    entries = []
    for line, cells in table.rows:
        values = {name: cells[pos] if pos < len(cells) else None for name, pos in positions.items()}
        if not any(text(value) for name, value in values.items() if name != "row_number"):
            continue
        entry, row_problems = read_row(line, values)
        problems.extend(row_problems)
        if entry:
            entries.append(entry)
    if not entries and not problems:
        problems.append(Problem("import.error.no_rows"))
    return entries, problems


def is_header_row(cells: Sequence[Cell], columns: Sequence[Column]) -> bool:
    """A row is the header when it names at least two of the required columns."""
    wanted = {fold(alias) for column in columns if column.required for alias in column.aliases}
    return sum(1 for cell in cells if isinstance(cell, str) and fold(cell) in wanted) >= 2


def text(cell: Cell) -> str:
    """A cell as clean text (NFC, nothing invisible, single spaces); whole numbers lose their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(visible_text(str(cell)).split())


DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(cell: Cell) -> date | None:
    """dd/mm/yyyy (or with - or .), ISO yyyy-mm-dd, or a real spreadsheet date; None if not a date."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    raw = text(cell)
    try:
        if match := DATE_TEXT.match(raw):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := ISO_DATE.match(raw):
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


def parse_phone(cell: Cell) -> str | None:
    """A Vietnamese phone number as 10 digits starting with 0 ('+84 912 345 678' → '0912345678');
    '' when empty, None when it is not a phone number."""
    raw = re.sub(r"[\s.\-()]", "", text(cell))
    if not raw:
        return ""
    if raw.startswith("+84"):
        raw = "0" + raw[3:]
    elif raw.startswith("84") and len(raw) == 11:
        raw = "0" + raw[2:]
    elif len(raw) == 9 and raw.isdigit():  # a spreadsheet dropped the leading zero
        raw = "0" + raw
    if len(raw) == 10 and raw.isdigit() and raw.startswith("0"):
        return raw
    return None


def split_list(cell: Cell) -> list[str]:
    """'Hiệu trưởng, GVCN; Toán' → ['Hiệu trưởng', 'GVCN', 'Toán']."""
    return [part.strip() for part in re.split(r"[,;\n]", text(cell)) if part.strip()]
