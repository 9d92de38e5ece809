"""How many button presses a second sodiem answers, beside a bare python-telegram-bot echo bot.

N simulated people (teachers and leaders of the demo school, linked beforehand) press menu buttons
against the local Bot API, all at once, each K times in a row and each waiting for the reply before
pressing again: help → back to the menu → my classes → a class → back → the menu, and again. A reply
is the pressed message edited in place (answerCallbackQuery, then editMessageText); its latency runs
from the press to the edit, as the person sees it.

The same people then do the same against a bare PTB bot on a fresh stand-in, which answers each press
with the same two calls and nothing else: the framework's own ceiling on this machine, with PTB's own
HTTP client (httpx). sodiem talks to the Bot API over aiohttp (notifications/telegram_request.py), which
costs less CPU a call, so a third run gives the echo bot that client too: the ratio against it is what
sodiem's own work (database, screens, routing) costs beside the framework's. Both bots run
with ``concurrent_updates`` 64 (sodiem's processor allows 64 at once) and with the stand-in's flood
limits off (with them on, both would be held to Telegram's 30 messages a second). sodiem keeps its own
rate limiter, which holds it to about 30 edits a second whatever the stand-in allows; ``--paced-echo``
adds a run of the echo bot with that same limiter. Bots, stand-in and people share one event loop, so
the figures include the stand-in's own work.

Prints updates a second, p50 and p95 reply latency, 429s and refused calls for each, and the ratios.
Nothing is asserted. Linking the people is set-up and is not measured.

Run: .venv/bin/python bench/throughput.py [--people 100] [--presses 10] [--database sqlite|URL]
                                          [--paced-echo]
(python -m bench.throughput works the same.)
A PostgreSQL URL names the server (127.0.0.1 only): a throwaway database is made there and dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, Python puts bench/ first on the path, where a module could hide a package of the
# same name: the project's root goes before it (and makes bench.throughput importable).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.harness import polling, pressing_arguments, pressing_parser, throwaway_database
from bot.app import build_application
from bot.config import load_settings
from bot.ratelimit import PerChatRateLimiter
from cli.demo import create_demo_school
from domain.identity import PersonKind, PersonRef, create_invite
from localapi import LocalBotApi, Person, StoredMessage
from notifications.telegram_request import AiohttpRequest
from storage.db import Database
from storage.migrate import upgrade
from storage.models import StaffRow
from storage.uow import UnitOfWork

TOKEN = "123456:BENCH-throughput"
YEAR = "2025-2026"
CONCURRENT_UPDATES = 64  # as bot.processor.PerPersonProcessor
WAIT_SECONDS = 60.0  # for one reply; a slower one stops the run with a TimeoutError
# Teachers open "📚 Lớp tôi dạy" (mine:0); the vice principal and the administrator, who teach
# nothing, open "🏫 Các lớp của trường" (all:0). More people than staff: accounts share a person.
STAFF_CODES = [f"GV{number:03d}" for number in range(1, 28)] + ["CB002", "CB003"]
CLASSES, CLASS = "<classes>", "<a class>"
ROUTE = ("help", "menu", CLASSES, CLASS, CLASSES, "menu")  # from the menu back to the menu

PACING = """\
pacing: the stand-in's flood limits are off for both bots; both run with concurrent_updates 64.
  sodiem paces its sends with bot.ratelimit.PerChatRateLimiter (30 a second for the bot, about one
  a second per chat); the edits and answers of a press are not paced, as Telegram does not limit them.
  The echo bot has no rate limiter (--paced-echo adds a run with sodiem's)."""

NextPress = Callable[[int, StoredMessage], str]


@dataclass
class Result:
    name: str
    latencies: list[float]  # seconds, one a press
    wall: float  # seconds for all the presses
    calls: int  # Bot API calls during the presses, getUpdates aside
    rejections_429: int
    refusals: int
    cpu: float = 0.0  # seconds of this process's CPU (bot, stand-in and people alike) for the presses

    @property
    def presses(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.presses / self.wall

    def percentile_ms(self, percent: int) -> float:
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[percent - 1] * 1000


# --- pressing --------------------------------------------------------------------------------------


async def press_once(person: Person, message: StoredMessage, data: str) -> float:
    """Presses a button of ``message`` and waits until the bot has edited it; the seconds it took."""
    before = message.edit_count
    started = time.monotonic()
    person.press(data, message)
    await person.wait_for(lambda m: m is message and m.edit_count > before, WAIT_SECONDS)
    assert message.edited_at is not None
    return message.edited_at - started


async def press_in_turn(
    person: Person, message: StoredMessage, presses: int, next_press: NextPress
) -> list[float]:
    return [await press_once(person, message, next_press(number, message)) for number in range(presses)]


async def measure(
    name: str, api: LocalBotApi, screens: dict[Person, StoredMessage], presses: int, next_press: NextPress
) -> Result:
    calls, refusals = press_calls(api), len(api.refusals)
    started, cpu_started = time.monotonic(), time.process_time()
    runs = [press_in_turn(person, message, presses, next_press) for person, message in screens.items()]
    latencies = [latency for run in await asyncio.gather(*runs) for latency in run]
    wall = time.monotonic() - started
    return Result(
        name,
        latencies,
        wall,
        press_calls(api) - calls,
        api.rejections_429,
        len(api.refusals) - refusals,
        time.process_time() - cpu_started,
    )


def press_calls(api: LocalBotApi) -> int:
    return sum(count for method, count in api.calls.items() if method != "getUpdates")


def sodiem_next_press(number: int, message: StoredMessage) -> str:
    """The callback data of the next step of ROUTE, found among the buttons now on the message."""
    step = ROUTE[number % len(ROUTE)]
    if step == CLASSES:
        return "mine:0" if message.find_button("mine:0") else "all:0"
    if step == CLASS:
        classes = [
            b["callback_data"] for row in message.buttons for b in row if b["callback_data"][:4] == "cls:"
        ]
        return classes[number // len(ROUTE) % len(classes)]  # another class each round
    return step


def echo_next_press(number: int, message: StoredMessage) -> str:
    return message.buttons[0][0]["callback_data"]


# --- the two bots ----------------------------------------------------------------------------------


def echo_keyboard(number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(f"Bấm {number}", callback_data=f"echo:{number}")]])


async def echo_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Bấm nút", reply_markup=echo_keyboard(1))


async def echo_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    number = int(query.data.partition(":")[2])
    with contextlib.suppress(TelegramError):  # too late (over 15 s): the edit still goes, as sodiem's
        await query.answer()
    await query.edit_message_text(f"Đã bấm {number}", reply_markup=echo_keyboard(number + 1))


def echo_application(api: LocalBotApi, paced: bool, aiohttp: bool) -> Application:
    builder = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if aiohttp:  # as sodiem's bot/app.py
        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest(connections=1))
    application = (builder.rate_limiter(PerChatRateLimiter()) if paced else builder).build()
    application.add_handler(CommandHandler("start", echo_start))
    application.add_handler(CallbackQueryHandler(echo_press))
    return application


