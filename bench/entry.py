"""Teachers entering score columns and attendance all at once: updates a second, reply latency, and
the database time of each saved column.

N simulated teachers (200 by default), linked beforehand as accounts of the demo school's 27 teachers
(several accounts a teacher, each with its own invite), all start at the same moment against the local
Bot API, each waiting for the bot's reply before the next step, as a person does:

  score column: /nhapdiem → a class and subject → "HK 1 •" → a column → the whole class in one message
                (or, for a subject graded by comments, the mark sheet → "👀 Xem lại để lưu") →
                "✅ Lưu cột điểm" → "Đã lưu …"
  attendance (accounts of homeroom teachers, after their column): /diemdanh → "📅 Ngày khác" → a day
                typed as "13/10" (the first account takes today) → one student tapped → "💾 Lưu" →
                "✅ Xác nhận lưu" → "✅ Đã lưu điểm danh."

Account k of a teacher enters class-and-subject k mod P (P: the pairs on the teacher's first page) and
column k div P of it, so the accounts write different columns; the k-th account of a homeroom teacher
takes a different day. The bot's clock stands at 14/10/2025 08:00 in Hà Nội (semester 1 of 2025-2026),
and the vice-principal's decision opens every column kind, as in tests/bot/test_results.py.

An update is one step above (a message or a button press); its latency runs from the step to the bot's
reply (the new message, or the edit of the pressed one) as the person sees it. The database time of a
saved column is the time inside ``SqlGradebookStore.save_column`` (its statements and flush) plus the
commit of that update's transaction; likewise ``SqlAttendanceStore.save_day`` for a day. The stores
are wrapped at run time; nothing of sodiem is changed. These are wall-clock times in the shared event
loop: under load they include waiting for the loop. So three more teachers then go one after another
on the quiet bot, for comparison. Linking the accounts is set-up, not measured. "CPU" is this
process's CPU time over the wall time (100 % is one core; the machine's PostgreSQL is not counted).

Prints figures only; nothing is asserted. The last line is the floor that Telegram's pace sets under
p95 whatever the CPU: every teacher's first reply is a new message, and those leave at most 30 a
second after a burst of 30 (bench/entry_report.py).

Run: .venv/bin/python bench/entry.py [--teachers 200] [--database sqlite|postgresql|URL]
By default it runs on SQLite, then on PostgreSQL at 127.0.0.1:5432; a PostgreSQL URL names a server on
127.0.0.1, where a throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# Run as a script, Python puts bench/ first on the path, where a module could hide a package of the
# same name: the project's root goes before it (and makes bench.throughput importable).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from bench.entry_report import report
from bench.entry_timing import Tally, timing_database
from bench.harness import POSTGRES, local_database, polling, throwaway_database
from bot.app import build_application
from bot.config import load_settings
from cli.demo import create_demo_school
from domain.identity import PersonKind, PersonRef, create_invite
from domain.windows import WindowDecision, WindowState
from localapi import LocalBotApi, Person, StoredMessage
from storage.changes import Author
from storage.db import Database
from storage.migrate import upgrade
from storage.models import HomeroomRow, StaffRow, TeachingRow
from storage.uow import UnitOfWork

TOKEN = "123456:BENCH-entry"
YEAR = "2025-2026"
NOW = datetime(2025, 10, 14, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội, a Tuesday of semester 1
ALONE = 3  # teachers who go last, one after another, on a quiet bot
WAIT_SECONDS = 60.0  # for one reply; a slower one counts the teacher as failed
SCORES = ["8", "7,5", "9", "6,5", "10", "7", "8,5", "9,5", "6", "8"]
SAVE_COLUMN, REVIEW_MARKS = "✅ Lưu cột điểm", "👀 Xem lại để lưu"
SAVE_DAY, CONFIRM_DAY, OTHER_DAY = "💾 Lưu", "✅ Xác nhận lưu", "📅 Ngày khác"

PACING = """\
pacing: the stand-in's flood limits are off. sodiem keeps its own rate limiter
  (bot.ratelimit.PerChatRateLimiter: sends at most 30 a second for the bot and about 1 a second per
  chat after a burst of 3; edits and answers to presses are not paced).
  sodiem's processor runs at most 64 updates at once, each person's in order, each in one transaction;
  on SQLite a turn reads without the writer lock and takes it at its first write (storage.db);
  on PostgreSQL they share the engine's default pool of 15 connections (5, and 10 more at need).
  Bot, stand-in and teachers share one event loop; the figures include the stand-in's own work."""


@dataclass(frozen=True)
class Teacher:
    number: int  # 0 … N-1; the Telegram account is 10_001 + number
    staff_id: int
    turn: int  # which of the staff member's accounts: chooses the pair, the column, the day
    day: date | None  # the attendance day of a homeroom teacher's account, or None


# --- one teacher -----------------------------------------------------------------------------------


def replied_at(message: StoredMessage) -> float:
    return max(message.created_at, message.edited_at or 0.0)


