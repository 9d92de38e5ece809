"""The web front end's push routes over real HTTP: a signed-in person subscribes the browser they are
on and gets a notice there; a request without a session is refused; bad input is answered with the
reason in the person's language and nothing is kept."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from notifications.webpush import PushSettings, WebPushNotifier
from storage.uow import UnitOfWork
from tests.webpush.conftest import web_account
from web.config import ACCOUNT_ID
from web.push_routes import MAX_BODY, WEB_PUSH, WebPush, push_routes

# the contract with the web app's session middleware: request[ACCOUNT_ID], as its security.py sets it


@web.middleware
async def signed_in_as(request: web.Request, handler):
    """Stands in for the web app's session middleware: the account named by a test header."""
    if "X-Test-Account" in request.headers:
        request[ACCOUNT_ID] = int(request.headers["X-Test-Account"])
    return await handler(request)


@pytest.fixture
async def client(database, server_key) -> AsyncIterator[TestClient]:
    app = web.Application(middlewares=[signed_in_as])
    app[WEB_PUSH] = WebPush(database, server_key, allow_loopback=True)
    app.add_routes(push_routes())
    async with TestClient(TestServer(app)) as client:
        yield client


async def count(database) -> int:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.push_subscriptions.count()


async def test_a_signed_in_parent_subscribes_and_receives_a_notice(
    database, vapid, server_key, client, push_service
):
    parent = await web_account(database, "parent")
    as_parent = {"X-Test-Account": str(parent)}
    answer = await client.get("/push/key", headers={**as_parent, "Accept-Language": "vi-VN,vi;q=0.9"})
    key = await answer.json()
    assert key["publicKey"] == server_key and key["texts"]["enable"] == "Bật thông báo trên máy này"
    browser = push_service.subscribe(key["publicKey"])  # the browser subscribes with the school's key
    subscribed = await client.post(
        "/push/subscribe", json=browser.subscription(push_service.base_url), headers=as_parent
    )
    assert subscribed.status == 200, await subscribed.text()
    notifier = WebPushNotifier(database, vapid, PushSettings(subject="mailto:admin@truong.edu.vn"))
    await notifier.notify(parent, "Thông báo mới", "Lịch thi học kỳ I", "/")
    await notifier.close()
    (received,) = await push_service.wait_for(1)
    assert received.message["body"] == "Lịch thi học kỳ I"
    endpoint = browser.subscription(push_service.base_url)["endpoint"]
    gone = await client.post("/push/unsubscribe", json={"endpoint": endpoint}, headers=as_parent)
    assert (await gone.json())["removed"] is True and await count(database) == 0


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/push/key"), ("POST", "/push/subscribe"), ("POST", "/push/unsubscribe")]
)
async def test_without_a_session_every_route_answers_401(client, method, path):
    answer = await client.request(method, path, json={})
    assert answer.status == 401
    assert (await answer.json())["error"] == "webpush.error.signed_out"


async def test_a_bad_subscription_is_answered_with_the_reason_in_the_persons_language(database, client):
    parent = await web_account(database, "parent")
    headers = {"X-Test-Account": str(parent), "Accept-Language": "en-GB,en;q=0.8"}
    answer = await client.post(
        "/push/subscribe", json={"endpoint": "http://evil.example/x", "keys": {}}, headers=headers
    )
    assert answer.status == 400
    refusal = await answer.json()
    assert refusal["error"] == "webpush.error.endpoint" and "https" in refusal["message"]
    not_json = await client.post("/push/subscribe", data=b"{not json", headers=headers)
    assert not_json.status == 400 and (await not_json.json())["error"] == "webpush.error.not_json"
    assert await count(database) == 0


async def test_a_body_over_the_limit_is_refused_unread(database, client):
    parent = await web_account(database, "parent")
    answer = await client.post(
        "/push/subscribe", data=b"{" + b" " * MAX_BODY + b"}", headers={"X-Test-Account": str(parent)}
    )
    assert answer.status == 413
    assert await count(database) == 0


async def test_one_person_cannot_remove_another_persons_browser(database, client, server_key, push_service):
    parent, teacher = await web_account(database, "parent"), await web_account(database, "teacher")
    data = push_service.subscribe(server_key).subscription(push_service.base_url)
    await client.post("/push/subscribe", json=data, headers={"X-Test-Account": str(parent)})
    answer = await client.post(
        "/push/unsubscribe", json={"endpoint": data["endpoint"]}, headers={"X-Test-Account": str(teacher)}
    )
    assert (await answer.json())["removed"] is False and await count(database) == 1
