"""The administrator imports class lists as the school keeps them. A file with any error changes
nothing and the report names every bad row and column; the same file twice changes nothing; an
updated file reports what changed and keeps the history of classes."""

import unicodedata
from datetime import date

import pytest
from sqlalchemy import select

from domain.importing import ImportRejected
from domain.roster import ROSTER_COLUMNS, import_roster
from storage.models import EnrolmentRow, GuardianLinkRow, GuardianRow, StudentRow
from storage.tabular import read_table
from storage.uow import UnitOfWork
from tests.storage.helpers import (
    HEADERS,
    ROWS,
    YEAR,
    class_list_names,
    count,
    csv_text,
    set_up_school,
    windows_1258,
    write_csv,
    write_xlsx,
)

TODAY = date(2025, 10, 14)


async def run_import(database, path, create_classes=False):
    async with UnitOfWork(database) as uow:
        plan = await import_roster(uow.roster, YEAR, read_table(path, ROSTER_COLUMNS), TODAY, create_classes)
        await uow.commit()
    return plan


async def rejected_problems(database, path) -> list:
    before = await count(database, StudentRow)
    with pytest.raises(ImportRejected) as rejected:
        await run_import(database, path)
    assert await count(database, StudentRow) == before, "a rejected file must change nothing"
    return rejected.value.problems


async def test_a_class_list_is_imported_and_listed_in_vietnamese_order(database, tmp_path):
    await set_up_school(database)
    plan = await run_import(database, write_csv(tmp_path / "lop6.csv", ROWS))
    assert len(plan.new_students) == 4
    assert await class_list_names(database, "6A") == ["Lê Minh Anh", "Trần Thị Ánh", "Nguyễn Văn Bình"]
    assert await class_list_names(database, "6B") == ["Phạm Thu Ân"]


async def test_importing_the_same_file_again_changes_nothing(database, tmp_path):
    await set_up_school(database)
    path = write_xlsx(tmp_path / "lop6.xlsx", ROWS, title="DANH SÁCH HỌC SINH NĂM HỌC 2025-2026")
    await run_import(database, path)
    again = await run_import(database, path)
    assert not again.changes_anything and again.unchanged == 4
    assert await count(database, EnrolmentRow) == 4


async def test_an_updated_file_reports_changes_and_keeps_class_history(database, tmp_path):
    await set_up_school(database)
    await run_import(database, write_csv(tmp_path / "v1.csv", ROWS))
    updated = [row[:] for row in ROWS]
    updated[0][2] = "Nguyễn Văn Bính"  # a corrected name
    updated[1][5] = "6B"  # moved from 6A to 6B
    updated.append([5, "HS005", "Đỗ Thị Yến", "09/09/2014", "Nữ", "6B", "Kinh", "", "", ""])
    plan = await run_import(database, write_csv(tmp_path / "v2.csv", updated))
    assert [entry.code for entry in plan.new_students] == ["HS005"]
    assert [(c.code, c.field, c.old, c.new) for c in plan.changes] == [
        ("HS001", "full_name", "Nguyễn Văn Bình", "Nguyễn Văn Bính")
    ]
    assert [(entry.code, old) for entry, old in plan.moves] == [("HS002", "6A")]
    assert await class_list_names(database, "6B") == ["Trần Thị Ánh", "Phạm Thu Ân", "Đỗ Thị Yến"]
    async with database.session(read_only=True) as session:
        history = (
            await session.execute(
                select(EnrolmentRow.date_in, EnrolmentRow.date_out, EnrolmentRow.reason_out)
                .join(StudentRow, StudentRow.id == EnrolmentRow.student_id)
                .where(StudentRow.code == "HS002")
                .order_by(EnrolmentRow.id)
            )
        ).all()
    assert [tuple(row) for row in history] == [(date(2025, 9, 5), TODAY, "class-change"), (TODAY, None, None)]


