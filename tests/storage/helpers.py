"""Small builders for the storage tests: a set-up school and roster files as schools send them."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import func, select

from domain.school import Level, School
from domain.setup import init_school
from storage.db import Database
from storage.uow import UnitOfWork

YEAR = "2025-2026"
HEADERS = [
    "STT",
    "Mã học sinh",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Lớp",
    "Dân tộc",
    "Họ tên cha",
    "Họ tên mẹ",
    "Số điện thoại phụ huynh",
]
ROWS = [
    [
        1,
        "HS001",
        "Nguyễn Văn Bình",
        "05/09/2014",
        "Nam",
        "6A",
        "Kinh",
        "Nguyễn Văn Hùng",
        "Lê Thị Hoa",
        "0912345678",
    ],
    [
        2,
        "HS002",
        "Trần Thị Ánh",
        "17/03/2014",
        "Nữ",
        "6A",
        "Kinh",
        "Trần Văn Nam",
        "Phạm Thị Lan",
        "0987654321",
    ],
    [3, "HS003", "Lê Minh Anh", "01/12/2014", "Nam", "6A", "Tày", "", "Lê Thị Mai", "0905111222"],
    [4, "HS004", "Phạm Thu Ân", "28/02/2014", "Nữ", "6B", "Kinh", "Phạm Văn Đức", "", "0933444555"],
]


async def set_up_school(database: Database, classes: tuple[str, ...] = ("6A", "6B")) -> None:
    async with UnitOfWork(database) as uow:
        await init_school(uow.school, School("Trường THCS Thử", Level.SECONDARY), YEAR)
        await uow.school.add_classes(list(classes), YEAR)
        await uow.commit()


def write_csv(
    path: Path, rows: list[list], headers: list[str] = HEADERS, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: list[list],
    headers: list[str] = HEADERS,
    title: str | None = None,
    merge: str | None = None,
) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


async def count(database: Database, model) -> int:
    async with database.session(read_only=True) as session:
        return await session.scalar(select(func.count()).select_from(model))


async def class_list_names(database: Database, class_name: str, year: str = YEAR) -> list[str]:
    async with UnitOfWork(database, read_only=True) as uow:
        return [entry.full_name for entry in await uow.roster.class_list(class_name, year)]


LETTER_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: part of the letter in cp1258


def windows_1258(text: str) -> bytes:
    """Text as Vietnamese Windows-1258 stores it: letters â ă ơ … whole, tone marks apart."""
    import unicodedata

    out: list[str] = []
    base = -1  # where the last letter stands: a dot below may come between it and its circumflex
    for char in unicodedata.normalize("NFD", text):
        if char in LETTER_MARKS and base >= 0:
            out[base] = unicodedata.normalize("NFC", out[base] + char)
        else:
            if not unicodedata.combining(char):
                base = len(out)
            out.append(char)
    return "".join(out).encode("cp1258")


def csv_text(rows: list[list], headers: list[str] = HEADERS) -> str:
    return "\r\n".join(",".join(str(c) for c in row) for row in [headers, *rows]) + "\r\n"
