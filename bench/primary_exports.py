"""Export speed for the primary demo school (``sodiem demo --level primary --fill``: ten classes of about
35, the whole year filled): the year gradebook and the year report cards of one class, then of every
class, in a throwaway SQLite database. Times include reading the class's book from the database.
Targets as for the secondary school: a class under 2 s, the school under 30 s.

Run: .venv/bin/python bench/primary_exports.py"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.export_files import pages, with_school_key  # noqa: E402
from cli.demo_primary import create_primary_demo_school, fill_primary_year  # noqa: E402
from domain.report_card import Period  # noqa: E402
from exports.service import export_class  # noqa: E402
from locales import translator  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402

YEAR = "2025-2026"
ROUNDS = 3


async def timed(database: Database, kind: str, classes: list[str]) -> tuple[float, int]:
    """Seconds and pages for the year ``kind`` of each class in turn."""
    start, total = time.perf_counter(), 0
    for name in classes:
        async with UnitOfWork(database, read_only=True) as uow:
            exported = await export_class(uow, kind, name, Period.YEAR, translator("vi"))
        total += pages(exported.data)
    return time.perf_counter() - start, total


def line(what: str, seconds: float, count: int, target: str) -> str:
    return f"{what}: {seconds:.2f} s, {count} pages, {count / seconds:.1f} pages/s (target {target})"


async def main(url: str) -> None:
    database = Database(url)
    started = time.perf_counter()
    await create_primary_demo_school(database, YEAR)
    await fill_primary_year(database)
    async with UnitOfWork(database, read_only=True) as uow:
        classes = await uow.exports.class_names()
    filled = time.perf_counter() - started
    print(f"primary demo school filled (the year): {filled:.1f} s, {len(classes)} classes")
    one = classes[-1]  # a grade 5 class: the most subjects and tests
    for kind in ("gradebook", "reportcards"):
        runs = [await timed(database, kind, [one]) for _ in range(ROUNDS)]
        seconds = statistics.median(s for s, _ in runs)
        print(line(f"one class ({one}), year {kind}", seconds, runs[0][1], "< 2 s"))
        print(
            line(
                f"whole school ({len(classes)} classes), year {kind}",
                *await timed(database, kind, classes),
                "< 30 s",
            )
        )
    await database.dispose()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        with_school_key(Path(folder))
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        asyncio.run(main(url))
