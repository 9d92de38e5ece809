"""Parents on Zalo: a small text front end. It reads the Zalo bot's updates by long polling (or, with
SODIEM_ZALO_WEBHOOK_URL, receives them on sodiem's web server) and answers each message as
``bot.zalo_answers`` says (a code links, as /start CODE does on Telegram; ``ketqua``, ``diemdanh``...).

Each message is one unit of work; the answers are sent after it commits, straight to the person (not
through the outbox: an answer that fails is not worth sending later)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.public import PublicServer
from bot.zalo_answers import ZaloAnswer
from notifications.dispatcher import Dispatcher, utc_now
from notifications.pacing import TELEGRAM, Pacing
from notifications.zalo import (
    NAME,
    TEXT_RECEIVED,
    ChatPace,
    ZaloApiError,
    ZaloChannel,
    ZaloClient,
    ZaloLost,
    ZaloUnreachable,
    pieces,
)
from storage.db import Database
from storage.uow import UnitOfWork, retried

log = logging.getLogger("sodiem.zalo")
CHANNEL = NAME
SECRET_HEADER = "X-Bot-Api-Secret-Token"
POLL_SECONDS = 30
RETRY_SECONDS = 3.0  # after the platform could not be reached
REPLY_ATTEMPTS = 5
NOTHING_CAME = 408  # getUpdates' answer when no message came within its timeout


def well_formed(update: object) -> bool:
    """An update as the platform sends them: an object whose message, chat and sender are objects."""
    if not isinstance(update, dict):
        return False
    message = update.get("message", {})
    if not isinstance(message, dict):
        return False
    return all(isinstance(message.get(part, {}), dict) for part in ("chat", "from"))


class ZaloFrontEnd:
    def __init__(
        self,
        database: Database,
        client: ZaloClient,
        clock: Callable[[], datetime],
        locale: str = "vi",
        webhook: tuple[str, str] | None = None,
    ) -> None:
        self.database = database
        self.client = client
        self.clock = clock
        self.locale = locale
        self.webhook = webhook  # (url, secret): the platform POSTs updates there; None: long polling
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.poll_seconds = POLL_SECONDS  # also how long a stopping application waits for the last poll

    async def run(self, keep_running: Callable[[], bool] = lambda: True) -> None:
        """Answers updates as they come, one at a time, until ``keep_running`` says no (checked after
        each poll, or each ``poll_seconds`` of waiting for the webhook)."""
        if self.webhook is None:
            await self._poll(keep_running)
            return
        while keep_running() and not await self._set_webhook():
            await asyncio.sleep(RETRY_SECONDS)
        while keep_running():
            try:
                update = await asyncio.wait_for(self.updates.get(), self.poll_seconds)
            except TimeoutError:
                continue
            await self._answer(update)

    async def _set_webhook(self) -> bool:
        assert self.webhook is not None
        url, secret = self.webhook
        try:
            await self.client.call("setWebhook", url=url, secret_token=secret)
        except (ZaloApiError, ZaloLost, ZaloUnreachable) as error:
            log.warning("Zalo setWebhook failed: %s", error)
            return False
        log.info("Zalo updates arrive at the webhook %s", url)
        return True

    async def receive(self, request: web.Request) -> web.Response:
        """The webhook: the platform POSTs an update with the secret in X-Bot-Api-Secret-Token."""
        assert self.webhook is not None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.webhook[1].encode()):
            log.warning("Zalo webhook: refused a request without the right secret from %s", request.remote)
            raise web.HTTPForbidden
        try:
            update = await request.json()
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            update = None
        if not well_formed(update):
            log.warning("Zalo webhook: refused a malformed update from %s", request.remote)
            raise web.HTTPBadRequest
        self.updates.put_nowait(update)  # answered in order by run(), as polled updates are
        return web.json_response({"ok": True})

    async def _answer(self, update: dict[str, Any]) -> None:
        try:
            await self.handle(update)
        except Exception:  # one bad update must not stop the others
            log.exception("Zalo update failed: %s", update)

    async def _poll(self, keep_running: Callable[[], bool]) -> None:
        """Long polling; a webhook left from an earlier configuration is removed first (the platform
        refuses getUpdates while one is set)."""
        with contextlib.suppress(ZaloApiError, ZaloLost, ZaloUnreachable):
            await self.client.call("deleteWebhook")
        while keep_running():
            try:
                update = await self.client.call(
                    "getUpdates", request_seconds=self.poll_seconds + 10, timeout=self.poll_seconds
                )
            except ZaloApiError as error:
                if error.code != NOTHING_CAME:
                    log.warning("Zalo getUpdates refused: %s", error)
                    await asyncio.sleep(RETRY_SECONDS)
                continue
            except (ZaloLost, ZaloUnreachable) as error:
                log.warning("Zalo getUpdates failed: %s", error)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            await self._answer(update or {})

    async def handle(self, update: dict[str, Any]) -> None:
        message = update.get("message") or {}
        chat = message.get("chat") or {}
        text_received = update.get("event_name", TEXT_RECEIVED) == TEXT_RECEIVED and "text" in message
        if not text_received or chat.get("chat_type") != "PRIVATE":
            return  # stickers, photos, groups: nothing a parent asks of the gradebook
        account = str(chat.get("id") or (message.get("from") or {}).get("id"))
        replies = await retried(self.database, self._answering(account, str(message.get("text", ""))))
        for reply in replies:
            for piece in pieces(reply):
                if not await self._send(account, piece):
                    return

    def _answering(self, account: str, text: str) -> Callable[[UnitOfWork], Awaitable[list[str]]]:
        async def answer(uow: UnitOfWork) -> list[str]:
            replies = await ZaloAnswer(uow, account, self.clock(), self.locale).to(text)
            await uow.commit()
            return replies

        return answer

    async def _send(self, account: str, text: str) -> bool:
        """Sends an answer, waiting out the platform's ``retry_after`` a few times; False if it failed."""
        for _ in range(REPLY_ATTEMPTS):
            try:
                await self.client.call("sendMessage", chat_id=account, text=text)
                return True
            except ZaloApiError as error:
                if error.code != 429:
                    log.warning("Zalo answer to %s refused: %s", account, error)
                    return False
                await asyncio.sleep(error.retry_after or 1)
            except (ZaloLost, ZaloUnreachable) as error:
                log.warning("Zalo answer to %s not sent: %s", account, error)
                return False
        log.warning("Zalo answer to %s not sent: still throttled", account)
        return False


