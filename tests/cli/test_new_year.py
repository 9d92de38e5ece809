"""The end of the school year at the command line, on both databases: the administrator looks at the
preview of ``sodiem year new``, settles what it names, carries it out, and finds next year's class lists;
the closed year refuses entry but still exports and verifies."""

import asyncio
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from dbfread import DBF
from sqlalchemy import select

from cli.demo import create_demo_school
from cli.main import build_parser
from cli.output import Console
from domain.errors import DomainError
from domain.transfers import Change
from domain.year_end import Outcome, ReviewState
from storage.changes import Author, system_author
from storage.models import HomeroomRow, StaffRow, StudentRow, TeachingRow
from storage.uow import UnitOfWork
from tests.bot.conftest import STAFF_HEADERS
from tests.cli.command import sodiem_in_process
from tests.exports.conftest import fill_class
from tests.year_lists import approve_lists, set_state

OLD, NEW = "2025-2026", "2026-2027"


def sodiem(url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command in this process (tests/cli/command.py) on the database at ``url``."""
    return sodiem_in_process(["--database", url, *args], cwd, {"SODIEM_LOCALE": "vi"})


async def class_codes(database, class_name: str, year: str) -> list[str]:
    async with UnitOfWork(database, read_only=True) as uow:
        return [s.code for s in await uow.roster.class_list(class_name, year)]


async def names(database, codes: list[str]) -> dict[str, str]:
    async with UnitOfWork(database, read_only=True) as uow:
        rows = await uow.session.execute(select(StudentRow.code, StudentRow.full_name, StudentRow.status))
        return {code: (name, status) for code, name, status in rows if code in codes}


async def teachers(database, class_name: str, year: str) -> tuple[int | None, set[tuple[int, int]]]:
    """The class's homeroom teacher and its (subject, teacher) pairs."""
    async with UnitOfWork(database, read_only=True) as uow:
        class_id = (await uow.school.class_row(class_name, year)).id
        homeroom = await uow.session.scalar(
            select(HomeroomRow.staff_id).where(HomeroomRow.class_id == class_id)
        )
        rows = await uow.session.execute(
            select(TeachingRow.subject_id, TeachingRow.staff_id).where(TeachingRow.class_id == class_id)
        )
        return homeroom, set(rows.all())


@pytest.fixture
async def school(database):
    await create_demo_school(database, OLD)
    await fill_class(database, "6A", semesters=(1,))
    return database


async def test_the_new_year_from_the_preview_to_next_years_class_lists(school, database_url, tmp_path):
    in_6a, in_7a, in_7b = [await class_codes(school, c, OLD) for c in ("6A", "7A", "7B")]
    in_8a, in_9a = await class_codes(school, "8A", OLD), await class_codes(school, "9A", OLD)
    retained, retested, waiting = in_6a[0], in_7a[1], in_7b[2]
    # a dropout during the year is not carried over
    async with UnitOfWork(school) as uow:
        await uow.transfers.leave(
            Change.DROPOUT, in_6a[1], date(2026, 3, 2), "gia đình chuyển vùng", "", system_author("t")
        )
        await uow.commit()
    await approve_lists(
        school,
        OLD,
        {retained: Outcome.RETAINED, retested: Outcome.RETEST, waiting: Outcome.SUMMER_TRAINING},
        summer={retested: Outcome.PROMOTED},
        unapproved=frozenset({"8C"}),
    )
    who = await names(school, [retained, waiting, in_6a[1]] + in_9a)

    blocked = sodiem(database_url, "year", "new", NEW, "--yes", cwd=tmp_path)
    assert blocked.returncode == 1, blocked.stderr
    in_8c = await class_codes(school, "8C", OLD)
    assert (
        f"  Chưa xong: danh sách cuối năm của lớp 8C chưa được duyệt ({len(in_8c)} học sinh; xếp vào: —)."
        in (blocked.stdout.splitlines())
    )
    assert "Các lớp chưa được duyệt danh sách cuối năm: 8C." in blocked.stdout
    assert (
        f"Chưa xong: {who[waiting][0]} ({waiting}) — Rèn luyện trong hè, chưa có kết quả cuối cùng"
        in blocked.stdout
    )
    assert "Chưa thể sang năm học mới" in blocked.stderr
    with pytest.raises(DomainError):
        async with UnitOfWork(school, read_only=True) as uow:
            await uow.school.year_row(NEW)

    await set_state(school, OLD, "8C", ReviewState.APPROVED)
    preview = sodiem(database_url, "year", "new", NEW, "--unsettled", "retain", cwd=tmp_path)
    assert preview.returncode == 0, preview.stderr
    lines = preview.stdout.splitlines()
    assert lines[0] == f"Năm học mới {NEW} (từ 05/09/2026 đến 31/05/2027), nối tiếp năm học {OLD}:"
    at = lines.index(f"Lớp 6A ({len(in_6a) - 1} học sinh):")
    assert lines[at + 1 : at + 3] == [
        f"  {len(in_6a) - 2} lên lớp 7A",
        f"  1 ở lại lớp, học lớp 6A năm mới: {who[retained][0]}",
    ]
    assert f"  {len(in_9a)} hoàn thành chương trình lớp 9, rời trường" in lines
    assert (
        f"  Chưa xong: {who[waiting][0]} ({waiting}) — Rèn luyện trong hè, chưa có kết quả cuối cùng; "
        "xếp vào: 7B" in lines
    )
    assert lines[-1] == "Đây là bản xem trước; chưa có gì thay đổi. Chạy lại với --yes để thực hiện."
    with pytest.raises(DomainError):
        async with UnitOfWork(school, read_only=True) as uow:
            await uow.school.year_row(NEW)

    done = sodiem(database_url, "year", "new", NEW, "--unsettled", "retain", "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Đã tạo năm học {NEW}" in done.stdout and f"năm học {OLD} đã khóa sổ" in done.stdout

    assert "phân công chủ nhiệm và giảng dạy từ năm trước" in done.stdout
    assert await teachers(school, "6A", OLD) == await teachers(school, "7A", NEW) != (None, set())

    expected_7a = sorted(c for c in in_6a if c not in (retained, in_6a[1]))
    assert sorted(await class_codes(school, "7A", NEW)) == expected_7a
    assert await class_codes(school, "6A", NEW) == [retained]
    assert sorted(await class_codes(school, "8A", NEW)) == sorted(in_7a)  # the re-tested one passed
    assert waiting in await class_codes(school, "7B", NEW) and waiting not in await class_codes(
        school, "8B", NEW
    )
    assert sorted(await class_codes(school, "9A", NEW)) == sorted(in_8a)
    after = await names(school, in_9a + [in_6a[1]])
    assert {after[c][1] for c in in_9a} == {"graduated"} and after[in_6a[1]][1] == "dropped-out"
    listing = sodiem(database_url, "students", "--class", "7A", cwd=tmp_path)
    assert listing.stdout.splitlines()[0] == f"Danh sách lớp 7A — năm học {NEW} — {len(expected_7a)} học sinh"
    old_list = sodiem(database_url, "students", "--class", "6A", "--year", OLD, cwd=tmp_path)
    assert f"{len(in_6a) - 1} học sinh" in old_list.stdout.splitlines()[0]  # as it stood on the last day

    # once the summer training is decided, the student kept back by --unsettled retain goes up a grade;
    # a retained student cannot
    move = ["transfer", "move", waiting, "--to", "8B", "--date", "07/09/2026", "--reason", "đạt rèn luyện hè"]
    up = sodiem(database_url, *move, cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    assert waiting in await class_codes(school, "8B", NEW)
    assert waiting not in await class_codes(school, "7B", NEW)
    move = ["transfer", "move", retained, "--to", "7B", "--date", "07/09/2026", "--reason", "x"]
    kept = sodiem(database_url, *move, cwd=tmp_path)
    assert kept.returncode == 1 and "Lớp 7B không cùng khối với lớp 6A" in kept.stderr

    again = sodiem(database_url, "year", "new", NEW, "--yes", cwd=tmp_path)
    assert again.returncode == 1 and "chỉ chạy một lần" in again.stderr

    await _the_closed_year_refuses_entry(school)
    refused = sodiem(
        database_url,
        "transfer",
        "move",
        in_7a[0],
        "--to",
        "7B",
        "--date",
        "01/03/2026",
        "--reason",
        "x",
        "--year",
        OLD,
        cwd=tmp_path,
    )
    assert refused.returncode == 1 and f"Năm học {OLD} đã khóa sổ" in refused.stderr

    added = sodiem(database_url, "classes", "add", "6E", "--year", OLD, cwd=tmp_path)
    assert added.returncode == 1 and f"Năm học {OLD} đã khóa sổ" in added.stderr

    # the staff list imported into the closed year: refused, its assignments and the staff unchanged
    staff_file = tmp_path / "can-bo.csv"
    staff_file.write_text(
        ",".join(STAFF_HEADERS) + "\nGV999,Vũ Thị Mới,0912999999,Giáo viên,Tổ Toán - Tin,6A,6A: Toán\n",
        encoding="utf-8",
    )
    assignments = await teachers(school, "6A", OLD)
    refused = sodiem(database_url, "import", "staff", str(staff_file), "--year", OLD, cwd=tmp_path)
    assert refused.returncode == 1 and f"Năm học {OLD} đã khóa sổ" in refused.stderr
    assert await teachers(school, "6A", OLD) == assignments
    async with UnitOfWork(school, read_only=True) as uow:
        assert await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "GV999")) is None

    dbf = tmp_path / "6A.dbf"
    exported = sodiem(
        database_url,
        "export",
        "dbf",
        "--class",
        "6A",
        "--semester",
        "1",
        "--year",
        OLD,
        "--out",
        str(dbf),
        cwd=tmp_path,
    )
    assert exported.returncode == 0, exported.stderr
    records = list(DBF(dbf, encoding="utf-8"))
    assert {r["MAHS"] for r in records} == set(in_6a)  # the dropout was there in semester 1
    assert {r["BIENDONG"] for r in records if r["MAHS"] == in_6a[1]} == {"Bỏ học từ 02/03/2026"}
    verified = sodiem(database_url, "export", "verify", str(dbf), cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr


async def _the_closed_year_refuses_entry(database) -> None:
    author = Author(None, "test", "", datetime(2026, 9, 10, 3, tzinfo=UTC))
    async with UnitOfWork(database) as uow:
        old = await uow.school.year_row(OLD)
        class_row = await uow.school.class_row("6A", OLD)
        ids = [s.id for s in await uow.roster.class_list("6A", OLD, on=date(2026, 5, 4))]
    attempts = [
        lambda uow: uow.attendance.save_day(class_row.id, date(2026, 5, 4), 0, ids, {ids[0]: "P"}, author),
        lambda uow: uow.gradebook.save_conduct(old.id, 2, {ids[0]: "Tốt"}, author),
        lambda uow: uow.gradebook.save_comment(ids[0], 1, old.id, 2, "Tiến bộ", author),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError) as raised:
            async with UnitOfWork(database) as uow:
                await attempt(uow)
        assert raised.value.key == "schoolyear.error.closed"


async def test_a_mapping_file_sends_a_class_elsewhere_and_a_bad_one_is_refused(
    school, database_url, tmp_path
):
    await approve_lists(school, OLD)
    bad = tmp_path / "bad.csv"
    bad.write_text("lớp cũ,lớp mới\n6A,7C\n6B,8B\n", encoding="utf-8")
    refused = sodiem(database_url, "year", "new", NEW, "--mapping", str(bad), "--yes", cwd=tmp_path)
    assert refused.returncode == 1
    assert "dòng 3: học sinh lớp 6B lên lớp phải vào một lớp của khối trên, không phải 8B" in refused.stderr
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("6E,7E\n", encoding="utf-8")
    refused = sodiem(database_url, "year", "new", NEW, "--mapping", str(unknown), cwd=tmp_path)
    assert "dòng 1: không có lớp 6E" in refused.stderr
    merging = tmp_path / "merging.csv"
    merging.write_text("6A,7B\n", encoding="utf-8")  # while 6B goes up to 7B by default
    refused = sodiem(database_url, "year", "new", NEW, "--mapping", str(merging), "--yes", cwd=tmp_path)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(
        "Các lớp 6A, 6B cùng lên lớp 7B: mỗi lớp của năm học cũ phải lên một lớp riêng"
    )
    with pytest.raises(DomainError):
        async with UnitOfWork(school, read_only=True) as uow:
            await uow.school.year_row(NEW)
    good = tmp_path / "good.csv"
    good.write_text("cũ,mới\n6A,7D\n", encoding="utf-8")
    done = sodiem(database_url, "year", "new", NEW, "--mapping", str(good), "--yes", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(await class_codes(school, "7D", NEW)) == sorted(await class_codes(school, "6A", OLD))
    async with UnitOfWork(school, read_only=True) as uow:
        assert "7A" not in await uow.school.class_rows(NEW)


class Terminal:
    """The administrator at a terminal: while they read the preview, ``meanwhile`` happens (the bot keeps
    working); then they type ``answer``."""

    def __init__(self, answer: str, meanwhile) -> None:
        self.answer, self.meanwhile = answer, meanwhile

    def isatty(self) -> bool:
        return True

    def readline(self) -> str:
        self.meanwhile()
        return self.answer + "\n"


async def at_terminal(monkeypatch, database_url: str, answer: str, meanwhile) -> int:
    """``sodiem year new`` run at a terminal, in its own thread (it runs its own event loop); the test's
    loop stays free for what happens meanwhile."""
    loop = asyncio.get_running_loop()

    def happening() -> None:
        asyncio.run_coroutine_threadsafe(meanwhile(), loop).result(timeout=60)

    monkeypatch.setattr(sys, "stdin", Terminal(answer, happening))

    def run() -> int:
        args = build_parser().parse_args(["--database", database_url, "year", "new", NEW])
        args.console = Console("vi")
        return args.func(args)

    return await asyncio.to_thread(run)


async def test_the_bot_keeps_writing_while_the_administrator_reads_the_preview(
    school, database_url, monkeypatch, capsys
):
    """The preview holds no write lock: a transfer out recorded while the administrator reads it is
    written at once. Their «c» then finds the plan changed and does nothing; run again, «có» carries
    out the new plan without the student who left."""
    await approve_lists(school, OLD)
    leaving = (await class_codes(school, "6A", OLD))[0]
    took: list[float] = []

    async def transfer_out() -> None:
        began = time.monotonic()
        async with UnitOfWork(school) as uow:
            await uow.transfers.leave(
                Change.TRANSFER_OUT, leaving, date(2026, 5, 20), "theo gia đình", "", system_author("bot")
            )
            await uow.commit()
        took.append(time.monotonic() - began)

    async def nothing() -> None:
        pass

    assert await at_terminal(monkeypatch, database_url, "c", transfer_out) == 1
    assert took and took[0] < 5  # not kept waiting for a lock (SQLite's busy timeout is 30 s)
    out = capsys.readouterr()
    assert "Thực hiện sang năm học mới? Gõ «c» để đồng ý:" in out.out
    assert out.err.startswith("Trong lúc chờ xác nhận, danh sách cuối năm hoặc sĩ số các lớp đã thay đổi")
    with pytest.raises(DomainError):
        async with UnitOfWork(school, read_only=True) as uow:
            await uow.school.year_row(NEW)

    assert await at_terminal(monkeypatch, database_url, "có", nothing) == 0
    assert f"Đã tạo năm học {NEW}" in capsys.readouterr().out
    in_7a = await class_codes(school, "7A", NEW)
    assert leaving not in in_7a
    assert sorted(in_7a) == sorted(await class_codes(school, "6A", OLD))
