"""No parent left without a copy: the delivering process is killed (kill -9) while a notice's message is
on its way, either before the stand-in delivers it or just after (the parent has it, the sender never
learnt so). After the restart every parent has exactly one copy, or is named to the author in the
notice's delivery report as "không chắc đã đến"; the row is not sent again on its own, through further
restarts; once the author decides to send a lost one again, every parent has exactly one copy."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime

import pytest

from domain.notices import Audience, Reach, Scope
from localapi import LocalBotApi
from locales import translator
from storage.changes import Author
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork
from tests.notifications.deliver import start as start_dispatcher
from tests.notifications.test_delivery import TOKEN, copies, statuses

NOTICE = "Họp phụ huynh"
PARENTS = [6000 + n for n in range(20)]


async def notice_waiting(database, api) -> int:
    for user_id in PARENTS:
        api.person(user_id, f"Phụ huynh {user_id}").send_text("/start")
    now = datetime.now(UTC)
    async with UnitOfWork(database) as uow:
        notice_id = await uow.notices.add(Reach(Scope.SCHOOL), Audience.PARENTS, NOTICE, None, now)
        messages = [
            Outgoing(
                f"n:{user_id}", "telegram", str(user_id), f"PH {user_id}", f"{NOTICE} — {user_id}", notice_id
            )
            for user_id in PARENTS
        ]
        await uow.outbox.enqueue(messages, now)
        await uow.commit()
    return notice_id


async def deliver(database, api) -> asyncio.subprocess.Process:
    return await start_dispatcher("telegram", database.url, api.base_url, TOKEN, 1)


async def crash_at_the_eighth(database, api, arrives: bool) -> None:
    """The delivery, killed with SIGKILL while the eighth message is being sent (after it reached the
    parent when ``arrives``), then restarted twice."""
    process = await deliver(database, api)
    deliver_message = api.world.bot_message

    def killed_at_the_eighth(*args, **kwargs):
        if api.calls["sendMessage"] == 8:  # the process dies before it hears back
            if arrives:
                deliver_message(*args, **kwargs)
            os.kill(process.pid, signal.SIGKILL)
            raise ConnectionResetError("the sender is gone")
        return deliver_message(*args, **kwargs)

    api.world.bot_message = killed_at_the_eighth
    assert await asyncio.wait_for(process.wait(), 60) == -signal.SIGKILL
    api.world.bot_message = deliver_message
    for _ in range(2):  # restarted, twice: the uncertain row is not sent again on its own
        assert await asyncio.wait_for((await deliver(database, api)).wait(), 60) == 0


async def may_lack_a_copy(database, notice_id: int) -> list[int]:
    """The parents the author's delivery report names as "không chắc đã đến"."""
    async with UnitOfWork(database, read_only=True) as uow:
        report = await uow.outbox.report(notice_id)
    assert translator("vi")("notices.status.uncertain").startswith("không chắc đã đến")
    return [int(r.recipient) for r in report if r.status == "uncertain"]


@pytest.mark.parametrize("arrives", [False, True], ids=["lost", "arrived-unconfirmed"])
async def test_after_a_crash_every_parent_has_one_copy_or_the_author_sees_who_may_lack_one(database, arrives):
    async with LocalBotApi(TOKEN, rate_limits=True) as api:
        notice_id = await notice_waiting(database, api)
        await crash_at_the_eighth(database, api, arrives)
        named = await may_lack_a_copy(database, notice_id)
        assert len(named) == 1 and await statuses(database) == {"sent": 19, "uncertain": 1}
        assert all(copies(api, p, NOTICE) == 1 for p in PARENTS if p not in named)
        assert copies(api, named[0], NOTICE) == (1 if arrives else 0)  # never two without a decision
        if arrives:
            return  # the author may leave it: that parent has the one copy already

        async with UnitOfWork(database) as uow:  # the author presses "send again"
            author = Author(None, "telegram", "1", datetime.now(UTC))
            assert await uow.outbox.resend_uncertain(notice_id, author) == 1
            await uow.commit()
        assert await asyncio.wait_for((await deliver(database, api)).wait(), 60) == 0
        assert [copies(api, p, NOTICE) for p in PARENTS] == [1] * len(PARENTS)
        assert await statuses(database) == {"sent": 20}
