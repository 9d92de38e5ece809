"""The local Zalo Bot API answers and refuses as the platform does."""

import asyncio

import aiohttp
import pytest

from localapi.ratelimit import RateLimits
from localzalo import LocalZaloApi
from tests.localapi.helpers import FakeClock


async def call(session: aiohttp.ClientSession, zalo: LocalZaloApi, method: str, **params) -> tuple[int, dict]:
    async with session.post(f"{zalo.base_url}{zalo.token}/{method}", json=params) as response:
        return response.status, await response.json()


@pytest.fixture
async def zalo():
    async with LocalZaloApi() as local:
        yield local


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as client:
        yield client


async def test_a_parent_writes_and_the_bot_answers(zalo, session):
    status, me = await call(session, zalo, "getMe")
    assert status == 200 and me["result"]["display_name"] == "Sổ điểm"
    lan = zalo.person("u-lan", "Chị Lan")
    polling = asyncio.create_task(call(session, zalo, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert not polling.done()  # a long poll waits for the update
    lan.send_text("ketqua")
    _, answer = await polling
    update = answer["result"]
    assert update["event_name"] == "message.text.received"
    message = update["message"]
    assert message["text"] == "ketqua" and message["chat"] == {"id": "u-lan", "chat_type": "PRIVATE"}
    assert message["from"]["display_name"] == "Chị Lan" and message["date"] > 0
    status, again = await call(session, zalo, "getUpdates", timeout=0)
    assert (status, again["description"]) == (408, "Request timeout")  # an update is handed out once
    status, sent = await call(session, zalo, "sendMessage", chat_id="u-lan", text="Xin chào")
    assert status == 200 and sent["result"]["message_id"]
    assert [m.text for m in lan.messages] == ["Xin chào"]
    status, _ = await call(
        session, zalo, "sendPhoto", chat_id="u-lan", photo="https://x.vn/a.png", caption="Ảnh"
    )
    assert status == 200 and lan.messages[-1].photo == "https://x.vn/a.png"
    status, _ = await call(session, zalo, "sendChatAction", chat_id="u-lan", action="typing")
    assert status == 200


async def test_what_the_platform_refuses(zalo, session):
    zalo.person("u-lan", "Chị Lan")
    refused = {
        "unknown method": await call(session, zalo, "sendDocument", chat_id="u-lan"),
        "text too long": await call(session, zalo, "sendMessage", chat_id="u-lan", text="a" * 2001),
        "no text": await call(session, zalo, "sendMessage", chat_id="u-lan"),
        "no chat": await call(session, zalo, "sendMessage", text="x"),
        "unknown chat": await call(session, zalo, "sendMessage", chat_id="nobody", text="x"),
        "photo not a URL": await call(session, zalo, "sendPhoto", chat_id="u-lan", photo="abc"),
    }
    assert {name: status for name, (status, _) in refused.items()} == {
        "unknown method": 404,
        "text too long": 400,
        "no text": 400,
        "no chat": 400,
        "unknown chat": 400,
        "photo not a URL": 400,
    }
    assert "2000" in refused["text too long"][1]["description"]
    status, _ = await call(session, zalo, "sendMessage", chat_id="u-lan", text="a" * 2000)
    assert status == 200
    async with session.post(f"{zalo.base_url}wrong/getMe") as response:
        assert response.status == 401
    assert not any(m.text == "x" for m in zalo.sent_messages("u-lan"))


async def test_a_webhook_excludes_polling(zalo, session):
    status, _ = await call(session, zalo, "setWebhook", url="https://school.vn/zalo", secret_token="short")
    assert status == 400
    status, _ = await call(
        session, zalo, "setWebhook", url="https://school.vn/zalo", secret_token="s3cret-token"
    )
    assert status == 200 and zalo.webhook["secret_token"] == "s3cret-token"
    status, body = await call(session, zalo, "getUpdates", timeout=0)
    assert status == 409 and "webhook" in body["description"]
    await call(session, zalo, "deleteWebhook")
    status, _ = await call(session, zalo, "getUpdates", timeout=0)
    assert status == 408  # polling again: nothing came


async def test_flood_limits_and_faults(session):
    clock = FakeClock()
    async with LocalZaloApi(rate_limits=RateLimits(chat_per_second=1, chat_burst=2), clock=clock) as zalo:
        zalo.person("u-lan", "Chị Lan")
        statuses = [
            (await call(session, zalo, "sendMessage", chat_id="u-lan", text="x"))[0] for _ in range(3)
        ]
        assert statuses == [200, 200, 429]
        _, body = await call(session, zalo, "sendMessage", chat_id="u-lan", text="x")
        assert body["parameters"]["retry_after"] == 1
        clock.advance(1)
        zalo.inject_server_error(1)
        assert (await call(session, zalo, "sendMessage", chat_id="u-lan", text="y"))[0] == 502
        zalo.inject_lost_response(1)
        with pytest.raises(aiohttp.ClientError):
            await call(session, zalo, "sendMessage", chat_id="u-lan", text="lost")
        assert [m.text for m in zalo.sent_messages("u-lan")] == ["x", "x", "lost"]  # the lost one arrived
        zalo.person("u-lan", "Chị Lan").block_bot()
        clock.advance(5)
        assert (await call(session, zalo, "sendMessage", chat_id="u-lan", text="z"))[0] == 403
