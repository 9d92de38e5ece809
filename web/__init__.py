"""The web front end: the bot's flows in the browser, for staff and parents where Telegram is blocked.

``serve`` mounts it on the web server of ``sodiem run`` (bot/public.py) and runs the web gateway with the
Telegram application: see docs/web.md."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from datetime import datetime

import aiohttp.web
from telegram.ext import Application

from bot import delivery, watch, zalo
from bot.config import Settings
from bot.public import PublicServer
from domain.errors import DomainError
from locales import translator
from notifications.vapid import public_key_text, read_vapid_key, vapid_key_path
from notifications.webpush import PushSettings, WebPushNotifier
from storage.db import Database
from storage.uow import UnitOfWork
from web.channel import NoNotifier, Notifier, WebChannel
from web.config import WEB_CONFIG, WebConfig, session_lifetime
from web.gateway import WebGateway
from web.push_routes import WEB_PUSH, WebPush, push_routes
from web.routes import GATEWAY, add_routes
from web.security import security

NOTIFIER = "web_notifier"
log = logging.getLogger("sodiem.web")


def mount(
    server: PublicServer,
    application: Application,
    database: Database,
    settings: Settings,
    clock: Callable[[], datetime],
    notifier: Notifier | None = None,
    environ: dict[str, str] | None = None,
) -> WebGateway:
    """The web chat on ``server``, and the web channel in the application's outbox; the gateway starts
    and stops with the application."""
    gateway = WebGateway(settings, database, clock)
    config = WebConfig(
        database,
        clock,
        settings.public_url or "",
        session_lifetime(os.environ if environ is None else environ),
    )
    server.app[WEB_CONFIG] = config
    server.app[GATEWAY] = gateway
    server.app.middlewares.append(security)
    add_routes(server.app)
    pushed = _mount_push(server.app, database, clock, os.environ if environ is None else environ)

    async def account_id(external_id: str) -> int | None:
        async with UnitOfWork(database, read_only=True) as uow:
            return await uow.web.account_id(external_id)

    chosen = notifier or application.bot_data.get(NOTIFIER) or pushed or NoNotifier()
    delivery.add_channel(application, database, WebChannel(gateway, chosen, account_id))
    _with_application(application, gateway)
    return gateway


def _mount_push(
    app: aiohttp.web.Application,
    database: Database,
    clock: Callable[[], datetime],
    environ: Mapping[str, str],
) -> WebPushNotifier | None:
    """Web Push when the school has its VAPID key (``sodiem school init`` or ``sodiem webpush keys``):
    the push routes, and the notifier the web channel tells. Without the key the chat works, unannounced."""
    try:
        vapid = read_vapid_key(vapid_key_path(environ))
    except DomainError as error:
        log.warning("Web Push is off: %s", translator("en")(error.key, **error.params))
        return None
    settings = PushSettings.from_environ(environ)
    app[WEB_PUSH] = WebPush(database, public_key_text(vapid), settings.allow_loopback, clock)
    app.add_routes(push_routes())
    notifier = WebPushNotifier(database, vapid, settings, clock)

    async def close(_app: aiohttp.web.Application) -> None:
        await notifier.close()

    app.on_cleanup.append(close)
    return notifier


def serve(
    application: Application, database: Database, settings: Settings, clock: Callable[[], datetime]
) -> WebGateway:
    """For ``sodiem run``, after ``watch.serve``: on the web server that Zalo's front end or watch runs."""
    server = application.bot_data.get(zalo.SERVER_KEY) or application.bot_data[watch.OWN_SERVER]
    return mount(server, application, database, settings, clock)


def _with_application(application: Application, gateway: WebGateway) -> None:
    first_start, first_stop = application.post_init, application.post_shutdown

    async def started(app: Application) -> None:
        await gateway.start()
        if first_start is not None:
            await first_start(app)

    async def stopped(app: Application) -> None:
        if first_stop is not None:
            await first_stop(app)
        await gateway.stop()

    application.post_init = started
    application.post_shutdown = stopped
