"""Reading the spreadsheets schools keep: .xlsx (real dates, title rows above the header) and .csv
(UTF-8 with or without a BOM, or Windows-1258 as older Vietnamese Excel saves it; comma, semicolon
or tab). The header row is found by its names; merged header cells are refused with their address."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from domain.importing import Cell, Column, ImportRejected, Problem, Table, is_header_row

HEADER_SEARCH_ROWS = 15


def read_table(path: Path, columns: Sequence[Column]) -> Table:
    if not path.is_file():
        raise ImportRejected([Problem("import.error.no_file", params={"value": str(path)})])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, columns)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, columns)
    raise ImportRejected([Problem("import.error.file_type", params={"value": path.suffix or path.name})])


def _find_header(rows: Sequence[tuple[int, Sequence[Cell]]], columns: Sequence[Column]) -> int:
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header_row(cells, columns):
            return index
    raise ImportRejected([Problem("import.error.no_header")])


def _read_xlsx(path: Path, columns: Sequence[Column]) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected(
            [Problem("import.error.unreadable", params={"value": str(error)[:200]})]
        ) from error
    sheet = book.worksheets[0]
    rows = [
        (number, [_cell(c) for c in cells])
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]
    header_index = _find_header(rows, columns)
    header_line = rows[header_index][0]
    merged = [str(r) for r in sheet.merged_cells.ranges if r.min_row <= header_line <= r.max_row]
    if merged:
        raise ImportRejected(
            [
                Problem(
                    "import.error.merged_header",
                    line=header_line,
                    params={"value": ", ".join(sorted(merged))},
                )
            ]
        )
    headers = [str(c) if c is not None else "" for c in rows[header_index][1]]
    return Table(headers, rows[header_index + 1 :])


def _cell(value: Cell) -> Cell:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1258", errors="replace")  # Windows-1258 writes tones as combining marks
    return unicodedata.normalize("NFC", text)


def _read_csv(path: Path, columns: Sequence[Column]) -> Table:
    text = _decode(path.read_bytes())
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [
        (number, [cell.strip() for cell in cells])
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
    ]
    header_index = _find_header(rows, columns)
    return Table(rows[header_index][1], rows[header_index + 1 :])
