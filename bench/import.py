"""Importing a 1,500-student class list (.xlsx) into a fresh database, then the same file again.

Prints seconds for reading the file, the first import, and the repeat (which changes nothing),
on SQLite and, when reachable, on PostgreSQL. Target: the first import under 5 s on SQLite.
Run: make bench, or .venv/bin/python bench/import.py [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from domain import demo
from domain.roster import ROSTER_COLUMNS, import_roster
from domain.school import Level, School
from domain.setup import init_school
from storage.db import Database
from storage.migrate import upgrade
from storage.tabular import read_table
from storage.uow import UnitOfWork

YEAR = "2025-2026"
LETTERS = "ABCDEFGHIK"  # ten classes a grade, 38 students each: about 1,500 students


def write_roster(path: Path) -> int:
    table = demo.roster_table(YEAR, students_per_class=38, letters=LETTERS)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(table.headers))
    for _, row in table.rows:
        sheet.append(row)
    book.save(path)
    return len(table.rows)


async def import_twice(url: str, path: Path) -> tuple[float, float, float]:
    database = Database(url)
    async with UnitOfWork(database) as uow:
        await init_school(uow.school, School("Bench", Level.SECONDARY), YEAR)
        await uow.commit()
    started = time.perf_counter()
    read_table(path, ROSTER_COLUMNS)  # reading alone, to separate it from writing
    read = time.perf_counter() - started
    timings = [read]
    for _ in range(2):
        started = time.perf_counter()
        async with UnitOfWork(database) as uow:
            await import_roster(uow.roster, YEAR, read_table(path, ROSTER_COLUMNS), date(2025, 9, 1), True)
            await uow.commit()
        timings.append(time.perf_counter() - started)
    await database.dispose()
    return timings[0], timings[1], timings[2]


async def postgres_database(admin_url: str) -> tuple[str, str] | None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    try:
        connection = await asyncpg.connect(
            host=url.host, port=url.port, user=url.username, database=url.database, timeout=5
        )
    except Exception as error:
        print(f"PostgreSQL not reachable ({error}); SQLite only")
        return None
    name = f"sodiem_bench_{uuid.uuid4().hex[:8]}"
    await connection.execute(f'CREATE DATABASE "{name}"')
    await connection.close()
    return url.set(database=name).render_as_string(hide_password=False), name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.xlsx"
        students = write_roster(path)
        print(
            f"roster: {students} students in {len(LETTERS) * len(demo.GRADES)} classes, "
            f"{path.stat().st_size // 1024} KB"
        )
        targets = [("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db")]
        made = asyncio.run(postgres_database(args.postgres))
        if made:
            targets.append(("postgresql", made[0]))
        for name, url in targets:
            upgrade(url)
            read, first, repeat = asyncio.run(import_twice(url, path))
            print(
                f"{name:10s} read {read:5.2f} s   first import {first:5.2f} s "
                f"({students / first:6.0f} students/s)   same file again {repeat:5.2f} s"
            )
        if made:
            asyncio.run(_drop(args.postgres, made[1]))


async def _drop(admin_url: str, name: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    connection = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await connection.close()


if __name__ == "__main__":
    main()
