"""Export speed: the printed gradebook of one class for the year, and of the whole demo school (twelve
classes of about 40). The demo school is filled as ``sodiem demo --fill`` fills it (semester I), and
semester II the same way, in a throwaway SQLite database. Times include reading the class's book from
the database. Targets: a class under 2 s, the school under 30 s. Then ``export verify`` of one class's
year book: text compared line by line and every page rendered (pdfium) and compared pixel by pixel.

Run: .venv/bin/python bench/export_files.py"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pypdf import PdfReader  # noqa: E402

from cli.demo import create_demo_school, fill_first_semester  # noqa: E402
from domain.report_card import Period  # noqa: E402
from exports.service import export_class  # noqa: E402
from exports.verify import verify  # noqa: E402
from locales import translator  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.school_key import KEY_FILE_SETTING, create_key_file  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402
from tests.exports.conftest import fill_class  # noqa: E402

YEAR = "2025-2026"
ROUNDS = 3


def with_school_key(folder: Path) -> None:
    """A throwaway school key where none is set: every export prints the audit chain's head."""
    if not os.environ.get(KEY_FILE_SETTING):
        create_key_file(folder / "school.key")
        os.environ[KEY_FILE_SETTING] = str(folder / "school.key")


def pages(data: bytes) -> int:
    import io

    return len(PdfReader(io.BytesIO(data)).pages)


async def gradebook(database: Database, class_name: str) -> tuple[float, int]:
    start = time.perf_counter()
    async with UnitOfWork(database, read_only=True) as uow:
        exported = await export_class(uow, "gradebook", class_name, Period.YEAR, translator("vi"))
    return time.perf_counter() - start, pages(exported.data)


async def filled_demo_school(database: Database) -> list[str]:
    """The demo school filled for both semesters; its class names."""
    await create_demo_school(database, YEAR)
    await fill_first_semester(database)
    async with UnitOfWork(database, read_only=True) as uow:
        classes = await uow.exports.class_names()
    for name in classes:
        await fill_class(database, name, semesters=(2,))
    return classes


async def main(url: str) -> None:
    database = Database(url)
    started = time.perf_counter()
    classes = await filled_demo_school(database)
    filled = time.perf_counter() - started
    print(f"demo school filled (both semesters): {filled:.1f} s, {len(classes)} classes")

    runs = [await gradebook(database, classes[0]) for _ in range(ROUNDS)]
    seconds = statistics.median(s for s, _ in runs)
    count = runs[0][1]
    print(
        f"one class ({classes[0]}), year gradebook: {seconds:.2f} s, {count} pages, "
        f"{count / seconds:.1f} pages/s (target < 2 s)"
    )
    start = time.perf_counter()
    total = 0
    for name in classes:
        total += (await gradebook(database, name))[1]
    seconds = time.perf_counter() - start
    print(
        f"whole school ({len(classes)} classes), year gradebooks: {seconds:.2f} s, {total} pages, "
        f"{total / seconds:.1f} pages/s (target < 30 s)"
    )
    await verified(database, classes[0])
    await database.dispose()


async def verified(database: Database, class_name: str) -> None:
    async with UnitOfWork(database, read_only=True) as uow:
        exported = await export_class(uow, "gradebook", class_name, Period.YEAR, translator("vi"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / exported.file_name
        path.write_bytes(exported.data)
        start = time.perf_counter()
        verdict = await verify(database, path)
        seconds = time.perf_counter() - start
    count = pages(exported.data)
    print(
        f"export verify of {class_name}'s year gradebook (text and rendered pages): {seconds:.2f} s, "
        f"{count} pages, {count / seconds:.1f} pages/s, {len(verdict.differences)} differences"
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        with_school_key(Path(folder))
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        upgrade(url)
        asyncio.run(main(url))
