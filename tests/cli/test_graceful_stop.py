"""``sodiem run`` stopped with SIGTERM (systemd's and Docker's stop) in the middle of a broadcast: it
finishes the message being sent, leaves every other message waiting in the outbox and exits within
10 seconds; started again, it sends the rest. Nobody gets a message twice and nobody is missed."""

import asyncio
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from localapi import LocalBotApi
from storage.db import Database
from storage.migrate import upgrade
from storage.models import OutboxRow
from storage.outbox_store import SENT, Outgoing
from storage.uow import UnitOfWork
from tests.ports import free_port

SODIEM = str(Path(sys.executable).with_name("sodiem"))
TOKEN = "123456:graceful-stop"
PARENTS = 150
FIRST_ID = 70_000


async def start(folder: Path, url: str, api: LocalBotApi) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "SODIEM_TELEGRAM_TOKEN": TOKEN,
        "SODIEM_TELEGRAM_API_URL": api.base_url,
        "SODIEM_DATABASE_URL": url,
        "SODIEM_PUBLIC_LISTEN": f"127.0.0.1:{free_port()}",
        "SODIEM_LOG_FORMAT": "json",
    }
    out, log = (folder / "run.out").open("ab"), (folder / "run.log").open("ab")
    return await asyncio.create_subprocess_exec(SODIEM, "run", cwd=folder, env=env, stdout=out, stderr=log)


NOTICE = "Họp phụ huynh lúc 19:00 thứ Sáu"


def received(api: LocalBotApi) -> list[int]:
    """How many times each parent has the notice."""
    return [sum(m.text == NOTICE for m in api.sent_messages(FIRST_ID + n)) for n in range(PARENTS)]


async def until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def stop(process: asyncio.subprocess.Process) -> float:
    """SIGTERM; the seconds it took to exit."""
    asked = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 30) == 0
    return time.monotonic() - asked


async def statuses(database: Database) -> dict[str, int]:
    async with UnitOfWork(database, read_only=True) as uow:
        rows = await uow.session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
        return dict(rows.all())


async def test_sigterm_in_the_middle_of_a_broadcast_loses_and_repeats_nothing(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'sodiem.db'}"
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    async with LocalBotApi(TOKEN) as api:
        for n in range(PARENTS):
            api.person(FIRST_ID + n, f"Phụ huynh {n}").send_command("/start")
        broadcast = [Outgoing(f"stop-{n}", "telegram", str(FIRST_ID + n), "", NOTICE) for n in range(PARENTS)]
        async with UnitOfWork(database) as uow:
            await uow.outbox.enqueue(broadcast, datetime.now(UTC))
            await uow.commit()

        first = await start(tmp_path, url, api)
        await until(lambda: sum(received(api)) >= 20)
        assert await stop(first) < 10
        after_stop = await statuses(database)
        got = received(api)
        assert max(got) == 1
        assert after_stop.get(SENT) == sum(got) < PARENTS, after_stop  # every send recorded, the rest waits
        assert set(after_stop) == {SENT, "pending"}, "nothing left half-sent or uncertain"

        second = await start(tmp_path, url, api)
        await until(lambda: min(received(api)) >= 1)
        await asyncio.sleep(0.5)  # a duplicate would show up here
        assert await stop(second) < 10
        assert received(api) == [1] * PARENTS
        assert await statuses(database) == {SENT: PARENTS}
    await database.dispose()
    lines = [json.loads(line) for line in (tmp_path / "run.log").read_text().splitlines()]
    handled = [line for line in lines if line["message"].startswith("update handled")]
    assert {line["account"] for line in handled} == {str(FIRST_ID + n) for n in range(PARENTS)}
