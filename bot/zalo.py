"""Parents on Zalo: a small text front end. It reads the Zalo bot's updates by long polling (or, with
SODIEM_ZALO_WEBHOOK_URL, receives them on sodiem's web server) and answers a parent's code (linking
them, as /start CODE does on Telegram), ``ketqua`` (the released results of their own children, as
numbered choices: Zalo has no buttons), ``diemdanh``, ``xinnghi`` (a leave request, bot/zalo_leave.py),
``kenh`` (where notices arrive) and ``tro giup``.

Each message is one unit of work; the answers are sent after it commits, straight to the person (not
through the outbox: an answer that fails is not worth sending later)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.public import PublicServer
from bot.zalo_leave import LEAVE_FLOW, ZaloLeave
from bot.zalo_linking import LINK_FLOW, ZaloLinking
from domain.attendance import EXCUSED, UNEXCUSED
from domain.errors import PermissionDenied
from domain.identity import CHANNEL_CHOICES, looks_like_code
from domain.notices import Kind, Status
from domain.permissions import Actor
from domain.report_card import Period
from exports.released import released_text
from exports.report_cards import period_name
from locales import LANGUAGES, SCHOOL_TZ, Translator, translator
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
from services import read_receipts
from storage.changes import Author
from storage.db import Database
from storage.uow import UnitOfWork, retried

log = logging.getLogger("sodiem.zalo")
CHANNEL = NAME
FLOW = "zalo-results"
CHANNEL_FLOW = "zalo-channel"
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


def plain(text: str) -> str:
    """What a person typed, compared without accents, spaces or case: 'Trợ giúp' → 'trogiup'."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _words(key: str) -> set[str]:
    """A command's words in every language (a parent may type either)."""
    return {plain(word) for language in LANGUAGES for word in translator(language)(key).split("|")}


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
            replies = await _Answer(uow, account, self.clock(), self.locale).to(text)
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


