"""The outbox on Zalo, under the platform's refusals: every parent receives exactly one copy, counted
in the local Zalo Bot API, through 429s, server errors, a lost answer, a blocked parent and a killed
process."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from bot.public import PublicServer, picture_name
from localzalo import LocalZaloApi
from notifications.dispatcher import Dispatcher
from notifications.zalo import ZaloChannel, pieces
from storage.db import Database
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork
from tests.ports import free_port

TOKEN = "99887766:ZALO-outbox-test"


@asynccontextmanager
async def zalo_channel(zalo: LocalZaloApi) -> AsyncIterator[ZaloChannel]:
    channel = ZaloChannel.connect(zalo.token, zalo.base_url)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


async def parents_waiting(database: Database, zalo: LocalZaloApi, count: int, notice: str) -> list[str]:
    ids = [f"zl-{i:03}" for i in range(count)]
    for user_id in ids:
        zalo.person(user_id, f"Phụ huynh {user_id}").send_text("xin chao")
    async with UnitOfWork(database) as uow:
        messages = [Outgoing(f"{notice}:{u}", "zalo", u, f"PH {u}", f"{notice} — {u}") for u in ids]
        await uow.outbox.enqueue(messages, datetime.now(UTC))
        await uow.commit()
    return ids


def copies(zalo: LocalZaloApi, user_id: str, notice: str) -> int:
    return sum(1 for message in zalo.sent_messages(user_id) if message.text.startswith(notice))


async def statuses(database: Database) -> dict[str, int]:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.outbox.counts()


async def test_429s_server_errors_and_a_lost_answer_leave_one_copy_each(database):
    async with LocalZaloApi(TOKEN, rate_limits=True, fault_seed=3) as zalo, zalo_channel(zalo) as channel:
        parents = await parents_waiting(database, zalo, 30, "Họp phụ huynh")
        zalo.inject_429(5, probability=0.4, retry_after=1)
        zalo.inject_server_error(3, probability=0.3)
        zalo.inject_lost_response(1, probability=0.1)
        await Dispatcher(database, {"zalo": channel}, backoff_first=0.2).run_until_idle()

        assert [copies(zalo, p, "Họp phụ huynh") for p in parents] == [1] * 30
        assert zalo.rejections_429 == 5
        assert sum(1 for r in zalo.refusals if r.code == 502) == 3
        assert [r for r in zalo.refusals if not r.injected] == []  # paced within the flood limits
        assert await statuses(database) == {"sent": 29, "uncertain": 1}


async def test_a_parent_who_blocked_the_bot_is_marked_and_not_retried(database):
    async with LocalZaloApi(TOKEN, rate_limits=True) as zalo, zalo_channel(zalo) as channel:
        parents = await parents_waiting(database, zalo, 3, "Nghỉ học")
        zalo.person(parents[1], "").block_bot()
        await Dispatcher(database, {"zalo": channel}).run_until_idle()

        assert [copies(zalo, p, "Nghỉ học") for p in parents] == [1, 0, 1]
        assert zalo.calls["sendMessage"] == 3
        async with UnitOfWork(database, read_only=True) as uow:
            rows = {d.recipient: d.status for d in await uow.outbox.report(None)}
        assert rows[parents[1]] == "blocked"


async def test_killed_in_the_middle_of_a_delivery_it_resumes_and_sends_nothing_twice(database):
    async with LocalZaloApi(TOKEN, rate_limits=True) as zalo:
        parents = await parents_waiting(database, zalo, 30, "Thông báo")
        command = [
            sys.executable,
            "-m",
            "tests.notifications.deliver",
            "zalo",
            database.url,
            zalo.base_url,
            TOKEN,
        ]
        process = await asyncio.create_subprocess_exec(*command, "1")
        deliver = zalo.add_message

        def kill_at_the_twelfth(*args, **kwargs):
            message = deliver(*args, **kwargs)
            if message.from_bot and zalo.calls["sendMessage"] == 12:  # its answer never comes back
                os.kill(process.pid, signal.SIGKILL)
            return message

        zalo.add_message = kill_at_the_twelfth
        assert await asyncio.wait_for(process.wait(), 60) == -signal.SIGKILL
        zalo.add_message = deliver
        assert sum(copies(zalo, p, "Thông báo") for p in parents) == 12

        restarted = await asyncio.create_subprocess_exec(*command, "1")
        assert await asyncio.wait_for(restarted.wait(), 60) == 0

        assert [copies(zalo, p, "Thông báo") for p in parents] == [1] * 30
        assert await statuses(database) == {"sent": 29, "uncertain": 1}


async def test_a_long_notice_in_pieces_arrives_in_order_when_the_first_piece_is_held_back(database):
    async with LocalZaloApi(TOKEN, rate_limits=True) as zalo, zalo_channel(zalo) as channel:
        zalo.person("zl-lan", "Chị Lan").send_text("xin chao")
        text = "\n".join(f"{n}. Lịch thi học kỳ I môn số {n}: sáng thứ Hai, phòng 6A." for n in range(1, 80))
        parts = pieces(text)
        assert len(parts) == 3 and all(len(part) <= 2000 for part in parts)
        async with UnitOfWork(database) as uow:
            rows = [Outgoing(f"thi:{n}", "zalo", "zl-lan", "Chị Lan", part) for n, part in enumerate(parts)]
            await uow.outbox.enqueue(rows, datetime.now(UTC))
            await uow.commit()
        zalo.inject_429(1, retry_after=1)  # the first piece must wait; the others wait behind it
        await Dispatcher(database, {"zalo": channel}).run_until_idle()

        assert [m.text for m in zalo.sent_messages("zl-lan")] == parts
        assert "".join(parts) == text and zalo.rejections_429 == 1


async def test_report_card_pictures_under_faults_arrive_once_each_after_their_text(database):
    """Each parent's card text and picture are two rows: through 429s, 502s and a lost answer, one copy
    of each, the picture after the text, fetched by the stand-in from sodiem's web server."""
    port = free_port()
    server = PublicServer(database, ("127.0.0.1", port), lambda: datetime.now(UTC))
    png = card_like_png()
    async with LocalZaloApi(TOKEN, rate_limits=True, fault_seed=5) as zalo:
        channel = ZaloChannel.connect(zalo.token, zalo.base_url, public_url=f"http://127.0.0.1:{port}")
        await channel.start()
        await server.start()
        try:
            ids = [f"zl-{i:03}" for i in range(12)]
            for user_id in ids:
                zalo.person(user_id, user_id).send_text("xin chao")
            async with UnitOfWork(database) as uow:
                rows = []
                for u in ids:
                    rows.append(Outgoing(f"card:{u}:text:1", "zalo", u, u, f"PHIẾU LIÊN LẠC — {u}"))
                    rows.append(Outgoing(f"card:{u}:png", "zalo", u, u, "Phiếu", None, picture_name(), png))
                await uow.outbox.enqueue(rows, datetime.now(UTC))
                await uow.commit()
            zalo.inject_429(4, probability=0.4, retry_after=1)
            zalo.inject_server_error(3, probability=0.3)
            zalo.inject_lost_response(1, probability=0.1)
            await Dispatcher(database, {"zalo": channel}, backoff_first=0.2).run_until_idle()
        finally:
            await server.stop()
            await channel.stop()

    for user_id in ids:
        sent = zalo.sent_messages(user_id)
        assert [m.photo is not None for m in sent] == [False, True], user_id
        assert sent[1].photo_bytes == png
    assert await statuses(database) == {"sent": 23, "uncertain": 1}
    assert [r for r in zalo.refusals if not r.injected] == []


def card_like_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()
