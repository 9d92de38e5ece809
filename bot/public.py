"""The small web server of ``sodiem run``: what the Zalo platform must reach — the report-card pictures
it fetches when a card is sent (``GET /cards/<name>.png``) and, in webhook mode, the Zalo webhook — and
what watches the service: ``GET /healthz`` (JSON; 200 when the database, the channels and the scheduler
answer, 503 otherwise) and ``GET /metrics`` (Prometheus), the latter to local callers only: a request
from another machine, or forwarded by the reverse proxy, gets 404.

It listens on SODIEM_PUBLIC_LISTEN (127.0.0.1:8090 by default, behind the school's https reverse proxy);
SODIEM_PUBLIC_URL is the address the world reaches it at. A picture's name is random (32 URL-safe
characters: unguessable), is the outbox row's attachment name, and is served for PICTURE_DAYS days."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from notifications import metrics
from notifications.prune import PICTURE_DAYS
from notifications.zalo import NAME as ZALO
from notifications.zalo import PICTURES
from storage.db import Database
from storage.uow import UnitOfWork

log = logging.getLogger("sodiem.public")
PICTURE_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.png$")
SHUTDOWN_SECONDS = 2.0
PROBE_SECONDS = 5.0
MAX_REQUEST_BYTES = 10 * 1024 * 1024 + 64 * 1024  # a photo for the web chat (10 MB, as Telegram's), no more
Probe = Callable[[], Awaitable[bool]]


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
        self.app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        self.app.on_response_prepare.append(_no_version)
        self.app.router.add_get(PICTURES + "{name}", self.picture)
        self.app.router.add_get("/healthz", self.healthz)
        self.app.router.add_get("/metrics", self.metrics)
        self.probes: dict[str, Probe] = {"database": self.database_answers}
        self._runner: web.AppRunner | None = None

    def add_probe(self, name: str, probe: Probe) -> None:
        """Something else /healthz asks: a channel, the scheduler."""
        self.probes[name] = probe

    def add_post(self, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
        self.app.router.add_post(path or "/", handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await self._runner.setup()
        host, port = self.listen
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.listen = site._server.sockets[0].getsockname()[:2]  # the port, when 0 asked for any
        log.info("sodiem's web server listens on %s:%s", *self.listen)

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

    async def healthz(self, request: web.Request) -> web.Response:
        answers = await asyncio.gather(*(_within(probe()) for probe in self.probes.values()))
        checks = dict(zip(self.probes, answers, strict=True))
        healthy = all(answers)
        body = {"status": "ok" if healthy else "unhealthy", "checks": checks}
        return web.json_response(body, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})

    async def metrics(self, request: web.Request) -> web.Response:
        if not _local(request):
            log.warning("/metrics refused to %s: only this machine may read it", request.remote)
            raise web.HTTPNotFound
        async with UnitOfWork(self.database, read_only=True) as uow:
            backlog = await uow.outbox.waiting()
        return web.Response(body=metrics.exposition(backlog), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def database_answers(self) -> bool:
        async with self.database.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True


async def _within(answer: Awaitable[bool]) -> bool:
    """A probe that fails, raises or takes longer than PROBE_SECONDS says: unhealthy."""
    try:
        return bool(await asyncio.wait_for(answer, PROBE_SECONDS))
    except Exception as error:  # whatever went wrong, the service is not healthy; the log says what
        log.warning("health probe failed: %s", error)
        return False


def _local(request: web.Request) -> bool:
    """From this machine, and not forwarded by a proxy on it."""
    if "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False