class _Answer(ZaloLinking, ZaloLeave):
    """One message's answer, inside its unit of work."""

    def __init__(self, uow: UnitOfWork, account: str, now: datetime, locale: str) -> None:
        self.uow = uow
        self.account = account
        self.now = now
        self.t: Translator = translator(locale)

    async def to(self, text: str) -> list[str]:
        actor = await self.uow.identity.actor(CHANNEL, self.account)
        if actor is not None:
            self.t = translator(actor.language)
        if looks_like_code(text):
            return await self._link(text)
        if actor is None:
            return [self.t("zalo.unknown")]
        if actor.guardian is None:
            return [self.t("zalo.staff")]
        word = plain(text)
        dialog = await self.uow.identity.dialog(CHANNEL, self.account)
        if dialog is not None and dialog.flow == LEAVE_FLOW:
            if word in _words("leave.zalo.command.cancel"):
                await self.uow.identity.end_dialog(CHANNEL, self.account)
                return [self.t("leave.cancelled")]
            return await self._leave_answer(actor, dialog.step, dialog.data, text)
        if word in _words("leave.zalo.command"):
            return await self._leave_start(actor)
        if word in _words("zalo.command.help"):
            return [self.t("zalo.help")]
        if word in _words("zalo.command.results"):
            return await self._choices(actor)
        if word in _words("zalo.command.attendance"):
            return await self._attendance(actor)
        if word in _words("zalo.command.channel"):
            return await self._channels(actor)
        said_read = read_number(word)
        if said_read is not None:
            return await self._read(said_read)
        if word.isdigit():
            if dialog is not None and dialog.flow == CHANNEL_FLOW:
                return await self._choose_channel(actor, int(word))
            if dialog is not None and dialog.flow == LINK_FLOW:
                return await self._confirm_link(int(word), dialog.data["invite_id"])
            return await self._card(actor, int(word))
        return [self.t("zalo.not_understood")]

    async def _channels(self, actor: Actor) -> list[str]:
        """Where notices and report cards go, and the numbered choices when linked on both channels."""
        current, linked = await self.uow.identity.guardian_channels(actor.guardian)
        if len(linked) < 2:
            return [self.t("zalo.channel.only_one", channel=self.t(f"zalo.channel.{CHANNEL}"))]
        await self.uow.identity.save_dialog(CHANNEL, self.account, CHANNEL_FLOW, "choose", {}, self.now)
        return [self.t("zalo.channel.choose", current=self.t(f"zalo.channel.where.{current}"))]

    async def _choose_channel(self, actor: Actor, number: int) -> list[str]:
        if not 1 <= number <= len(CHANNEL_CHOICES):
            return [self.t("zalo.channel.bad_number")]
        choice = CHANNEL_CHOICES[number - 1]
        author = Author(None, CHANNEL, self.account, self.now)
        await self.uow.identity.choose_channels(actor.guardian, choice, author)
        await self.uow.identity.end_dialog(CHANNEL, self.account)
        return [self.t("zalo.channel.chosen", where=self.t(f"zalo.channel.where.{choice}"))]

    async def _attendance(self, actor: Actor) -> list[str]:
        """Each child's absences this school year: the totals, and the days of this month."""
        today = self.now.astimezone(SCHOOL_TZ).date()
        year = await self.uow.school.year()
        lines = [self.t("zalo.attendance.title", date=today)]
        for student_id, name, _ in await self.uow.notices.children(actor.children):
            absences = await self.uow.attendance.student_absences(student_id, year.start, today)
            month = [
                f"{day:%d/%m} {mark}"
                for day, mark in absences
                if (day.year, day.month) == (today.year, today.month)
            ]
            lines.append(
                self.t(
                    "zalo.attendance.child",
                    name=name,
                    excused=sum(mark == EXCUSED for _, mark in absences),
                    unexcused=sum(mark == UNEXCUSED for _, mark in absences),
                    month=", ".join(month) or self.t("zalo.attendance.none"),
                )
            )
        return ["\n".join(lines)]

    async def _released(self, actor: Actor) -> list[tuple[int, str, int, Period]]:
        """(student id, name, notice id, period) of every released report card of the parent's children."""
        found = []
        for student_id, name, class_id in await self.uow.notices.children(actor.children):
            for notice in await self.uow.notices.released(class_id):
                found.append((student_id, name, notice.id, Period(notice.period)))
        return found

    async def _choices(self, actor: Actor) -> list[str]:
        released = await self._released(actor)
        if not released:
            return [self.t("zalo.results.none")]
        several = len({student_id for student_id, *_ in released}) > 1
        choices = [
            self.t(
                "zalo.results.choice",
                number=number,
                what=f"{period_name(period, self.t)} ({name})" if several else period_name(period, self.t),
            )
            for number, (_, name, _, period) in enumerate(released, start=1)
        ]
        items = [[student_id, notice_id] for student_id, _, notice_id, _ in released]
        await self.uow.identity.save_dialog(CHANNEL, self.account, FLOW, "choose", {"items": items}, self.now)
        return [self.t("zalo.results.choose", choices=", ".join(choices))]

    async def _card(self, actor: Actor, number: int) -> list[str]:
        dialog = await self.uow.identity.dialog(CHANNEL, self.account)
        items = dialog.data.get("items", []) if dialog and dialog.flow == FLOW else []
        if not 1 <= number <= len(items):
            return [self.t("zalo.results.bad_number", count=len(items))] if items else [self.t("zalo.help")]
        student_id, notice_id = items[number - 1]
        # the choices were this parent's a moment ago: checked again, as a button is on Telegram
        notice = await self.uow.notices.get(notice_id)
        children = {sid: class_id for sid, _, class_id in await self.uow.notices.children(actor.children)}
        if (
            notice is None
            or notice.kind is not Kind.REPORT_CARD
            or notice.status is not Status.APPROVED
            or children.get(student_id) != notice.reach.class_id
        ):
            await self.uow.identity.record_refusal(
                CHANNEL, self.account, "released-results", f"{student_id}:{notice_id}", self.now
            )
            return [self.t("zalo.results.gone")]
        period = Period(notice.period)
        text = await released_text(self.uow, notice.id, notice.reach.class_id, period, student_id, self.t)
        return [text] if text is not None else [self.t("zalo.results.gone")]

    async def _read(self, notice_id: int) -> list[str]:
        """ "da xem 12": the parent read notice 12 (only one it was sent to)."""
        try:
            return [
                self.t(await read_receipts.mark_read(self.uow, CHANNEL, self.account, notice_id, self.now))
            ]
        except PermissionDenied:
            log.warning("refused weekly-r to zalo:%s (%s)", self.account, notice_id)
            await self.uow.identity.record_refusal(
                CHANNEL, self.account, "weekly-r", str(notice_id), self.now
            )
            return [self.t("weekly.read.not_yours")]


def read_number(word: str) -> int | None:
    """ "daxem12" (typed "Đã xem 12") or "seen12" → 12; None for any other word."""
    digits = word.lstrip("abcdefghijklmnopqrstuvwxyz")
    if digits and digits.isdigit() and word[: -len(digits)] in _words("weekly.command.read"):
        return int(digits)
    return None


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
