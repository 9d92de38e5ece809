"""push.js and push-sw.js in headless Chromium: a signed-in parent presses the button, allows
notifications, the browser subscribes with the school's public key and the page posts the
subscription with its CSRF token; a notice pushed to it is decrypted by the push service; and the
service worker shows a pushed notice as a notification.

Chromium's real push service (Google's) is unreachable offline, so ``PushManager.subscribe`` is
replaced, before the page loads, by one that answers with a subscription at the test push service and
records the key the page gave it. Everything else is the browser's own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from notifications.webpush import PushSettings, WebPushNotifier
from storage.uow import UnitOfWork
from tests.webpush.conftest import web_account
from tests.webpush.push_service import FAKE_PUSH_MANAGER, unb64url
from web.config import ACCOUNT_ID
from web.push_routes import WEB_PUSH, WebPush, push_routes

pytest.importorskip("playwright")
from playwright.async_api import async_playwright, expect  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
CSRF = "a-token-of-the-page"
CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; worker-src 'self'"
PAGE = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="csrf-token" content="{CSRF}"><title>sodiem</title></head>
<body><main>Trò chuyện</main><script src="/register.js"></script>
<script src="/static/push.js"></script></body></html>"""


@web.middleware
async def session_and_csrf(request: web.Request, handler):
    """Stands in for the web app's session middleware: the cookie names the account, and a POST
    without the page's CSRF token is refused."""
    if "account" in request.cookies:
        request[ACCOUNT_ID] = int(request.cookies["account"])
        if request.method == "POST" and request.headers.get("X-CSRF-Token") != CSRF:
            raise web.HTTPForbidden(text="CSRF")
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    return response


def page_app(database, server_key: str) -> web.Application:
    app = web.Application(middlewares=[session_and_csrf])
    app[WEB_PUSH] = WebPush(database, server_key, allow_loopback=True)
    app.add_routes(push_routes())

    async def page(_request):
        return web.Response(text=PAGE, content_type="text/html")

    async def register(_request):
        return web.Response(
            text='navigator.serviceWorker.register("/sw.js");', content_type="text/javascript"
        )

    async def worker(_request):
        return web.Response(text='importScripts("/static/push-sw.js");', content_type="text/javascript")

    app.add_routes([web.get("/", page), web.get("/register.js", register), web.get("/sw.js", worker)])
    app.router.add_static("/static/", STATIC)
    return app


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing: `make system` installs Debian's chromium package")
    return CHROMIUM


async def test_a_parent_turns_notifications_on_and_receives_a_notice(
    chromium, database, vapid, server_key, push_service
):
    parent = await web_account(database, "parent")
    browser_keys = push_service.subscribe(server_key)
    subscription = browser_keys.subscription(push_service.base_url)
    server = TestServer(page_app(database, server_key), host="127.0.0.1")
    await server.start_server()
    origin = str(server.make_url("/")).rstrip("/")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(chromium), headless=True)
        context = await browser.new_context(locale="vi-VN")
        await context.grant_permissions(["notifications"], origin=origin)
        await context.add_cookies([{"name": "account", "value": str(parent), "url": origin}])
        await context.add_init_script(FAKE_PUSH_MANAGER % json.dumps(subscription))
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(origin + "/")
        button = page.locator("[data-sodiem-push]")
        await expect(button).to_have_text("Bật thông báo trên máy này")
        await button.click()
        await expect(page.locator("[data-sodiem-push-status]")).to_have_text(
            "Đã bật thông báo: máy này sẽ báo khi có tin mới."
        )
        await expect(button).to_have_text("Tắt thông báo trên máy này")
        given = await page.evaluate("window.__givenKeys")
        assert [bytes(key) for key in given] == [unb64url(server_key)]  # subscribed with the school's key

        notifier = WebPushNotifier(database, vapid, PushSettings(subject="mailto:admin@truong.edu.vn"))
        await notifier.notify(parent, "Thông báo mới", "Họp phụ huynh thứ Bảy", "/chat")
        await notifier.close()
        (received,) = await push_service.wait_for(1)
        assert received.message == {"title": "Thông báo mới", "body": "Họp phụ huynh thứ Bảy", "url": "/chat"}

        await deliver_to_service_worker(context, page, origin, received.message)
        shown = await shown_notifications(page)
        assert shown == [{"title": "Thông báo mới", "body": "Họp phụ huynh thứ Bảy", "url": origin + "/chat"}]

        await button.click()  # off again: the server forgets this browser
        await expect(page.locator("[data-sodiem-push-status]")).to_have_text("Đã tắt thông báo trên máy này.")
        assert errors == []
        await browser.close()
    await server.close()
    async with UnitOfWork(database, read_only=True) as uow:
        assert await uow.push_subscriptions.count() == 0


async def deliver_to_service_worker(context, page, origin: str, message: dict) -> None:
    """What a push service's message does on arrival: Chromium's DevTools protocol hands it to the
    page's service worker, which shows it. It goes to an activated worker: one still activating (a
    loaded machine) would drop it."""
    cdp = await context.new_cdp_session(page)
    versions: list[dict] = []
    cdp.on("ServiceWorker.workerVersionUpdated", lambda event: versions.extend(event["versions"]))
    await cdp.send("ServiceWorker.enable")

    async def activated() -> list[str]:
        return [v["registrationId"] for v in versions if v["status"] == "activated"]

    registrations = await eventually(page, activated)
    assert registrations, "the page's service worker never became active"
    await cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin + "/", "registrationId": registrations[0], "data": json.dumps(message)},
    )


async def shown_notifications(page) -> list[dict]:
    """The notifications the service worker shows, once there are any."""

    async def shown() -> list[dict]:
        return await page.evaluate(
            """async () => (await (await navigator.serviceWorker.ready).getNotifications())
                 .map((n) => ({title: n.title, body: n.body, url: n.data.url}))"""
        )

    return await eventually(page, shown)


async def eventually(page, probe, seconds: float = 30.0):
    """``probe``'s answer once it is not empty (checked every 50 ms), or its empty answer after
    ``seconds``: on a loaded machine Chromium's worker may take a while to start."""
    for _ in range(int(seconds / 0.05)):
        answer = await probe()
        if answer:
            return answer
        await page.wait_for_timeout(50)
    return await probe()