# --- running: beside the Telegram bot, or alone ----------------------------------------------------

CHANNEL_KEY = "zalo-channel"
FRONT_END_KEY = "zalo-front-end"
SERVER_KEY = "public-server"


def attach(
    application: Application,
    database: Database,
    settings: Settings,
    clock: Callable[[], datetime],
    pacing: Pacing = TELEGRAM,
) -> None:
    """Zalo beside Telegram: the delivery channel for the application's dispatcher, and the front end,
    with a client of its own (its long poll outlives the dispatcher's sends). ``pacing``: as the
    Telegram bot's (tests pass ``Pacing().faster(n)``); one message a person each ``recipient_interval``."""
    channel, front_end, server = _parts(settings, database, clock, pacing)
    application.bot_data[CHANNEL_KEY] = channel
    application.bot_data[FRONT_END_KEY] = front_end
    application.bot_data[SERVER_KEY] = server


def _parts(
    settings: Settings, database: Database, clock: Callable[[], datetime], pacing: Pacing = TELEGRAM
) -> tuple[ZaloChannel, ZaloFrontEnd, PublicServer | None]:
    """The delivery channel, the front end and the web server (for the pictures and the webhook)."""
    assert settings.zalo_token
    pace = ChatPace(pacing.recipient_interval)
    channel = ZaloChannel.connect(settings.zalo_token, settings.zalo_api_url, pace, settings.public_url)
    client = ZaloClient(settings.zalo_token, settings.zalo_api_url, pace)
    webhook = None
    if settings.zalo_webhook_url and settings.zalo_webhook_secret:
        webhook = (settings.zalo_webhook_url, settings.zalo_webhook_secret)
    front_end = ZaloFrontEnd(database, client, clock, settings.locale, webhook)
    if not settings.public_url:
        log.warning(
            "SODIEM_PUBLIC_URL is not set: Zalo parents receive report cards as text only, no picture"
        )
    if not settings.public_url and webhook is None:
        return channel, front_end, None
    server = PublicServer(database, settings.public_listen, clock)
    if webhook is not None:
        server.add_post(urlparse(webhook[0]).path, front_end.receive)
    return channel, front_end, server


def start(application: Application) -> None:
    """Called from post_init: the front end (and the web server) run as a task of the running application."""
    front_end: ZaloFrontEnd | None = application.bot_data.get(FRONT_END_KEY)
    if front_end is None:
        return
    server: PublicServer | None = application.bot_data.get(SERVER_KEY)

    async def launch(context: ContextTypes.DEFAULT_TYPE) -> None:
        context.application.create_task(_run(context.application, front_end, server), name="sodiem-zalo")

    application.job_queue.run_once(launch, 0, name="sodiem-zalo")


async def _run(application: Application, front_end: ZaloFrontEnd, server: PublicServer | None) -> None:
    try:
        if server is not None:
            await server.start()
        await front_end.run(lambda: application.running)
    finally:
        await front_end.client.stop()
        if server is not None:
            await server.stop()


async def run_alone(settings: Settings, database: Database, stop: asyncio.Event, clock=utc_now) -> None:
    """Zalo without Telegram: the front end and a dispatcher of the Zalo rows, until ``stop`` is set."""
    channel, front_end, server = _parts(settings, database, clock)
    dispatcher = Dispatcher(database, {channel.name: channel})
    await channel.start()
    try:
        if server is not None:
            await server.start()
        await asyncio.gather(
            front_end.run(lambda: not stop.is_set()), dispatcher.run(lambda: not stop.is_set())
        )
    finally:
        await front_end.client.stop()
        await channel.stop()
        if server is not None:
            await server.stop()
