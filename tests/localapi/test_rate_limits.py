"""Flood limits and injected faults. The clock stands still unless a test moves it."""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from localapi import LocalBotApi, RateLimits
from tests.localapi.helpers import TOKEN, Client, FakeClock


@pytest.fixture
async def limited(clock: FakeClock) -> AsyncIterator[Client]:
    limits = RateLimits(global_per_second=30, global_burst=5, chat_per_second=1, chat_burst=3)
    async with LocalBotApi(TOKEN, rate_limits=limits, clock=clock) as api, aiohttp.ClientSession() as session:
        for user_id in range(1, 8):
            api.person(user_id, f"Phụ huynh {user_id}").send_text("/start")
        yield Client(session, api)


async def test_one_chat_gets_a_burst_of_three_then_one_a_second(limited: Client, clock: FakeClock):
    for number in range(3):
        await limited.ok("sendMessage", chat_id=1, text=f"Tin {number}")
    status, body = await limited.call("sendMessage", chat_id=1, text="Tin 3")
    assert (status, body) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )
    clock.advance(1)
    await limited.ok("sendMessage", chat_id=1, text="Tin 3")
    assert await limited.refused("sendMessage", chat_id=1, text="Tin 4") == (
        429,
        "Too Many Requests: retry after 1",
    )
    assert len(limited.api.sent_messages(1)) == 4
    assert limited.api.rejections_429 == 2


async def test_the_bot_as_a_whole_is_limited_too(limited: Client, clock: FakeClock):
    for user_id in range(1, 6):
        await limited.ok("sendMessage", chat_id=user_id, text="Thông báo")
    status, description = await limited.refused("sendMessage", chat_id=6, text="Thông báo")
    assert (status, description) == (429, "Too Many Requests: retry after 1")
    clock.advance(0.05)  # the bot's bucket refills at 30 a second
    await limited.ok("sendMessage", chat_id=6, text="Thông báo")


async def test_edits_chat_actions_and_answers_do_not_count(limited: Client):
    sent = [await limited.ok("sendMessage", chat_id=1, text=f"Tin {n}") for n in range(3)]
    for number in range(5):
        await limited.ok("editMessageText", chat_id=1, message_id=sent[0]["message_id"], text=f"Sửa {number}")
        await limited.ok("sendChatAction", chat_id=1, action="typing")
    assert limited.api.rejections_429 == 0


async def test_injected_429_answers_deliver_nothing(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    api.inject_429(2, retry_after=7)
    for _ in range(2):
        assert await client.refused("sendMessage", chat_id=1001, text="Điểm") == (
            429,
            "Too Many Requests: retry after 7",
        )
    await client.ok("sendMessage", chat_id=1001, text="Điểm")
    assert [message.text for message in api.sent_messages(1001)] == ["Điểm"]
    assert api.rejections_429 == 2 and all(refusal.injected for refusal in api.refusals)


async def test_a_storm_of_429_lasts_until_cleared(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    api.inject_429(None, probability=0.5)
    statuses = [(await client.call("sendMessage", chat_id=1001, text="Điểm"))[0] for _ in range(40)]
    assert statuses.count(429) == api.rejections_429
    assert 5 < statuses.count(429) < 35  # seeded: the same storm on every run
    assert len(api.sent_messages(1001)) == statuses.count(200)
    api.clear_faults()
    assert (await client.call("sendMessage", chat_id=1001, text="Điểm"))[0] == 200


async def test_a_lost_response_still_delivers(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    api.inject_lost_response()
    with pytest.raises(aiohttp.ClientError):
        await client.call("sendMessage", chat_id=1001, text="Điểm")
    assert [message.text for message in api.sent_messages(1001)] == ["Điểm"]
    await client.ok("sendMessage", chat_id=1001, text="Điểm")  # a retry makes a second copy, as on Telegram
    assert len(api.sent_messages(1001)) == 2


async def test_a_bad_gateway_delivers_nothing(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    api.inject_bad_gateway(methods={"sendMessage"})
    assert await client.refused("sendMessage", chat_id=1001, text="Điểm") == (502, "Bad Gateway")
    assert api.sent_messages(1001) == []
