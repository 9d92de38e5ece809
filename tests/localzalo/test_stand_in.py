"""The local Zalo Bot API answers and refuses as the platform does."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from localapi.ratelimit import RateLimits
from localapi.server import serve
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
    status, _ = await call(session, zalo, "sendChatAction", chat_id="u-lan", action="typing")
    assert status == 200


@asynccontextmanager
async def web_server(routes: dict[str, web.Response | list]) -> AsyncIterator[str]:
    """A small server on this machine: GET path → a fixed answer; POST path → the bodies kept in the
    list, with the request's headers. Yields its base URL."""
    app = web.Application()
    for path, what in routes.items():
        if isinstance(what, list):

            async def keep(request: web.Request, kept: list = what) -> web.Response:
                kept.append((dict(request.headers), await request.json()))
                return web.Response()

            app.router.add_post(path, keep)
        else:

            async def answer(request: web.Request, fixed: web.Response = what) -> web.Response:
                return fixed

            app.router.add_get(path, answer)
    runner, port = await serve(app, 0)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


async def test_a_photo_is_fetched_from_its_url_and_must_be_an_image(zalo, session):
    lan = zalo.person("u-lan", "Chị Lan")
    routes = {
        "/card.png": web.Response(body=PNG, content_type="image/png"),
        "/page": web.Response(text="<html>", content_type="text/html"),
        "/gone.png": web.Response(status=404),
    }
    async with web_server(routes) as base:
        status, _ = await call(
            session, zalo, "sendPhoto", chat_id="u-lan", photo=f"{base}/card.png", caption="Ảnh"
        )
        assert status == 200 and lan.messages[-1].photo == f"{base}/card.png"
        assert lan.messages[-1].photo_bytes == PNG and lan.messages[-1].text == "Ảnh"
        for url in (f"{base}/page", f"{base}/gone.png", "http://127.0.0.1:9/none.png", "card.png"):
            status, body = await call(session, zalo, "sendPhoto", chat_id="u-lan", photo=url, caption="x")
            assert status == 400, url
    assert len(lan.messages) == 1  # nothing else arrived


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


async def test_with_a_webhook_set_a_parents_text_is_posted_to_it_with_the_secret(zalo, session):
    received: list = []
    async with web_server({"/zalo": received}) as base:
        status, _ = await call(session, zalo, "setWebhook", url=f"{base}/zalo", secret_token="s3cret-token")
        assert status == 200
        zalo.person("u-lan", "Chị Lan").send_text("ketqua")
        for _ in range(50):
            if zalo.webhook_posts:
                break
            await asyncio.sleep(0.05)
    assert zalo.webhook_posts == [200]
    headers, update = received[0]
    assert headers["X-Bot-Api-Secret-Token"] == "s3cret-token"
    assert update["message"]["text"] == "ketqua" and update["event_name"] == "message.text.received"
    status, _ = await call(
        session, zalo, "setWebhook", url="http://school.vn/zalo", secret_token="s3cret-token"
    )
    assert status == 400  # plain http only on this machine


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
