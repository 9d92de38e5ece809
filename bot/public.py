"""The small web server of ``sodiem run`` for what the Zalo platform must reach: the report-card pictures
it fetches when a card is sent (``GET /cards/<name>.png``) and, in webhook mode, the Zalo webhook.

It listens on SODIEM_PUBLIC_LISTEN (127.0.0.1:8090 by default, behind the school's https reverse proxy);
SODIEM_PUBLIC_URL is the address the world reaches it at. A picture's name is random (32 URL-safe
characters: unguessable), is the outbox row's attachment name, and is served for PICTURE_DAYS days."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiohttp import web

from notifications.zalo import NAME as ZALO
from notifications.zalo import PICTURES
from storage.db import Database
from storage.uow import UnitOfWork

log = logging.getLogger("sodiem.public")
PICTURE_DAYS = 30
PICTURE_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.png$")
SHUTDOWN_SECONDS = 2.0


def picture_name() -> str:
    """A new picture's name: 24 random bytes, 32 characters."""
    return secrets.token_urlsafe(24) + ".png"


async def _no_version(_request: web.Request, response: web.StreamResponse) -> None:
    """The Server header names no software version (aiohttp's default names Python's and its own)."""
    response.headers["Server"] = "sodiem"


class PublicServer:
    def __init__(self, database: Database, listen: tuple[str, int], clock: Callable[[], datetime]) -> None:
        self.database = database
        self.listen = listen
        self.clock = clock
        self.app = web.Application()
        self.app.on_response_prepare.append(_no_version)
        self.app.router.add_get(PICTURES + "{name}", self.picture)
        self._runner: web.AppRunner | None = None

    def add_post(self, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        self.app.router.add_post(path or "/", handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await self._runner.setup()
        host, port = self.listen
        await web.TCPSite(self._runner, host, port).start()
        log.info("sodiem's web server listens on %s:%s", host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def picture(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if not PICTURE_NAME.match(name):
            raise web.HTTPNotFound
        since = self.clock() - timedelta(days=PICTURE_DAYS)
        async with UnitOfWork(self.database, read_only=True) as uow:
            image = await uow.outbox.image(name, ZALO, since)
        if image is None:
            raise web.HTTPNotFound
        return web.Response(body=image, content_type="image/png", headers={"Cache-Control": "private"})