async def first_screens(api: LocalBotApi, starts: list[str]) -> dict[Person, StoredMessage]:
    """Each person sends their /start and waits for the message with buttons."""

    async def start(person: Person, command: str) -> StoredMessage:
        person.send_command(command)
        return await person.wait_for(lambda m: bool(m.buttons), WAIT_SECONDS)

    people = [api.person(10_001 + number, f"Người {number + 1}") for number in range(len(starts))]
    screens = await asyncio.gather(*(start(p, command) for p, command in zip(people, starts, strict=True)))
    return dict(zip(people, screens, strict=True))


async def run_sodiem(database: Database, people: int, presses: int) -> Result:
    codes = await invite(database, people)
    async with LocalBotApi(TOKEN, rate_limits=False) as api:
        settings = load_settings(
            {
                "SODIEM_TELEGRAM_TOKEN": TOKEN,
                "SODIEM_TELEGRAM_API_URL": api.base_url,
                "SODIEM_DATABASE_URL": database.url,
            }
        )
        async with polling(build_application(settings, database)):
            started = time.monotonic()
            screens = await first_screens(api, [f"/start {code}" for code in codes])
            linking = time.monotonic() - started
            print(f"set-up: {people} people linked to sodiem in {linking:.1f} s (not measured)")
            return await measure("sodiem", api, screens, presses, sodiem_next_press)


