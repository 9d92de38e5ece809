"""Files an attacker, or a careless export, hands the importer: refused early, with a message, and
without reading them whole."""

import tracemalloc

import pytest
from openpyxl import Workbook

from bench.spreadsheet_bomb import bomb
from domain.importing import ImportRejected
from domain.roster import ROSTER_COLUMNS
from storage.tabular import MAX_ROWS, read_table
from tests.storage.helpers import HEADERS, ROWS, write_csv, write_xlsx


def rejected_keys(path) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        read_table(path, ROSTER_COLUMNS)
    return [problem.key for problem in rejected.value.problems]


def test_a_small_xlsx_that_unpacks_to_millions_of_cells_is_refused_before_it_is_read(tmp_path):
    path = bomb(tmp_path / "danh-sach.xlsx")
    assert path.stat().st_size < 1024 * 1024
    tracemalloc.start()
    try:
        keys = rejected_keys(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert keys == ["import.error.too_big_unpacked"]
    assert peak < 5 * 1024 * 1024


def test_a_sheet_with_more_rows_than_a_school_has_is_refused(tmp_path):
    rows = [[n, f"HS{n:05d}", "Lê Văn An", "01/01/2014", "Nam", "6A"] for n in range(MAX_ROWS + 1)]
    assert rejected_keys(write_csv(tmp_path / "lop.csv", rows, HEADERS[:6])) == ["import.error.too_many_rows"]


def test_the_header_must_come_in_the_first_rows_and_reading_stops_there(tmp_path):
    title = [["Danh sách học sinh"]] + [[""]] * 5 + [["ghi chú"]] * 14
    book = Workbook()
    for row in title + [HEADERS] + ROWS:
        book.active.append(row)
    book.save(tmp_path / "lop.xlsx")
    assert rejected_keys(tmp_path / "lop.xlsx") == ["import.error.no_header"]


def test_a_file_larger_than_the_limit_is_refused_by_its_size(tmp_path):
    path = tmp_path / "lop.csv"
    with path.open("w") as handle:
        handle.write(",".join(HEADERS) + "\n")
        handle.write(("x" * 1023 + "\n") * 11 * 1024)
    assert rejected_keys(path) == ["import.error.too_big"]


def test_a_real_class_list_still_reads_with_its_merged_title(tmp_path):
    path = write_xlsx(tmp_path / "lop.xlsx", ROWS)
    table = read_table(path, ROSTER_COLUMNS)
    assert [row[1][1] for row in table.rows] == [row[1] for row in ROWS]
