"""Reading the spreadsheets schools keep: .xlsx (real dates, title rows above the header) and .csv
(UTF-8 with or without a BOM, or Windows-1258 as older Vietnamese Excel saves it; comma, semicolon
or tab). The header row is found by its names; merged header cells are refused with their address."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.etree import ElementTree

from domain.importing import Cell, Column, ImportRejected, Problem, Table, is_header_row

HEADER_SEARCH_ROWS = 15
# Limits a real school's file stays far below (a whole school's class list is under 1 MB and a few
# thousand rows); a file beyond them is refused before it is read, so a crafted file cannot take the
# server's memory or minutes of its time (docs/import-formats.md).
MAX_FILE_MB = 10
MAX_UNPACKED_MB = 40  # what an .xlsx may unpack to: its XML, all parts together
MAX_ROWS = 10_000
MAX_COLUMNS = 60
MB = 1024 * 1024


def read_table(path: Path, columns: Sequence[Column]) -> Table:
    if not path.is_file():
        raise ImportRejected([Problem("import.error.no_file", params={"value": str(path)})])
    _refuse_beyond(path.stat().st_size, MAX_FILE_MB, "import.error.too_big")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, columns)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, columns)
    raise ImportRejected([Problem("import.error.file_type", params={"value": path.suffix or path.name})])


def _refuse_beyond(size: int, limit_mb: int, key: str) -> None:
    if size > limit_mb * MB:
        shown = f"{size / MB:.1f}".replace(".", ",")
        raise ImportRejected([Problem(key, params={"size": shown, "limit": limit_mb})])


def _unreadable(error: Exception) -> ImportRejected:
    return ImportRejected([Problem("import.error.unreadable", params={"value": str(error)[:200]})])


def _find_header(rows: Sequence[tuple[int, Sequence[Cell]]], columns: Sequence[Column]) -> int:
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header_row(cells, columns):
            return index
    raise ImportRejected([Problem("import.error.no_header")])


def _kept_rows(numbered: Iterable[tuple[int, Sequence[Cell]]], columns: Sequence[Column]):
    """The rows that are not blank, stopping early: no header in the first rows, or too many rows."""
    kept: list[tuple[int, Sequence[Cell]]] = []
    data_rows = -1  # counted from the header on
    for number, cells in numbered:
        if data_rows < 0 and number > HEADER_SEARCH_ROWS:
            raise ImportRejected([Problem("import.error.no_header")])
        if not any(cell not in (None, "") for cell in cells):
            continue
        kept.append((number, cells))
        if data_rows >= 0 or is_header_row(cells, columns):
            data_rows += 1
        if data_rows > MAX_ROWS:
            raise ImportRejected([Problem("import.error.too_many_rows", params={"limit": MAX_ROWS})])
    return kept


def _read_xlsx(path: Path, columns: Sequence[Column]) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as packed:
            unpacked = sum(part.file_size for part in packed.infolist())
    except zipfile.BadZipFile as error:
        raise _unreadable(error) from error
    _refuse_beyond(unpacked, MAX_UNPACKED_MB, "import.error.too_big_unpacked")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _unreadable(error) from error
    try:
        sheet = book.worksheets[0]
        cells = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        rows = _kept_rows(
            ((number, [_cell(c) for c in row]) for number, row in enumerate(cells, start=1)), columns
        )
        sheet_path = sheet._worksheet_path  # openpyxl's read-only sheets know their part, not their merges
    finally:
        book.close()
    header_index = _find_header(rows, columns)
    header_line = rows[header_index][0]
    merged = [ref for ref, first, last in _merged_ranges(path, sheet_path) if first <= header_line <= last]
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


def _merged_ranges(path: Path, sheet_path: str) -> list[tuple[str, int, int]]:
    """(range, first row, last row) of the sheet's merged cells, read from its XML as a stream."""
    from openpyxl.utils.cell import range_boundaries

    found = []
    with zipfile.ZipFile(path) as packed, packed.open(sheet_path.lstrip("/")) as xml:
        for _, element in ElementTree.iterparse(xml):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                _, first, _, last = range_boundaries(element.get("ref"))
                found.append((element.get("ref"), first, last))
            element.clear()
    return found


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
    rows = _kept_rows(
        (
            (number, [cell.strip() for cell in cells[:MAX_COLUMNS]])
            for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1)
        ),
        columns,
    )
    header_index = _find_header(rows, columns)
    return Table(rows[header_index][1], rows[header_index + 1 :])
