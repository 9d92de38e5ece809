"""bench/throughput.py through the web chat: the same people and the same presses (help → menu → my
classes → a class → back → menu), once on the Telegram path (the local Bot API) and once as browsers do
it through sodiem's web server — sign-in with an invite code, POST /api/press with the session cookie
and CSRF token, then /api/chat long-polled until the pressed message is edited in place. The latency
runs from the press to the moment the browser reads the edit.

Prints presses a second, p50 and p95 for both and the ratios (web divided by Telegram). Nothing asserted.

Run: .venv/bin/python bench/web_throughput.py [--people 50] [--presses 10] [--database sqlite|URL]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

import web  # noqa: E402
from bench.throughput import (  # noqa: E402
    POSTGRES,
    TOKEN,
    WAIT_SECONDS,
    YEAR,
    Result,
    invite,
    local_database,
    polling,
    press_calls,
    report,
    run_sodiem,
    sodiem_next_press,
    throwaway_database,
)
from bot.app import build_application, utc_now  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.public import PublicServer  # noqa: E402
from cli.demo import create_demo_school  # noqa: E402
from localapi import LocalBotApi, StoredMessage  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

CSRF = re.compile(r'name="csrf-token" content="([0-9a-f]+)"')


class Browser:
    def __init__(self, url: str) -> None:
        self.http = aiohttp.ClientSession(base_url=url, cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""
        self.seq = 0

    async def sign_in(self, code: str) -> None:
        async with self.http.get("/signin") as page:
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', await page.text())[1]
        async with self.http.post("/signin", data={"code": code, "csrf": token}) as chat:
            self.csrf = CSRF.search(await chat.text())[1]

    async def post(self, path: str, body: dict) -> None:
        async with self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf}) as response:
            assert response.status == 200, response.status

    async def until(self, probe) -> dict:
        """Long-polls the chat until ``probe`` finds a message; answers it."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            async with self.http.get(f"/api/chat?after={self.seq}&timeout=25") as response:
                chat = await response.json()
            self.seq = chat["seq"]
            found = next((m for m in reversed(chat["messages"]) if probe(m)), None)
            if found is not None:
                return found
        raise TimeoutError("no reply in time")

    async def presses(self, count: int) -> list[float]:
        await self.post("/api/text", {"text": "/menu"})
        screen = await self.until(lambda m: m["from_bot"] and m.get("reply_markup"))
        latencies = []
        for number in range(count):
            data = sodiem_next_press(number, StoredMessage(0, screen["message_id"], True, screen))
            before, started = screen["edit_count"], time.monotonic()
            await self.post("/api/press", {"message_id": screen["message_id"], "data": data})
            screen = await self.until(
                lambda m, pressed=screen["message_id"], seen=before: (
                    m["message_id"] == pressed and m["edit_count"] > seen
                )
            )
            latencies.append(time.monotonic() - started)
        return latencies


async def run_web(database: Database, people: int, presses: int) -> Result:
    codes = await invite(database, people)
    async with LocalBotApi(TOKEN, rate_limits=False) as api:
        environ = {
            "SODIEM_TELEGRAM_TOKEN": TOKEN,
            "SODIEM_TELEGRAM_API_URL": api.base_url,
            "SODIEM_DATABASE_URL": database.url,
            "SODIEM_PUBLIC_URL": "http://127.0.0.1",
        }
        settings = load_settings(environ, env_file=None)
        application = build_application(settings, database)
        server = PublicServer(database, ("127.0.0.1", 0), utc_now)
        gateway = web.mount(server, application, database, settings, utc_now, environ={})
        async with polling(application):
            await server.start()
            host, port = server.listen
            browsers = [Browser(f"http://{host}:{port}") for _ in codes]
            try:
                started = time.monotonic()
                await asyncio.gather(*(b.sign_in(code) for b, code in zip(browsers, codes, strict=True)))
                signing_in = time.monotonic() - started
                print(f"set-up: {people} browsers signed in in {signing_in:.1f} s (not measured)")
                calls = press_calls(gateway.local)
                started, cpu = time.monotonic(), time.process_time()
                runs = await asyncio.gather(*(b.presses(presses) for b in browsers))
                wall = time.monotonic() - started
                latencies = [latency for run in runs for latency in run]
                return Result(
                    "sodiem web",
                    latencies,
                    wall,
                    press_calls(gateway.local) - calls,
                    gateway.local.rejections_429,
                    len(gateway.local.refusals),
                    time.process_time() - cpu,
                )
            finally:
                for browser in browsers:
                    await browser.http.close()
                await server.stop()


async def benchmark(url: str, people: int, presses: int) -> list[Result]:
    database = Database(url)
    try:
        await create_demo_school(database, YEAR)
        telegram = await run_sodiem(database, people, presses)
        telegram.name = "sodiem telegram"
        return [await run_web(database, people, presses), telegram]
    finally:
        await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument(
        "--database", type=local_database, default="sqlite", help=f"sqlite, postgresql ({POSTGRES})"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with throwaway_database(args.database) as (url, description):
        print(f"web throughput: {args.people} people × {args.presses} presses; database: {description}")
        upgrade(url)
        results = asyncio.run(benchmark(url, args.people, args.presses))
    report(results)


if __name__ == "__main__":
    main()
