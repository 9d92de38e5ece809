"""``sodiem transfer`` at the command line, on both databases: what the administrator types and reads."""

from pathlib import Path

import pytest

from cli.demo import create_demo_school
from storage.uow import UnitOfWork
from tests.cli.test_new_year import sodiem

YEAR = "2025-2026"


@pytest.fixture
async def school(database):
    await create_demo_school(database, YEAR)
    return database


async def first_of(database, class_name: str) -> tuple[str, str]:
    async with UnitOfWork(database, read_only=True) as uow:
        student = (await uow.roster.class_list(class_name, YEAR))[0]
    return student.code, student.full_name


async def test_moves_transfers_and_dropouts_answer_in_the_persons_language(
    school, database_url, tmp_path: Path
):
    code, name = await first_of(school, "6A")
    moved = sodiem(
        database_url,
        "transfer",
        "move",
        code,
        "--to",
        "6b",
        "--date",
        "10/11/2025",
        "--reason",
        "x",
        cwd=tmp_path,
    )
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip() == f"Đã ghi: {name} ({code}) chuyển từ lớp 6A sang lớp 6B từ ngày 10/11/2025."
    other, other_name = await first_of(school, "7A")
    english = sodiem(
        database_url,
        "--lang",
        "en",
        "transfer",
        "dropout",
        other,
        "--date",
        "02/03/2026",
        "--reason",
        "y",
        cwd=tmp_path,
    )
    assert english.stdout.strip() == (
        f"Recorded: {other_name} ({other}) dropped out of class 7A from 02/03/2026; the past records stay."
    )
    new = sodiem(
        database_url, "transfer", "in", "HS-MOI", "--class", "8A", "--date", "01/12/2025",
        "--reason", "theo gia đình", "--from", "THCS Lê Quý Đôn",
        "--name", "Lê Thị Hồng Nhung", "--born", "03/04/2012", cwd=tmp_path,
    )  # fmt: skip
    assert new.stdout.strip() == "Đã ghi: Lê Thị Hồng Nhung (HS-MOI) chuyển đến lớp 8A từ ngày 01/12/2025."
    listing = sodiem(database_url, "students", "--class", "8A", cwd=tmp_path)
    assert "Lê Thị Hồng Nhung" in listing.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["out", "KHONGCO", "--date", "01/12/2025"], "Không có học sinh mã «KHONGCO»"),
        (["out", "{code}", "--date", "31/12/2026"],
         "Ngày 31/12/2026 không thuộc năm học 2025-2026 (05/09/2025 – 31/05/2026)"),
        (["out", "{code}", "--date", "31/02/2026"],
         "«31/02/2026» không phải ngày hợp lệ; viết theo dạng dd/mm/yyyy"),
        (["move", "{code}", "--to", "6Z", "--date", "01/12/2025"], "Không có lớp «6Z» trong năm học"),
        (["move", "{code}", "--to", "6B", "--date", "05/09/2025"],
         "Ngày 05/09/2025 không hợp lệ: học sinh {code} vào lớp 6A từ ngày 05/09/2025"),
    ],
)  # fmt: skip
async def test_bad_input_is_explained_and_changes_nothing(
    school, database_url, tmp_path: Path, args, message
):
    code, _ = await first_of(school, "6A")
    done = sodiem(
        database_url, "transfer", *[a.format(code=code) for a in args], "--reason", "x", cwd=tmp_path
    )
    assert done.returncode == 1
    assert message.format(code=code) in done.stderr
    assert (await first_of(school, "6A"))[0] == code
