"""The outbox under Telegram's refusals: every parent receives exactly one copy, counted in the local
Bot API, through 429 storms, gateway errors, lost answers, blocked people and a killed process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from localapi import LocalBotApi
from notifications import dispatcher as dispatcher_module
from notifications.dispatcher import MAX_ATTEMPTS, Dispatcher
from notifications.telegram import TelegramChannel
from storage.db import Database
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork
from tests.notifications.deliver import start as start_dispatcher

TOKEN = "123456:OUTBOX-test"
FIRST_PARENT = 5000


@asynccontextmanager
async def telegram(api: LocalBotApi) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel.connect(api.token, api.base_url)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


async def parents_waiting(database: Database, api: LocalBotApi, count: int, notice: str) -> list[int]:
    """``count`` parents who have written to the bot, and one message for each in the outbox."""
    ids = [FIRST_PARENT + i for i in range(count)]
    for user_id in ids:
        api.person(user_id, f"Phụ huynh {user_id}").send_text("/start")
    async with UnitOfWork(database) as uow:
        messages = [
            Outgoing(
                f"{notice}:{user_id}", "telegram", str(user_id), f"PH {user_id}", f"{notice} — {user_id}"
            )
            for user_id in ids
        ]
        await uow.outbox.enqueue(messages, datetime.now(UTC))
        await uow.commit()
    return ids


def copies(api: LocalBotApi, user_id: int, notice: str) -> int:
    return sum(1 for message in api.sent_messages(user_id) if message.text.startswith(notice))


async def statuses(database: Database) -> dict[str, int]:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.outbox.counts()


async def test_a_storm_of_429_gateway_errors_and_a_lost_answer_leave_one_copy_each(database):
    async with LocalBotApi(TOKEN, rate_limits=True, fault_seed=7) as api, telegram(api) as channel:
        parents = await parents_waiting(database, api, 40, "Họp phụ huynh")
        api.inject_429(6, probability=0.4, retry_after=1)
        api.inject_bad_gateway(3, probability=0.3)
        api.inject_lost_response(1, probability=0.1)
        await Dispatcher(database, {"telegram": channel}, backoff_first=0.2).run_until_idle()

        assert [copies(api, p, "Họp phụ huynh") for p in parents] == [1] * 40
        assert api.rejections_429 == 6
        assert sum(1 for r in api.refusals if r.code == 502) == 3
        assert [r for r in api.refusals if not r.injected] == []  # paced within 30/s and 1/s a chat
        # the lost answer may have been delivered, so it is never sent again, and it says so
        assert await statuses(database) == {"sent": 39, "uncertain": 1}


async def test_a_blocked_parent_is_marked_and_not_retried(database):
    async with LocalBotApi(TOKEN, rate_limits=True) as api, telegram(api) as channel:
        parents = await parents_waiting(database, api, 3, "Nghỉ học")
        api.block_bot(parents[1])
        await Dispatcher(database, {"telegram": channel}).run_until_idle()

        assert [copies(api, p, "Nghỉ học") for p in parents] == [1, 0, 1]
        assert api.calls["sendMessage"] == 3
        async with UnitOfWork(database, read_only=True) as uow:
            rows = {d.recipient: d.status for d in await uow.outbox.report(None)}
        assert rows[str(parents[1])] == "blocked"


async def test_a_gateway_that_keeps_failing_gives_up_after_the_last_attempt(database):
    async with LocalBotApi(TOKEN, rate_limits=True) as api, telegram(api) as channel:
        [parent] = await parents_waiting(database, api, 1, "Lịch thi")
        api.inject_bad_gateway(None)
        await Dispatcher(database, {"telegram": channel}, backoff_first=0.01).run_until_idle()

        assert api.calls["sendMessage"] == MAX_ATTEMPTS
        assert copies(api, parent, "Lịch thi") == 0
        assert await statuses(database) == {"failed": 1}


async def test_killed_in_the_middle_of_a_delivery_it_resumes_and_sends_nothing_twice(database):
    """One send in flight (one worker), so that the copies can be counted exactly: the process dies while
    the stand-in delivers the 15th message, whose answer never comes back. With several workers, every
    send in flight at the kill is left ``uncertain`` the same way, arrived or not."""
    async with LocalBotApi(TOKEN, rate_limits=True) as api:
        parents = await parents_waiting(database, api, 40, "Thông báo")
        process = await start_dispatcher("telegram", database.url, api.base_url, TOKEN, 1)
        deliver = api.world.bot_message

        def kill_at_the_fifteenth(*args, **kwargs):
            message = deliver(*args, **kwargs)
            if api.calls["sendMessage"] == 15:  # the answer to this one never reaches the dispatcher
                os.kill(process.pid, signal.SIGKILL)
            return message

        api.world.bot_message = kill_at_the_fifteenth
        assert await asyncio.wait_for(process.wait(), 60) == -signal.SIGKILL
        api.world.bot_message = deliver
        assert sum(copies(api, p, "Thông báo") for p in parents) == 15

        restarted = await start_dispatcher("telegram", database.url, api.base_url, TOKEN, 1)
        assert await asyncio.wait_for(restarted.wait(), 60) == 0

        assert [copies(api, p, "Thông báo") for p in parents] == [1] * 40
        assert await statuses(database) == {"sent": 39, "uncertain": 1}


async def test_a_committed_message_is_sent_at_once_and_a_put_off_one_when_it_comes_due(database, monkeypatch):
    """The running dispatcher is woken by the commit that adds a message, not by its poll (set here to
    ten minutes); a message put off by a gateway error is retried when it comes due."""
    monkeypatch.setattr(dispatcher_module, "POLL_SECONDS", 600.0)
    async with LocalBotApi(TOKEN, rate_limits=True) as api, telegram(api) as channel:
        dispatcher = Dispatcher(database, {"telegram": channel}, backoff_first=0.5)
        running = asyncio.create_task(dispatcher.run())
        try:
            await until(lambda: dispatcher._next_look > time.monotonic() + 60)  # idle, polling in 10 min
            [first] = await parents_waiting(database, api, 1, "Họp lớp")
            await until(lambda: copies(api, first, "Họp lớp") == 1)

            api.inject_bad_gateway(1)
            await until(lambda: dispatcher._next_look > time.monotonic() + 60)
            [second] = await parents_waiting(database, api, 1, "Nghỉ lễ")
            await until(lambda: copies(api, second, "Nghỉ lễ") == 1)
            assert api.calls["sendMessage"] == 3  # the second parent's message twice: refused, then sent
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running


async def until(condition, seconds: float = 60.0) -> None:
    """Waits for ``condition`` a few milliseconds at a time; fails after ``seconds``."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)