async def run_echo(people: int, presses: int, paced: bool = False, aiohttp: bool = False) -> Result:
    name = "echo" + (" paced" if paced else "") + (" aiohttp" if aiohttp else "")
    async with LocalBotApi(TOKEN, rate_limits=False) as api, polling(echo_application(api, paced, aiohttp)):
        screens = await first_screens(api, ["/start"] * people)
        return await measure(name, api, screens, presses, echo_next_press)


# --- the school and its database -------------------------------------------------------------------


async def invite(database: Database, people: int) -> list[str]:
    """One invite code a person, for the staff of STAFF_CODES in turn."""
    now = datetime.now(UTC)
    async with UnitOfWork(database) as uow:
        rows = await uow.session.execute(
            select(StaffRow.code, StaffRow.id).where(StaffRow.code.in_(STAFF_CODES))
        )
        staff_ids = dict(rows.all())
        codes = []
        for number in range(people):
            staff = PersonRef(PersonKind.STAFF, staff_ids[STAFF_CODES[number % len(STAFF_CODES)]])
            codes.append((await create_invite(uow.identity, staff, now)).code)
        await uow.commit()
    return codes


async def benchmark(url: str, people: int, presses: int, paced_echo: bool) -> list[Result]:
    database = Database(url)
    try:
        await create_demo_school(database, YEAR)
        results = [await run_sodiem(database, people, presses)]
    finally:
        await database.dispose()
    results.append(await run_echo(people, presses))
    results.append(await run_echo(people, presses, aiohttp=True))
    if paced_echo:
        results.append(await run_echo(people, presses, paced=True))
    return results


# --- output ----------------------------------------------------------------------------------------


def report(results: list[Result]) -> None:
    print()
    print(f"{'':18s} {'presses':>7s} {'wall s':>7s} {'updates/s':>10s} {'p50 ms':>8s} {'p95 ms':>8s}", end="")
    print(f" {'calls/press':>12s} {'429s':>5s} {'refused':>8s} {'CPU ms/press':>13s}")
    for result in results:
        print(
            f"{result.name:18s} {result.presses:7d} {result.wall:7.2f} {result.per_second:10.1f}"
            f" {result.percentile_ms(50):8.1f} {result.percentile_ms(95):8.1f}"
            f" {result.calls / result.presses:12.2f} {result.rejections_429:5d} {result.refusals:8d}"
            f" {result.cpu * 1000 / result.presses:13.1f}"
        )
    sodiem = results[0]
    for echo in results[1:]:
        print(
            f"{'sodiem/' + echo.name:18s} {'':7s} {'':7s} {sodiem.per_second / echo.per_second:10.2f}"
            f" {sodiem.percentile_ms(50) / echo.percentile_ms(50):8.2f}"
            f" {sodiem.percentile_ms(95) / echo.percentile_ms(95):8.2f}"
            f" {'':12s} {'':5s} {'':8s} {sodiem.cpu / echo.cpu:13.2f}"
        )
    print("(echo: PTB's own HTTP client, the target's yardstick; echo aiohttp: sodiem's HTTP client;")
    print(" calls/press: Bot API calls other than getUpdates; ratios: sodiem divided by the echo bot;")
    print(" CPU: this process's, the stand-in and the simulated people included, the same for both)")


def main() -> None:
    parser = pressing_parser(__doc__, people=100)
    parser.add_argument(
        "--paced-echo",
        action="store_true",
        help="also run the echo bot with sodiem's rate limiter (people × presses / 30 seconds more)",
    )
    args = pressing_arguments(parser)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with throwaway_database(args.database) as (url, description):
        print(f"throughput: {args.people} people × {args.presses} presses, each waiting for its reply")
        print(f"database: {description}; the demo school ({YEAR})")
        print(PACING)
        upgrade(url)
        results = asyncio.run(benchmark(url, args.people, args.presses, args.paced_echo))
    report(results)


if __name__ == "__main__":
    main()
