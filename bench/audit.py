"""``sodiem audit verify`` on a whole school year: about 1,500 students (ten classes a grade, as
bench/import.py), both semesters filled as ``sodiem demo --fill`` fills one (every score column,
comments, conduct, daily attendance) through the same stores the chat writes with, so every value has
its change-log entry. Then the real command runs (a separate process, as the auditor runs it): the
chain recomputed with the school key and every current value compared with its history.

Prints the generator's figures, then seconds and log entries per second for the verification.
Target: under 10 s on SQLite on the 2-core machine.

Run: .venv/bin/python bench/audit.py [--keep FILE]   (--keep: build once into FILE, reuse it after)"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from cli.demo import create_demo_school, fill_semester  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import ChangeRow, StudentRow  # noqa: E402
from storage.school_key import KEY_FILE_SETTING, create_key_file  # noqa: E402

YEAR = "2025-2026"
LETTERS = "ABCDEFGHIK"  # ten classes a grade, about 40 students each
ROUNDS = 3


async def build(url: str) -> None:
    database = Database(url)
    started = time.perf_counter()
    await create_demo_school(database, YEAR, letters=LETTERS)
    for number in (1, 2):
        counts = await fill_semester(database, number)
        print(
            f"semester {number}: {counts['values']} values, {counts['absences']} absences, "
            f"{counts['comments']} comments, {counts['conduct']} conduct levels"
        )
    print(f"generated in {time.perf_counter() - started:.0f} s")
    await database.dispose()


async def size(url: str) -> tuple[int, int]:
    database = Database(url)
    async with database.session(read_only=True) as session:
        students = await session.scalar(select(func.count()).select_from(StudentRow))
        entries = await session.scalar(select(func.count()).select_from(ChangeRow))
    await database.dispose()
    return students or 0, entries or 0


def verify_once(url: str) -> tuple[float, float]:
    """Wall-clock seconds and the command's CPU seconds (the second does not grow with other load)."""
    command = [str(Path(sys.executable).with_name("sodiem")), "--database", url, "audit", "verify"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "SODIEM_LOCALE": "en"})
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"verify failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="SQLite file to build once and reuse")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sodiem-bench-audit-"))
    path = args.keep or folder / "school.db"
    key = path.with_suffix(".key")
    if not key.exists():
        create_key_file(key)
    os.environ[KEY_FILE_SETTING] = str(key)
    url = f"sqlite+aiosqlite:///{path}"
    if not path.exists():
        upgrade(url)
        asyncio.run(build(url))
    students, entries = asyncio.run(size(url))
    print(f"school: {students} students, {entries} change-log entries")
    runs = sorted(verify_once(url) for _ in range(ROUNDS))
    (best, _), (median, cpu) = runs[0], runs[len(runs) // 2]
    print(
        f"sodiem audit verify: median {median:.2f} s (best {best:.2f} s) over {ROUNDS} runs, "
        f"{entries / median:,.0f} entries/s; CPU {cpu:.2f} s; target under 10 s"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
