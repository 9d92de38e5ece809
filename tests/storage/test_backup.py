"""Backups while the bot runs, verified; restores that bring back exactly the moment of the backup;
the retention rule; and concurrent writers that never lose an update."""

import asyncio
from datetime import datetime

import pytest
from sqlalchemy import select, text, update

from cli.backup import holds_data
from cli.demo import create_demo_school
from domain.errors import DomainError
from storage.backup import apply_retention, restore_backup, take_backup, verify_backup
from storage.db import Database
from storage.models import Base, SchoolRow, StudentRow
from tests.storage.helpers import YEAR


async def snapshot(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    async with database.session(read_only=True) as session:
        return {
            table.name: sorted(map(tuple, (await session.execute(select(table))).all()), key=repr)
            for table in Base.metadata.sorted_tables
        }


async def test_backup_then_restore_brings_back_the_exact_data(database, tmp_path):
    await create_demo_school(database, YEAR)
    before = await snapshot(database)
    path = await take_backup(database, tmp_path / "backups", datetime(2025, 10, 1, 20, 0, 0))
    assert path.name.startswith("sodiem-20251001-200000.")
    async with database.session() as session:
        await session.execute(update(StudentRow).values(full_name="Đã Sửa Sai"))
        await session.commit()
    assert await snapshot(database) != before
    await database.engine.dispose()
    await asyncio.to_thread(restore_backup, database.url, path)
    assert await snapshot(database) == before


async def test_a_backup_is_consistent_while_writers_keep_writing(database, tmp_path):
    await create_demo_school(database, YEAR)

    async def keep_writing(stop: asyncio.Event) -> None:
        written = 0
        while not stop.is_set():
            written += 1
            async with database.session() as session:
                await session.execute(update(SchoolRow).values(district=f"write {written}"))
                await session.commit()

    stop = asyncio.Event()
    writer = asyncio.create_task(keep_writing(stop))
    path = await take_backup(database, tmp_path, datetime(2025, 10, 2, 8, 0, 0))
    stop.set()
    await writer
    verify_backup(path)


async def test_a_damaged_backup_is_refused(database, tmp_path):
    await create_demo_school(database, YEAR)
    path = await take_backup(database, tmp_path, datetime(2025, 10, 3, 8, 0, 0))
    data = path.read_bytes()
    damaged = tmp_path / "damaged.bin"
    damaged.write_bytes(data[: len(data) // 2])  # a copy cut off half way
    with pytest.raises(DomainError) as refused:
        verify_backup(damaged)
    assert refused.value.key == "backup.error.damaged"


async def test_restore_needs_force_only_when_the_database_holds_data(database):
    assert not await holds_data(database)
    await create_demo_school(database, YEAR)
    assert await holds_data(database)


def test_retention_keeps_a_month_of_dailies_and_one_per_semester(tmp_path):
    from domain.calendar import default_school_year

    year = default_school_year("2024-2025")
    for day in ("20241001", "20241015", "20250105", "20250301", "20250420", "20250520", "20250701"):
        (tmp_path / f"sodiem-{day}-200000.db").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not a backup")
    removed = apply_retention(tmp_path, datetime(2025, 6, 10, 9, 0), list(year.semesters))
    assert sorted(p.name for p in removed) == [
        "sodiem-20241001-200000.db",
        "sodiem-20241015-200000.db",
        "sodiem-20250301-200000.db",
        "sodiem-20250420-200000.db",
    ]
    assert (tmp_path / "notes.txt").exists()
    assert sorted(p.name for p in tmp_path.glob("sodiem-*")) == [
        "sodiem-20250105-200000.db",
        "sodiem-20250520-200000.db",
        "sodiem-20250701-200000.db",
    ]


async def test_concurrent_writers_never_lose_an_update(database):
    """Two processes' worth of connections increment one counter by read-modify-write."""
    first, second = database, Database(database.url)
    async with first.session() as session:
        session.add(SchoolRow(name="Counter", level="secondary", district="", province="", settings={"n": 0}))
        await session.commit()

    async def increment(database: Database, times: int) -> None:
        for _ in range(times):
            async with database.session() as session:
                if not database.is_sqlite:  # PostgreSQL: lock the row, as the repositories will
                    await session.execute(text("SELECT 1 FROM school FOR UPDATE"))
                row = await session.scalar(select(SchoolRow))
                row.settings = {"n": row.settings["n"] + 1}
                await asyncio.sleep(0)  # let the other writer in between read and write
                await session.commit()

    await asyncio.gather(*(increment(db, 25) for db in (first, second, first, second)))
    async with first.session(read_only=True) as session:
        assert (await session.scalar(select(SchoolRow))).settings == {"n": 100}
    await second.dispose()


async def test_a_backup_restores_into_a_new_empty_database_of_its_kind_only(
    database, demo_template_url, empty_database_url, tmp_path
):
    """PostgreSQL's backup is pg_dump's custom format and ``sodiem restore`` puts it back with
    pg_restore into a new database (a new server); SQLite's is one SQLite file. Across kinds: refused."""
    from tests.cli.test_admin_commands import sodiem
    from tests.conftest import copy_database

    await copy_database(demo_template_url, database)
    path = await take_backup(database, tmp_path / "backups", datetime(2025, 10, 4, 2, 0, 0))
    assert path.read_bytes()[:5] == (b"SQLite" if database.is_sqlite else b"PGDMP")[:5]
    restored = sodiem("--database", empty_database_url, "restore", str(path), cwd=tmp_path)
    if database.is_sqlite != empty_database_url.startswith("sqlite"):
        assert restored.returncode == 1
        assert "là của loại cơ sở dữ liệu khác (SQLite/PostgreSQL)" in restored.stderr
        return
    assert restored.returncode == 0, restored.stderr
    assert "Nhật ký thay đổi nguyên vẹn" in restored.stdout
    copy = Database(empty_database_url)
    assert await snapshot(copy) == await snapshot(database)
    await copy.dispose()
