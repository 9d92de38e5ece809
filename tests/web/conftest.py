"""The web chat running as ``sodiem run`` runs it: the Telegram application (over the local Bot API of
the ``school`` fixtures), sodiem's web server with the web chat mounted, and the web gateway with the same
bot. Browsers (aiohttp clients here, Chromium in test_browser.py) talk to it over real HTTP."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

import web
from bot.app import build_application
from bot.config import load_settings
from bot.public import PublicServer
from tests.bot.conftest import TOKEN, School, demo_school, school  # noqa: F401  (fixtures)
from web.gateway import WebGateway

CSRF = re.compile(r'<meta name="csrf-token" content="([0-9a-f]+)">')


class RecordingNotifier:
    """Stands where Web Push goes (web/channel.py: Notifier): what it was told, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str, str]] = []

    async def notify(self, account_id: int, title: str, body: str, url: str) -> None:
        self.sent.append((account_id, title, body, url))


@dataclass
class WebFront:
    school: School
    server: PublicServer
    gateway: WebGateway
    notifier: RecordingNotifier | None  # None when Web Push notifies (settings given)

    @property
    def url(self) -> str:
        host, port = self.server.listen
        return f"http://{host}:{port}"

    def browser(self, language: str = "vi") -> Browser:
        return Browser(self, language)


class Browser:
    """One browser: its own cookies, the page's CSRF token, the chat's messages."""

    def __init__(self, front: WebFront, language: str) -> None:
        self.front = front
        self.http = aiohttp.ClientSession(
            base_url=front.url,
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            headers={
                "Accept-Language": language,
                "User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0",
            },
        )
        self.csrf = ""
        self.seq = 0

    async def close(self) -> None:
        await self.http.close()

    async def sign_in(self, code: str) -> aiohttp.ClientResponse:
        async with self.http.get("/signin") as page:
            html = await page.text()
        token = CSRF.search(html)[1]
        form = {"code": code, "csrf": token, "language": "vi"}
        async with self.http.post("/signin", data=form, allow_redirects=False) as response:
            await response.read()
        if response.status == 303:
            async with self.http.get("/") as chat:
                self.csrf = CSRF.search(await chat.text())[1]
        return response

    async def post(self, path: str, body: dict[str, Any], csrf: bool = True) -> aiohttp.ClientResponse:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        async with self.http.post(path, json=body, headers=headers, allow_redirects=False) as response:
            await response.read()
        return response

    async def say(self, text: str) -> None:
        response = await self.post("/api/text", {"text": text})
        assert response.status == 200, response.status

    async def chat(self, timeout: int = 0) -> dict[str, Any]:
        async with self.http.get(f"/api/chat?after={self.seq}&timeout={timeout}") as response:
            assert response.status == 200, response.status
            return await response.json()

    async def wait_for(self, match: Callable[[dict[str, Any]], bool], timeout: float = 15) -> dict[str, Any]:
        """The first of the bot's messages (as they now stand) that matches, waiting for changes."""
        async with asyncio.timeout(timeout):
            while True:
                chat = await self.chat(timeout=5 if self.seq else 0)
                self.seq = chat["seq"]
                found = [m for m in chat["messages"] if m["from_bot"] and match(m)]
                if found:
                    return found[-1]

    async def press(self, message: dict[str, Any], label: str) -> aiohttp.ClientResponse:
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        data = next(b["callback_data"] for row in rows for b in row if label in b["text"])
        return await self.post("/api/press", {"message_id": message["message_id"], "data": data})


@pytest.fixture
async def front(school: School) -> AsyncIterator[WebFront]:  # noqa: F811
    async with running(school) as ready:
        yield ready


@pytest.fixture
async def demo_front(demo_school: School) -> AsyncIterator[WebFront]:  # noqa: F811
    async with running(demo_school) as ready:
        yield ready


class running:
    def __init__(self, ready: School, environ: dict[str, str] | None = None) -> None:
        self.school = ready
        self.environ = environ or {}  # web.mount's own settings (Web Push's, the session's length)

    async def __aenter__(self) -> WebFront:
        school = self.school  # noqa: F811
        environ = {
            "SODIEM_TELEGRAM_TOKEN": TOKEN,
            "SODIEM_TELEGRAM_API_URL": school.api.base_url,
            "SODIEM_DATABASE_URL": school.database.url,
            "SODIEM_PUBLIC_URL": "http://127.0.0.1",
        }
        settings = load_settings(environ, env_file=None)
        self.application = application = build_application(
            settings, school.database, school.clock, school.pacing
        )
        self.server = PublicServer(school.database, ("127.0.0.1", 0), school.clock)
        notifier = None if self.environ else RecordingNotifier()  # with settings: Web Push's own notifier
        gateway = web.mount(
            self.server, application, school.database, settings, school.clock, notifier, environ=self.environ
        )
        await application.initialize()
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await self.server.start()
        return WebFront(school, self.server, gateway, notifier)

    async def __aexit__(self, *exc: object) -> None:
        await self.server.stop()
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()
        await self.application.post_shutdown(self.application)
