"""/tiendo and /phodiem over the demo school with a filled first semester (twelve classes of about 40,
every score column entered): the work behind one press, without the chat.

Prints seconds for the school's progress rows, the vice-principal's summary, the semester averages of a
whole grade, and drawing one chart. Target: each under 1 s on SQLite, so a press is answered at once.
Run: .venv/bin/python bench/progress.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.charts import ChartTexts, render
from cli.demo import create_demo_school, fill_first_semester
from domain.distribution import of_semester_averages
from domain.evaluation import rules_for
from locales import translator
from services.progress import entry_progress, progress_summary
from storage.db import Database
from storage.migrate import upgrade
from storage.uow import UnitOfWork

YEAR = "2025-2026"
NOW = datetime(2025, 12, 29, 2, 0, tzinfo=UTC)  # the end-of-term window: every column is due


async def timed(label: str, work) -> object:
    started = time.perf_counter()
    result = await work()
    print(f"{label:<42} {time.perf_counter() - started:6.2f} s")
    return result


async def main(url: str) -> None:
    database = Database(url)
    await create_demo_school(database, YEAR)
    filled = await fill_first_semester(database)
    print(f"demo school: {filled['values']} values in semester 1")
    t = translator("vi")

    async def rows():
        async with UnitOfWork(database, read_only=True) as uow:
            return (await entry_progress(uow, NOW))[1]

    async def summary():
        async with UnitOfWork(database, read_only=True) as uow:
            return await progress_summary(uow, t, NOW)

    async def averages():
        async with UnitOfWork(database, read_only=True) as uow:
            year = await uow.school.year_row()
            taught = [c for c in await uow.progress.taught(year.id) if c.grade == 6]
            classes = sorted({c.class_id for c in taught})
            students = [s for ids in (await uow.progress.students(classes)).values() for s in ids]
            subjects = list({c.subject_id: c.subject for c in taught}.items())
            values = await uow.progress.values(year.id, 1, students)
            return of_semester_averages(students, subjects, values, rules_for(YEAR, 6), 1)

    found = await timed("progress rows of the whole school", rows)
    print(f"  {len(found)} class-subjects, {sum(r.required for r in found)} values due")
    await timed("the vice-principal's summary", summary)
    distribution = await timed("semester averages of grade 6", averages)
    print(f"  {distribution.count} averages")
    texts = ChartTexts("Phổ điểm", ("a", "b", "c", "d", "e"), "", "", "", "", tuple(map(str, range(11))))

    async def chart():
        return await asyncio.to_thread(render, distribution, texts)

    await timed("drawing the first chart (loads matplotlib)", chart)
    png = await timed("drawing a chart", chart)
    print(f"  {len(png) // 1024} KiB PNG")
    await database.dispose()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)  # alembic runs its own event loop
        asyncio.run(main(url))