async def test_siblings_share_their_parents(database, tmp_path):
    await set_up_school(database)
    sibling = [
        5,
        "HS005",
        "Nguyễn Thị Cúc",
        "02/02/2013",
        "Nữ",
        "6B",
        "Kinh",
        "Nguyễn Văn Hùng",
        "Lê Thị Hoa",
        "0912345678",
    ]
    await run_import(database, write_csv(tmp_path / "lop.csv", [*ROWS, sibling]))
    async with database.session(read_only=True) as session:
        father = await session.scalar(select(GuardianRow).where(GuardianRow.full_name == "Nguyễn Văn Hùng"))
        children = await session.scalars(
            select(GuardianLinkRow).where(GuardianLinkRow.guardian_id == father.id)
        )
        assert len(children.all()) == 2


async def test_wrong_dates_are_reported_by_row_and_column(database, tmp_path):
    await set_up_school(database)
    rows = [row[:] for row in ROWS]
    rows[0][3] = "31/02/2014"
    rows[2][3] = "2014/12/01"
    rows[3][3] = "12-25-2014"
    problems = await rejected_problems(database, write_csv(tmp_path / "dates.csv", rows))
    assert [(p.key, p.line, p.column) for p in problems] == [
        ("import.error.bad_date", 2, "Ngày sinh"),
        ("import.error.bad_date", 4, "Ngày sinh"),
        ("import.error.bad_date", 5, "Ngày sinh"),
    ]


async def test_duplicate_codes_name_both_rows(database, tmp_path):
    await set_up_school(database)
    rows = [row[:] for row in ROWS]
    rows[3][1] = "HS001"
    problems = await rejected_problems(database, write_csv(tmp_path / "dup.csv", rows))
    assert {(p.key, p.line) for p in problems} == {
        ("import.error.duplicate_code", 2),
        ("import.error.duplicate_code", 5),
    }


async def test_missing_columns_are_named(database, tmp_path):
    await set_up_school(database)
    headers = [h for h in HEADERS if h != "Ngày sinh"]
    rows = [[cell for i, cell in enumerate(row) if HEADERS[i] != "Ngày sinh"] for row in ROWS]
    problems = await rejected_problems(database, write_csv(tmp_path / "cols.csv", rows, headers))
    assert [(p.key, p.column) for p in problems] == [("import.error.missing_column", "Ngày sinh")]


async def test_merged_header_cells_are_refused_with_their_address(database, tmp_path):
    await set_up_school(database)
    path = write_xlsx(tmp_path / "merged.xlsx", ROWS, merge="H1:I1")
    problems = await rejected_problems(database, path)
    assert [(p.key, p.params["value"]) for p in problems] == [("import.error.merged_header", "H1:I1")]


async def test_an_unknown_class_and_an_empty_name_are_reported_together(database, tmp_path):
    await set_up_school(database)
    rows = [row[:] for row in ROWS]
    rows[1][5] = "6E"
    rows[2][2] = ""
    rows[3][3] = "31/02/2014"
    problems = await rejected_problems(database, write_csv(tmp_path / "bad.csv", rows))
    assert [(p.key, p.line, p.column) for p in problems] == [
        ("import.error.unknown_class", 3, "Lớp"),
        ("import.error.empty", 4, "Họ và tên"),
        ("import.error.bad_date", 5, "Ngày sinh"),
    ]
    rows[2][2], rows[3][3] = "Lê Minh Anh", "28/02/2014"
    plan = await run_import(database, write_csv(tmp_path / "good.csv", rows), create_classes=True)
    assert plan.new_classes == ["6E"]


async def test_csv_with_a_bom_and_semicolons_reads_vietnamese_exactly(database, tmp_path):
    await set_up_school(database)
    await run_import(database, write_csv(tmp_path / "bom.csv", ROWS, encoding="utf-8-sig", delimiter=";"))
    assert await class_list_names(database, "6B") == ["Phạm Thu Ân"]


async def test_csv_in_windows_1258_reads_vietnamese_exactly(database, tmp_path):
    await set_up_school(database)
    path = tmp_path / "cp1258.csv"
    path.write_bytes(windows_1258(csv_text(ROWS)))
    await run_import(database, path)
    assert await class_list_names(database, "6A") == ["Lê Minh Anh", "Trần Thị Ánh", "Nguyễn Văn Bình"]