async def step(
    person: Person, tally: Tally, act: Callable[[], object], wanted: Callable[[StoredMessage], bool]
) -> StoredMessage:
    """Sends or presses (``act``), waits for the reply that ``wanted`` recognises, counts the latency."""
    started = time.monotonic()
    act()
    reply = await person.wait_for(wanted, WAIT_SECONDS)
    tally.latencies.append(replied_at(reply) - started)
    tally.new_messages.append(reply.created_at >= started)
    return reply


def data_of(message: StoredMessage, prefix: str) -> list[str]:
    return [
        b["callback_data"] for row in message.buttons for b in row if b["callback_data"].startswith(prefix)
    ]


def values_for(prompt: StoredMessage, teacher: Teacher) -> str:
    """A plausible score for each student the prompt lists ("1. Name" lines)."""
    count = sum(1 for line in prompt.text.splitlines() if line.split(". ")[0].isdigit())
    return " ".join(SCORES[(teacher.number + n) % len(SCORES)] for n in range(count))


async def enter_column(person: Person, teacher: Teacher, tally: Tally) -> None:
    reply = await step(
        person, tally, lambda: person.send_command("/nhapdiem"), lambda m: bool(data_of(m, "sc:"))
    )
    pairs = data_of(reply, "sc:c:")
    if pairs:  # more than one class and subject: choose one (one alone is chosen by the bot)
        pair = pairs[teacher.turn % len(pairs)]
        reply = await step(
            person, tally, lambda: person.press(pair, reply), lambda m: "HK 1 •" in m.button_texts
        )
    reply = await step(
        person, tally, lambda: person.press("HK 1 •", reply), lambda m: bool(data_of(m, "sc:k:"))
    )
    options = data_of(reply, "sc:k:")
    option = options[teacher.turn // max(len(pairs), 1) % len(options)]
    reply = await step(
        person,
        tally,
        lambda: person.press(option, reply),
        lambda m: "Gửi giá trị của cả lớp" in m.text or REVIEW_MARKS in m.button_texts,
    )
    if REVIEW_MARKS in reply.button_texts:  # a subject graded by comments: every student at the first mark
        act = functools.partial(person.press, REVIEW_MARKS, reply)
    else:
        act = functools.partial(person.send_text, values_for(reply, teacher))
    review = await step(person, tally, act, lambda m: SAVE_COLUMN in m.button_texts)
    saved = await step(
        person, tally, lambda: person.press(SAVE_COLUMN, review), lambda m: m.text.startswith("Đã lưu")
    )
    tally.columns.add(saved.text.splitlines()[0])


def student_label(message: StoredMessage, number: int) -> str | None:
    return next((label for label in message.button_texts if label.startswith(f"{number}. ")), None)


async def take_attendance(person: Person, teacher: Teacher, tally: Tally) -> None:
    assert teacher.day is not None
    shown = f", {teacher.day:%d/%m/%Y}"

    def sheet_of_the_day(m: StoredMessage) -> bool:
        return m.text.startswith("📋 Điểm danh") and shown in m.text and bool(m.buttons)

    today = f", {NOW:%d/%m/%Y}"
    sheet = await step(
        person,
        tally,
        lambda: person.send_command("/diemdanh"),
        lambda m: m.text.startswith("📋 Điểm danh") and today in m.text and bool(m.buttons),
    )
    if shown != today:
        await step(
            person,
            tally,
            lambda: person.press(OTHER_DAY, sheet),
            lambda m: m.text.startswith("Điểm danh lớp"),
        )
        sheet = await step(person, tally, lambda: person.send_text(f"{teacher.day:%d/%m}"), sheet_of_the_day)
    number = 1 + teacher.turn % 20
    before = student_label(sheet, number)
    sheet = await step(
        person,
        tally,
        lambda: person.press(before, sheet),
        lambda m: bool(m.buttons) and student_label(m, number) not in (None, before),
    )
    summary = await step(
        person, tally, lambda: person.press(SAVE_DAY, sheet), lambda m: CONFIRM_DAY in m.button_texts
    )
    await step(
        person,
        tally,
        lambda: person.press(CONFIRM_DAY, summary),
        lambda m: m.text.startswith("✅ Đã lưu điểm danh."),
    )
    tally.days += 1


async def work(person: Person, teacher: Teacher, tally: Tally) -> None:
    try:
        await enter_column(person, teacher, tally)
        if teacher.day is not None:
            await take_attendance(person, teacher, tally)
    except (TimeoutError, LookupError) as error:
        tally.failures.append(f"teacher {teacher.number}: {str(error)[:300]}")


# --- the school, the accounts, the run ---------------------------------------------------------------


def attendance_days(count: int) -> list[date]:
    """Today, then the school days before it (Sundays left out), newest first."""
    days, day = [], NOW.date()
    while len(days) < count:
        if day.weekday() != 6:
            days.append(day)
        day -= timedelta(days=1)
    return days


async def plan(database: Database, teachers: int) -> tuple[list[Teacher], list[str]]:
    """The simulated teachers and an invite for each; the book opened for every column kind."""
    async with UnitOfWork(database) as uow:
        staff = list(
            await uow.session.scalars(
                select(StaffRow.id)
                .where(StaffRow.id.in_(select(TeachingRow.staff_id)))
                .order_by(StaffRow.code)
            )
        )
        homeroom = set(await uow.session.scalars(select(HomeroomRow.staff_id)))
        days = attendance_days(teachers // len(staff) + 1)
        planned = [
            Teacher(n, staff[n % len(staff)], n // len(staff), None)
            if staff[n % len(staff)] not in homeroom
            else Teacher(n, staff[n % len(staff)], n // len(staff), days[n // len(staff)])
            for n in range(teachers)
        ]
        codes = [
            (await create_invite(uow.identity, PersonRef(PersonKind.STAFF, t.staff_id), NOW)).code
            for t in planned
        ]
        year = await uow.school.year_row()
        decision = WindowDecision(WindowState.OPEN, datetime(2025, 10, 1, tzinfo=UTC))
        await uow.windows.add_decision(year.id, 1, decision, Author(None, "cli", "", NOW))
        await uow.commit()
    return planned, codes


async def run(url: str, teachers: int) -> tuple[Tally, Tally, LocalBotApi]:
    """``teachers`` at once, then ALONE more one after another (the figures of a quiet bot)."""
    database = Database(url)
    try:
        await create_demo_school(database, YEAR)
        planned, codes = await plan(database, teachers + ALONE)
        async with LocalBotApi(TOKEN, rate_limits=False) as api:
            settings = load_settings(
                {
                    "SODIEM_TELEGRAM_TOKEN": TOKEN,
                    "SODIEM_TELEGRAM_API_URL": api.base_url,
                    "SODIEM_DATABASE_URL": database.url,
                }
            )
            async with polling(build_application(settings, database, lambda: NOW)):
                people = [api.person(10_001 + t.number, f"Giáo viên {t.number + 1}") for t in planned]
                started = time.monotonic()
                await asyncio.gather(*(link(p, code) for p, code in zip(people, codes, strict=True)))
                linking = time.monotonic() - started
                print(f"set-up: {len(people)} accounts linked in {linking:.1f} s (not measured)")
                crowd = Tally()
                runs = [work(p, t, crowd) for p, t in zip(people[:teachers], planned[:teachers], strict=True)]
                await measure(api, crowd, runs)
                alone = Tally()  # afterwards, so that both find the same warm caches
                for person, teacher in zip(people[teachers:], planned[teachers:], strict=True):
                    await measure(api, alone, [work(person, teacher, alone)])
                return alone, crowd, api
    finally:
        await database.dispose()


async def measure(api: LocalBotApi, tally: Tally, runs: list[Coroutine[Any, Any, None]]) -> None:
    """Runs the teachers at once, adding the wall and CPU time and the Bot API calls to ``tally``."""
    tally.teachers += len(runs)
    before, cpu = dict(api.calls), time.process_time()
    sampling = asyncio.create_task(sample_memory(tally))
    with timing_database(tally):
        started = time.monotonic()
        await asyncio.gather(*runs)
        tally.wall += time.monotonic() - started
    sampling.cancel()
    tally.cpu += time.process_time() - cpu
    made = {method: count - before.get(method, 0) for method, count in api.calls.items()}
    tally.calls += sum(made.values()) - made.get("getUpdates", 0)
    tally.replies += sum(made.values()) - made.get("getUpdates", 0) - made.get("answerCallbackQuery", 0)


async def sample_memory(tally: Tally) -> None:
    """The process's resident memory, every tenth of a second, its highest kept in ``tally``."""
    page = os.sysconf("SC_PAGE_SIZE")
    while True:
        resident = int(Path("/proc/self/statm").read_text().split()[1]) * page
        tally.peak_rss = max(tally.peak_rss, resident)
        await asyncio.sleep(0.1)


async def link(person: Person, code: str) -> None:
    person.send_command(f"/start {code}")
    await person.wait_for(lambda m: bool(m.buttons), WAIT_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--teachers", type=int, default=200, help="simulated teachers at once (200)")
    parser.add_argument(
        "--database",
        type=local_database,
        action="append",
        help=f"sqlite, postgresql ({POSTGRES}) or a PostgreSQL server URL on 127.0.0.1;"
        " may be given twice (default: sqlite, then postgresql)",
    )
    args = parser.parse_args()
    if args.teachers < 1:
        parser.error("at least one teacher")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(f"entry: {args.teachers} teachers entering a score column (and attendance) at once")
    print(PACING)
    for choice in args.database or ["sqlite", "postgresql"]:
        with throwaway_database(choice) as (url, description):
            upgrade(url)
            alone, crowd, api = asyncio.run(run(url, args.teachers))
        report(description, alone, crowd, api)


if __name__ == "__main__":
    main()
