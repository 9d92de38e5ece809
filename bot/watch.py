"""/healthz and /metrics for ``sodiem run``: on the web server the Zalo front end already has, or on one
of its own (SODIEM_PUBLIC_LISTEN) when Zalo is not configured. /healthz asks the database, the Telegram
Bot API and the Zalo platform when configured (getMe) and whether the scheduler runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from telegram.ext import Application

from bot import zalo
from bot.config import Settings
from bot.public import PublicServer
from notifications.zalo import ZaloChannel
from storage.db import Database

OWN_SERVER = "watch_server"


def attach(
    application: Application, database: Database, settings: Settings, clock: Callable[[], datetime]
) -> None:
    server: PublicServer | None = application.bot_data.get(zalo.SERVER_KEY)
    if server is None:
        server = application.bot_data[OWN_SERVER] = PublicServer(database, settings.public_listen, clock)

    async def telegram() -> bool:
        return bool(await application.bot.get_me())

    async def scheduler() -> bool:
        return application.job_queue is not None and application.job_queue.scheduler.running

    server.add_probe("telegram", telegram)
    server.add_probe("scheduler", scheduler)
    channel: ZaloChannel | None = application.bot_data.get(zalo.CHANNEL_KEY)
    if channel is not None:

        async def zalo_answers() -> bool:
            return bool(await channel.client.call("getMe"))

        server.add_probe("zalo", zalo_answers)


def serve(
    application: Application, database: Database, settings: Settings, clock: Callable[[], datetime]
) -> None:
    """For ``sodiem run``: the web server starts after the application's own start-up and stops at its
    shutdown (tests and the sandbox build the application without it: no port to share)."""
    attach(application, database, settings, clock)
    own: PublicServer | None = application.bot_data.get(OWN_SERVER)
    if own is None:  # the Zalo front end starts and stops its server
        return
    first = application.post_init

    async def started(app: Application) -> None:
        if first is not None:
            await first(app)
        await own.start()

    async def stopped(_app: Application) -> None:
        await own.stop()

    application.post_init = started
    application.post_shutdown = stopped
