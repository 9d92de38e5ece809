"""The DBF opened by the readers a district office has: LibreOffice Calc, headless, converting it to CSV
with the character set named (docs/export-formats.md), and dbfread, which must be told the encoding:
no language-driver byte means UTF-8 to either reader, so a reader not told fails loudly, never
showing wrong letters in silence."""

from __future__ import annotations

import csv
import shutil
import subprocess

import dbfread
import pytest

from exports.dbf_file import write_dbf
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS

SOFFICE = shutil.which("soffice")
UTF8 = "76"  # LibreOffice's number for UTF-8 (rtl_TextEncoding), in the filter options


async def _dbf(database, tmp_path):
    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book(CLASS)
    path = tmp_path / "6A-HK1.dbf"
    write_dbf(book, 1, path)
    return book, path


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make install installs it as root)")
async def test_libreoffice_headless_converts_the_dbf_to_csv_with_every_vietnamese_letter(filled, tmp_path):
    book, path = await _dbf(filled, tmp_path)
    command = [
        SOFFICE,
        f"-env:UserInstallation=file://{tmp_path}/profile",
        "--headless",
        f"--infilter=dBase:{UTF8}",
        "--convert-to",
        f"csv:Text - txt - csv (StarCalc):44,34,{UTF8}",
        "--outdir",
        str(tmp_path / "csv"),
        str(path),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    with (tmp_path / "csv" / "6A-HK1.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    columns = [name.split(",")[0] for name in header]  # LibreOffice heads a column "HOTEN,C,120"
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    assert len(records) == len(book.students) * len(book.subjects)
    assert [r["HOTEN"] for r in records[:: len(book.subjects)]] == [s.full_name for s in book.students]
    assert {r["TENMON"] for r in records} == {subject.name for _, subject in book.subjects}
    assert {r["GVBM"] for r in records} == set(book.teachers.values())


async def test_dbfread_told_utf_8_reads_it_and_not_told_refuses_instead_of_showing_wrong_letters(
    filled, tmp_path
):
    book, path = await _dbf(filled, tmp_path)
    names = {record["HOTEN"] for record in dbfread.DBF(str(path), encoding="utf-8")}
    assert names == {s.full_name for s in book.students}
    with pytest.raises(UnicodeDecodeError):
        list(dbfread.DBF(str(path)))
