"""getUpdates: long polling, offsets, limits and allowed update kinds."""

import asyncio
import time

from localapi import LocalBotApi
from tests.localapi.helpers import Client


def kinds(updates: list[dict]) -> list[str]:
    return [next(key for key in update if key != "update_id") for update in updates]


async def test_a_long_poll_answers_as_soon_as_an_update_arrives(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    poll = asyncio.create_task(client.ok("getUpdates", timeout=50))
    await asyncio.sleep(0.2)
    assert not poll.done()
    started = time.monotonic()
    lan.send_text("Chào thầy")
    updates = await asyncio.wait_for(poll, timeout=20)
    assert time.monotonic() - started < 20
    assert updates[0]["message"]["text"] == "Chào thầy"


async def test_a_long_poll_without_updates_answers_empty_after_its_timeout(client: Client):
    assert await client.ok("getUpdates", timeout=1) == []


async def test_an_offset_confirms_the_updates_below_it(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    for text in ("một", "hai", "ba"):
        lan.send_text(text)
    first, second, third = await client.ok("getUpdates")
    assert await client.ok("getUpdates") == [first, second, third]  # nothing confirmed yet
    assert await client.ok("getUpdates", offset=second["update_id"]) == [second, third]
    assert await client.ok("getUpdates", offset=third["update_id"] + 1) == []
    lan.send_text("bốn")
    assert [u["message"]["text"] for u in await client.ok("getUpdates")] == ["bốn"]


async def test_limit_and_negative_offset(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    for number in range(5):
        lan.send_text(str(number))
    assert [u["message"]["text"] for u in await client.ok("getUpdates", limit=2)] == ["0", "1"]
    assert [u["message"]["text"] for u in await client.ok("getUpdates", offset=-2)] == ["3", "4"]
    assert [u["message"]["text"] for u in await client.ok("getUpdates")] == ["3", "4"]


async def test_allowed_updates_filter_and_are_remembered(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    markup = {"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok"}]]}
    await client.ok("sendMessage", chat_id=1001, text="Duyệt?", reply_markup=markup)
    lan.press("Duyệt")
    [press] = await client.ok("getUpdates", allowed_updates=["callback_query"])
    assert kinds([press]) == ["callback_query"]
    lan.send_text("Chào")
    assert await client.ok("getUpdates", offset=press["update_id"] + 1) == []  # still no messages wanted
    lan.send_text("Chào")
    assert kinds(await client.ok("getUpdates", allowed_updates=[])) == ["message"]  # [] means all again


async def test_a_webhook_excludes_get_updates(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    await client.ok("setWebhook", url="https://example.invalid/hook")
    assert (await client.ok("getWebhookInfo"))["pending_update_count"] == 1
    status, description = await client.refused("getUpdates")
    assert status == 409 and description.startswith("Conflict: ")
    await client.ok("deleteWebhook", drop_pending_updates=True)
    assert await client.ok("getUpdates") == []


async def test_stopping_ends_a_waiting_long_poll_at_once(api: LocalBotApi, client: Client):
    poll = asyncio.create_task(client.call("getUpdates", timeout=50))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await api.stop()
    assert await asyncio.wait_for(poll, timeout=20) == (200, {"ok": True, "result": []})
    assert time.monotonic() - started < 20


async def test_parameters_may_come_in_the_query_string(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("Chào")
    async with client.session.get(client.url("getUpdates") + "?limit=1&timeout=0") as response:
        body = await response.json()
    assert body["result"][0]["message"]["text"] == "Chào"