async def test_a_bad_windows_1258_file_is_reported_in_readable_vietnamese(database, tmp_path):
    await set_up_school(database)
    rows = [row[:] for row in ROWS]
    rows[0][4] = "Không rõ"
    path = tmp_path / "bad1258.csv"
    path.write_bytes(windows_1258(csv_text(rows)))
    problems = await rejected_problems(database, path)
    assert [(p.key, p.column, p.params["value"]) for p in problems] == [
        ("import.error.bad_gender", "Giới tính", "Không rõ")
    ]


async def test_real_spreadsheet_dates_and_headers_without_diacritics(database, tmp_path):
    await set_up_school(database)
    headers = ["Ma hoc sinh", "Ho va ten", "Ngay sinh", "Lop", "Gioi tinh"]
    rows = [["HS010", "nguyễn  văn   tú", date(2014, 5, 1), "6a", "nam"]]
    await run_import(database, write_xlsx(tmp_path / "plain.xlsx", rows, headers))
    async with database.session(read_only=True) as session:
        student = await session.scalar(select(StudentRow).where(StudentRow.code == "HS010"))
    assert (student.full_name, student.date_of_birth, student.gender) == (
        "Nguyễn Văn Tú",
        date(2014, 5, 1),
        "male",
    )


async def test_invisible_characters_never_reach_the_database(database, tmp_path):
    await set_up_school(database)
    rows = [list(row) for row in ROWS]
    rows[0][2] = "Nguyễn\u200b Văn\u202e Bình\ufeff"
    rows[1][8] = "\u2066Phạm Thị Lan\u2069"
    await run_import(database, write_csv(tmp_path / "6A.csv", rows))
    assert "Nguyễn Văn Bình" in await class_list_names(database, "6A")
    async with database.session(read_only=True) as session:
        names = list(await session.scalars(select(StudentRow.full_name))) + list(
            await session.scalars(select(GuardianRow.full_name))
        )
    assert "Phạm Thị Lan" in names
    assert not [name for name in names if any(unicodedata.category(ch) == "Cf" for ch in name)]


async def test_place_of_birth_and_register_number_are_kept_and_a_file_without_them_keeps_them(
    database, tmp_path
):
    await set_up_school(database)
    headers = [*HEADERS, "Nơi sinh", "Số đăng bộ"]
    rows = [
        [*row, f"Xã Ea Tu, TP. Buôn Ma Thuột, Đắk Lắk {n}", f"{n:03d}/2025"] for n, row in enumerate(ROWS, 1)
    ]
    await run_import(database, write_csv(tmp_path / "full.csv", rows, headers))
    rows[0][-1] = "099/2025"  # the register number corrected
    plan = await run_import(database, write_csv(tmp_path / "fixed.csv", rows, headers))
    assert [(c.code, c.field, c.old, c.new) for c in plan.changes] == [
        ("HS001", "register_number", "001/2025", "099/2025")
    ]
    again = await run_import(database, write_csv(tmp_path / "plain.csv", ROWS))  # no such columns
    assert not again.changes_anything
    async with database.session(read_only=True) as session:
        found = await session.execute(
            select(StudentRow.code, StudentRow.place_of_birth, StudentRow.register_number).order_by(
                StudentRow.code
            )
        )
        assert found.all()[0] == ("HS001", "Xã Ea Tu, TP. Buôn Ma Thuột, Đắk Lắk 1", "099/2025")


async def test_a_register_number_too_long_is_named_with_its_limit(database, tmp_path):
    await set_up_school(database)
    rows = [[*row, "SĐB-" + "9" * 40] for row in ROWS]
    problems = await rejected_problems(
        database, write_csv(tmp_path / "long.csv", rows, [*HEADERS, "Số đăng bộ"])
    )
    assert {(p.key, p.column, p.params["limit"]) for p in problems} == {
        ("import.error.too_long", "Số đăng bộ", 30)
    }
    assert len(problems) == len(ROWS)
