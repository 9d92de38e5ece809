"""The memory of ``sodiem run`` itself, in its own process, while a crowd presses menu buttons.

The demo school is put into a throwaway database; ``sodiem run`` (the real command, as a school runs it)
is started against the local Bot API, which runs here with the simulated people. N people (200 by
default) link with invite codes, then press through the menu K times each (the route of
bench/throughput.py), all at once. The bot process's resident memory is sampled from /proc every tenth
of a second; its peak (and the kernel's own high-water mark, VmHWM) is printed, with the presses a
second and the reply latency seen from outside the bot. Target (issue 20): under 150 MB.

The development venv holds tools a school's install has not (import-linter brings rich, click and
Pygments, which httpx then loads: about 18 MB). ``--sodiem`` runs another install's command, for example
a plain ``pip install .`` as the Docker image makes it:

  python3 -m venv /tmp/sodiem-plain && /tmp/sodiem-plain/bin/pip install .
  .venv/bin/python bench/memory.py --sodiem /tmp/sodiem-plain/bin/sodiem

Prints figures only; nothing is asserted.

Run: .venv/bin/python bench/memory.py [--people 200] [--presses 10] [--database sqlite|postgresql|URL]
                                      [--sodiem PATH]
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # see bench/throughput.py

from bench.harness import pressing_arguments, pressing_parser, throwaway_database
from bench.throughput import TOKEN, YEAR, first_screens, invite, measure, sodiem_next_press
from cli.demo import create_demo_school
from localapi import LocalBotApi
from storage.db import Database
from storage.migrate import upgrade

VENV_SODIEM = str(Path(sys.executable).with_name("sodiem"))
MB = 2**20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def resident(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of the process, in bytes."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) * 1024, int(fields["VmHWM"].split()[0]) * 1024


async def sample(pid: int, peaks: list[int]) -> None:
    while True:
        peaks.append(resident(pid)[0])
        await asyncio.sleep(0.1)


async def start_bot(sodiem: str, url: str, api: LocalBotApi, folder: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "SODIEM_TELEGRAM_TOKEN": TOKEN,
        "SODIEM_TELEGRAM_API_URL": api.base_url,
        "SODIEM_DATABASE_URL": url,
        "SODIEM_PUBLIC_LISTEN": f"127.0.0.1:{free_port()}",
    }
    log = (folder / "sodiem-run.log").open("ab")
    return await asyncio.create_subprocess_exec(
        sodiem, "run", cwd=folder, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT
    )


async def benchmark(sodiem: str, url: str, people: int, presses: int) -> None:
    database = Database(url)
    try:
        await create_demo_school(database, YEAR)
        codes = await invite(database, people)
    finally:
        await database.dispose()
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    async with LocalBotApi(TOKEN, rate_limits=False) as api:
        bot = await start_bot(sodiem, url, api, folder)
        try:
            idle_after_start = await settled(bot.pid)
            started = time.monotonic()
            screens = await first_screens(api, [f"/start {code}" for code in codes])
            print(f"set-up: {people} people linked to `sodiem run` in {time.monotonic() - started:.1f} s")
            peaks: list[int] = []
            sampling = asyncio.create_task(sample(bot.pid, peaks))
            result = await measure("sodiem run", api, screens, presses, sodiem_next_press)
            sampling.cancel()
            rss, hwm = resident(bot.pid)
        finally:
            bot.send_signal(signal.SIGTERM)
            await asyncio.wait_for(bot.wait(), 60)
    print()
    print(f"`sodiem run` resident memory: {idle_after_start / MB:.0f} MB started and idle,")
    print(f"  at most {max(peaks) / MB:.0f} MB under {people} people × {presses} presses (sampled),")
    print(f"  high-water mark {hwm / MB:.0f} MB (VmHWM, the process's whole life), {rss / MB:.0f} MB after")
    print(
        f"presses: {result.presses} in {result.wall:.1f} s, {result.per_second:.1f} a second,"
        f" p50 {result.percentile_ms(50):.0f} ms, p95 {result.percentile_ms(95):.0f} ms"
    )


async def settled(pid: int, seconds: float = 60) -> int:
    """The bot's memory once it has started and stays put for a second (it is polling by then)."""
    deadline, last = time.monotonic() + seconds, -1
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        now = resident(pid)[0]
        if abs(now - last) < MB:
            return now
        last = now
    return last


def main() -> None:
    parser = pressing_parser(__doc__, people=200)
    parser.add_argument("--sodiem", default=VENV_SODIEM, help=f"the sodiem command to run ({VENV_SODIEM})")
    args = pressing_arguments(parser)
    with throwaway_database(args.database) as (url, description):
        print(f"memory: `sodiem run` in its own process, {args.people} people × {args.presses} presses")
        print(f"database: {description}; the demo school ({YEAR}); command: {args.sodiem}")
        upgrade(url)
        asyncio.run(benchmark(args.sodiem, url, args.people, args.presses))


if __name__ == "__main__":
    main()
