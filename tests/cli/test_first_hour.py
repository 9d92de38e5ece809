"""The administrator's first hour: a real school set up at the command line, then `make run`."""

import argparse
import asyncio
import re
import sqlite3
import time
from pathlib import Path

import pytest

from storage.db import Database
from storage.uow import UnitOfWork
from tests.cli.test_admin_commands import sodiem
from tests.storage.helpers import ROWS, write_csv

ROOT = Path(__file__).resolve().parent.parent.parent


def school_name(url: str) -> str | None:
    async def read() -> str | None:
        database = Database(url)
        try:
            async with UnitOfWork(database, read_only=True) as uow:
                school = await uow.school.school()
                return school.name if school else None
        finally:
            await database.dispose()

    return asyncio.run(read())


@pytest.fixture
def real_school(empty_database_url, tmp_path) -> str:
    url = empty_database_url
    assert sodiem("--database", url, "db", "upgrade", cwd=tmp_path).returncode == 0
    init = ("school", "init", "--name", "Trường THCS Lê Lợi", "--level", "secondary", "--year", "2025-2026")
    done = sodiem("--database", url, *init, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return url


def test_make_run_keeps_a_real_school_and_adds_no_demo(real_school, tmp_path):
    recipe = (ROOT / "Makefile").read_text()
    assert "sodiem demo --if-empty && $(BIN)/sodiem run" in recipe
    kept = sodiem("--database", real_school, "demo", "--if-empty", cwd=tmp_path)
    assert kept.returncode == 0, kept.stderr
    assert "giữ nguyên, không thêm trường mẫu" in kept.stdout
    assert school_name(real_school) == "Trường THCS Lê Lợi"
    listing = sodiem("--database", real_school, "students", "--class", "6A", cwd=tmp_path)
    assert "Nguyễn Du" not in listing.stdout + listing.stderr


def test_the_demo_command_refuses_a_database_holding_a_school(real_school, tmp_path):
    refused = sodiem("--database", real_school, "demo", cwd=tmp_path)
    assert refused.returncode == 1
    assert "đang chứa trường Trường THCS Lê Lợi" in refused.stderr and "sandbox" in refused.stderr
    assert school_name(real_school) == "Trường THCS Lê Lợi"


def test_make_run_puts_the_demo_into_an_empty_database(empty_database_url, tmp_path):
    assert sodiem("--database", empty_database_url, "db", "upgrade", cwd=tmp_path).returncode == 0
    made = sodiem("--database", empty_database_url, "demo", "--if-empty", cwd=tmp_path)
    assert made.returncode == 0 and "Đã tạo trường mẫu" in made.stdout
    again = sodiem("--database", empty_database_url, "demo", "--if-empty", cwd=tmp_path)
    assert again.returncode == 0 and "không thay đổi gì" in again.stdout


def test_a_busy_sqlite_database_says_so_and_to_try_again(tmp_path, monkeypatch):
    assert sodiem("db", "upgrade", cwd=tmp_path).returncode == 0
    init = ("school", "init", "--name", "Trường THCS Lê Lợi", "--level", "secondary", "--year", "2025-2026")
    assert sodiem(*init, cwd=tmp_path).returncode == 0
    monkeypatch.setenv("SODIEM_SQLITE_BUSY_SECONDS", "0.2")
    other_writer = sqlite3.connect(tmp_path / "sodiem.db", isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        done = sodiem("classes", "add", "6A", cwd=tmp_path)
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert done.returncode == 1
    assert "Cơ sở dữ liệu đang bận, thử lại sau" in done.stderr
    assert "SODIEM_DATABASE_URL" not in done.stderr
    assert sodiem("classes", "add", "6A", cwd=tmp_path).returncode == 0


@pytest.fixture
def lê_lợi(tmp_path) -> Path:
    assert sodiem("db", "upgrade", cwd=tmp_path).returncode == 0
    init = ("school", "init", "--name", "Trường THCS Lê Lợi", "--level", "secondary", "--year", "2025-2026")
    assert sodiem(*init, cwd=tmp_path).returncode == 0
    return tmp_path


def test_a_dry_run_says_what_would_be_imported(lê_lợi):
    path = write_csv(lê_lợi / "lop.csv", ROWS)
    dry = sodiem("import", "roster", str(path), "--create-classes", "--dry-run", cwd=lê_lợi)
    assert dry.returncode == 0, dry.stderr
    assert "Sẽ nhập: 4 học sinh mới" in dry.stdout and "Đã nhập" not in dry.stdout
    done = sodiem("import", "roster", str(path), "--create-classes", cwd=lê_lợi)
    assert "Đã nhập: 4 học sinh mới" in done.stdout


def test_every_problem_of_a_class_list_is_reported_in_one_run(lê_lợi):
    assert sodiem("classes", "add", "6A", cwd=lê_lợi).returncode == 0
    rows = [row[:] for row in ROWS]
    rows[0][3] = "31/02/2014"  # no such day
    rows[1][2] = ""  # no name
    rows[2][9] = "12345"  # not a phone number
    rows[3][5] = "6B"  # a class the school has not added
    rows[3][1] = "HS001"  # the first row's code again
    done = sodiem("import", "roster", str(write_csv(lê_lợi / "lop.csv", rows)), cwd=lê_lợi)
    assert done.returncode == 2
    assert "Tệp có 6 lỗi" in done.stderr
    reported = [line for line in done.stderr.splitlines() if line.startswith("  - Dòng")]
    assert [line.split(",")[0] for line in reported] == [
        "  - Dòng 2",
        "  - Dòng 2",
        "  - Dòng 3",
        "  - Dòng 4",
        "  - Dòng 5",
        "  - Dòng 5",
    ]


def test_staff_add_with_an_unknown_class_speaks_of_the_command(lê_lợi):
    assert sodiem("classes", "add", "6A", cwd=lê_lợi).returncode == 0
    done = sodiem(
        "staff", "add", "--name", "Lê Văn Tám", "--role", "teacher", "--teaches", "6D:Toán", cwd=lê_lợi
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "--teaches: lớp «6D» không có trong năm học; thêm lớp bằng «sodiem classes add 6D» "
        "rồi chạy lại lệnh này."
    )


def test_classes_add_says_what_it_skipped_and_lists_classes_in_natural_order(real_school, tmp_path):
    def run(*words: str):
        return sodiem("--database", real_school, *words, cwd=tmp_path)

    typed = ["6A", "6a", "10A", "6/1", "Sáu", "9D", "6B2", "6B10"]
    done = run("classes", "add", *typed)
    assert done.returncode == 2
    assert done.stdout.strip() == "Đã thêm 5 lớp: 6/1, 6A, 6B2, 6B10, 9D"
    assert done.stderr.splitlines() == [
        "Bỏ qua «6a»: trùng với lớp 6A đã gõ trước đó trong lệnh.",
        "Bỏ qua «10A»: trường dạy khối 6–9, không có khối 10. "
        "Trường liên cấp đặt khối bằng «sodiem school set --grades 6-12».",
        "Bỏ qua «Sáu»: không phải tên lớp; tên lớp bắt đầu bằng khối, ví dụ 6A, 6A1 hoặc 6/1.",
    ]
    again = run("classes", "add", "6a")
    assert again.returncode == 0 and "Bỏ qua «6a»: năm học đã có lớp 6A." in again.stderr
    assert "Trường dạy khối 6–12." in run("school", "set", "--grades", "6-12").stdout
    assert run("classes", "add", "10A").returncode == 0
    listed = [line.split()[-1] for line in run("classes", "list").stdout.splitlines()[2:]]
    assert listed == ["6/1", "6A", "6B2", "6B10", "9D", "10A"]


def test_a_class_list_cannot_create_a_grade_the_school_does_not_teach(real_school, tmp_path):
    rows = [row[:] for row in ROWS]
    rows[3][5] = "10A"
    path = write_csv(tmp_path / "lop.csv", rows)
    done = sodiem("--database", real_school, "import", "roster", str(path), "--create-classes", cwd=tmp_path)
    assert done.returncode == 2
    assert "Dòng 5, cột «Lớp»: lớp «10A» thuộc khối trường không dạy (trường dạy khối 6–9)" in done.stderr


def test_a_class_change_at_night_is_dated_with_the_schools_date_on_a_utc_server(
    real_school, tmp_path, monkeypatch
):
    from datetime import UTC, date, datetime

    from sqlalchemy import select

    from cli import output
    from cli.main import main
    from storage.models import EnrolmentRow, StudentRow

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.chdir(tmp_path)
    assert sodiem("--database", real_school, "classes", "add", "6A", "6B", cwd=tmp_path).returncode == 0
    first = write_csv(tmp_path / "lop.csv", ROWS)
    assert sodiem("--database", real_school, "import", "roster", str(first), cwd=tmp_path).returncode == 0
    rows = [row[:] for row in ROWS]
    rows[3][5] = "6A"  # Phạm Thu Ân moves from 6B to 6A
    night = datetime(2025, 12, 4, 18, 39, tzinfo=UTC)  # 01:39 on 05/12 in Vietnam
    monkeypatch.setattr(output, "utc_now", lambda: night)
    monkeypatch.setattr(argparse, "_", argparse._)  # main() translates argparse's words: undone after
    with pytest.raises(SystemExit) as ended:
        main(["--database", real_school, "import", "roster", str(write_csv(tmp_path / "moved.csv", rows))])
    assert ended.value.code == 0

    async def spans() -> list[tuple]:
        database = Database(real_school)
        try:
            async with database.session() as session:
                query = (
                    select(EnrolmentRow.date_in, EnrolmentRow.date_out)
                    .join(StudentRow, StudentRow.id == EnrolmentRow.student_id)
                    .where(StudentRow.code == "HS004")
                    .order_by(EnrolmentRow.date_in)
                )
                return [tuple(row) for row in await session.execute(query)]
        finally:
            await database.dispose()

    (_, left), (joined, _) = asyncio.run(spans())
    assert joined == date(2025, 12, 5)
    assert left in (date(2025, 12, 4), date(2025, 12, 5))


def test_invite_staff_without_a_bot_name_prints_the_code_and_how_to_name_the_bot(lê_lợi, monkeypatch):
    added = sodiem("staff", "add", "--name", "Võ Thị Hằng", "--role", "vice-principal", cwd=lê_lợi)
    assert added.returncode == 0, added.stderr
    for setting in ("SODIEM_TELEGRAM_BOT_USERNAME", "SODIEM_TELEGRAM_TOKEN"):
        monkeypatch.delenv(setting, raising=False)
    unnamed = sodiem("invite", "--staff", "CB001", cwd=lê_lợi)
    assert unnamed.returncode == 0, unnamed.stderr
    assert "t.me" not in unnamed.stdout and "<bot>" not in unnamed.stdout
    assert "SODIEM_TELEGRAM_BOT_USERNAME=" in unnamed.stdout and "gửi mã" in unnamed.stdout
    monkeypatch.setenv("SODIEM_TELEGRAM_BOT_USERNAME", "@truong_le_loi_bot")
    named = sodiem("invite", "--staff", "CB001", cwd=lê_lợi)
    assert re.fullmatch(r"https://t\.me/truong_le_loi_bot\?start=\w{10}", named.stdout.splitlines()[-1])
