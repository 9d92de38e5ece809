"""A crafted class list: a real .xlsx under 1 MB whose sheet holds 3 million cells. The importer must
refuse it before reading it (storage/tabular.py's limits). Prints how long the refusal takes and the
memory it needs. Run: .venv/bin/python -m bench.spreadsheet_bomb
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

from openpyxl import Workbook

from domain.importing import ImportRejected
from domain.roster import ROSTER_COLUMNS
from storage.tabular import read_table

HEADERS = ["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp"]
CELLS = 3_000_000


def bomb(path, cells: int = CELLS):
    """A real workbook whose sheet holds ``cells`` numbers: under 1 MB on disk, a sheet of millions."""
    book = Workbook()
    book.active.append(HEADERS)
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    columns = 10
    head, tail = (
        parts["xl/worksheets/sheet1.xml"].decode().split("<sheetData>")[0],
        "</sheetData></worksheet>",
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, data)
        with target.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write((head + "<sheetData>").encode())
            row = "".join(f"<c><v>{n}</v></c>" for n in range(columns))
            for _ in range(cells // columns):
                sheet.write(f"<row>{row}</row>".encode())
            sheet.write(tail.encode())
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = bomb(Path(folder) / "danh-sach.xlsx")
        tracemalloc.start()
        started = time.perf_counter()
        try:
            read_table(path, ROSTER_COLUMNS)
            outcome = "READ (not refused!)"
        except ImportRejected as rejected:
            outcome = "refused: " + ", ".join(problem.key for problem in rejected.problems)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{CELLS:,} cells in {path.stat().st_size / 1024:.0f} KB: {outcome} "
            f"in {seconds * 1000:.1f} ms, {peak / 1024 / 1024:.1f} MB at most"
        )


if __name__ == "__main__":
    main()
