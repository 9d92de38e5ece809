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

from bench.exports import pages  # noqa: E402
from cli.demo_primary import create_primary_demo_school, fill_primary_year  # noqa: E402
from domain.report_card import Period  # noqa: E402
from exports.service import export_class  # noqa: E402
from locales import translator  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402

YEAR = "2025-2026"
ROUNDS = 3


async def paper(database: Database, kind: str, class_name: str) -> tuple[float, int]:
    start = time.perf_counter()
    async with UnitOfWork(database, read_only=True) as uow:
        exported = await export_class(uow, kind, class_name, Period.YEAR, translator("vi"))
    return time.perf_counter() - start, pages(exported.data)


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
        runs = [await paper(database, kind, one) for _ in range(ROUNDS)]
        seconds, count = statistics.median(s for s, _ in runs), runs[0][1]
        print(
            f"one class ({one}), year {kind}: {seconds:.2f} s, {count} pages, "
            f"{count / seconds:.1f} pages/s (target < 2 s)"
        )
        start, total = time.perf_counter(), 0
        for name in classes:
            total += (await paper(database, kind, name))[1]
        seconds = time.perf_counter() - start
        print(
            f"whole school ({len(classes)} classes), year {kind}: {seconds:.2f} s, {total} pages, "
            f"{total / seconds:.1f} pages/s (target < 30 s)"
        )
    await database.dispose()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        asyncio.run(main(url))
