"""The local Zalo Bot API: ``/bot<token>/<method>`` on 127.0.0.1, answering like the platform
(``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``).

It emulates getMe, getUpdates (long polling: one update per call, handed out once; 408 when none
came), setWebhook / deleteWebhook / getWebhookInfo (a webhook excludes polling: while one is set, each
parent's text is POSTed to it with the secret in ``X-Bot-Api-Secret-Token``), sendMessage (text up to
2,000 characters), sendPhoto (a photo URL, fetched as the platform fetches it: refused unless it answers
with an image; and a caption) and sendChatAction. Flood limits and faults
are the Telegram stand-in's (``localapi.ratelimit``, ``localapi.faults``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlparse

import aiohttp
from aiohttp import web

from localapi.faults import Fault, FaultKind, Faults
from localapi.ratelimit import RateLimiter, RateLimits
from localapi.server import HOST, serve

MAX_TEXT = 2000  # characters of a text message
MAX_CAPTION = 2000
SENDING_METHODS = frozenset({"sendMessage", "sendPhoto"})
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
TEXT_RECEIVED = "message.text.received"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})  # http allowed here only, for tests on this machine
LOCAL = web.AppKey("local", "LocalZaloApi")


class ZaloError(Exception):
    def __init__(
        self, code: int, description: str, *, retry_after: int | None = None, injected: bool = False
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.injected = injected

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class LostResponse(Exception):  # noqa: N818 - an event a test injects
    """Delivered, then the connection drops before the answer."""


@dataclass(frozen=True)
class Refusal:
    method: str
    code: int
    description: str
    injected: bool


@dataclass
class ZaloMessage:
    message_id: str
    chat_id: str
    from_bot: bool
    text: str  # the caption of a photo
    photo: str | None
    date: int  # milliseconds since the epoch, as the platform sends
    seq: int
    photo_bytes: bytes | None = None  # what the photo's URL answered when it was sent


@dataclass
class _Chat:
    user: dict[str, Any]
    messages: list[ZaloMessage] = field(default_factory=list)
    blocked: bool = False


class _Signal:
    """Wakes every waiter when something changes (a message, an update)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


class LocalZaloApi:
    """``async with LocalZaloApi() as zalo:`` — the base URL for the adapter is ``zalo.base_url``."""

    def __init__(
        self,
        token: str = "1234567890:local-zalo-token",
        *,
        port: int = 0,
        rate_limits: bool | RateLimits = False,
        bot_name: str = "Sổ điểm",
        clock: Callable[[], float] = time.monotonic,
        max_poll_timeout: float = 50.0,
        fault_seed: int = 0,
    ) -> None:
        self.token = token
        self.bot = {"id": token.split(":", 1)[0], "account_name": "bot.sodiem", "display_name": bot_name}
        limits = RateLimits() if rate_limits is True else rate_limits or None
        self.rate_limiter = RateLimiter(limits, clock) if limits else None
        self.faults = Faults(fault_seed)
        self.max_poll_timeout = max_poll_timeout
        self.calls: Counter[str] = Counter()
        self.refusals: list[Refusal] = []
        self.webhook: dict[str, str] | None = None
        self.webhook_posts: list[int] = []  # the webhook's answers (HTTP status; 0: no answer)
        self._posting: set[asyncio.Task] = set()
        self._http: aiohttp.ClientSession | None = None
        self.chats: dict[str, _Chat] = {}
        self.people: dict[str, ZaloPerson] = {}
        self._updates: list[dict[str, Any]] = []
        self._seq = 0
        self._signal = _Signal()
        self._port = port
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> LocalZaloApi:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app[LOCAL] = self
        app.router.add_route("*", "/bot{token}/{method}", _method)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._runner, self._port = await serve(app, self._port)

    async def stop(self) -> None:
        self._signal.fire()
        for task in list(self._posting):
            task.cancel()
        await asyncio.gather(*self._posting, return_exceptions=True)
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
        if self._http:
            await self._http.close()
            self._http = None

    @property
    def base_url(self) -> str:
        """The adapter appends ``<token>/<method>``."""
        return f"http://{HOST}:{self._port}/bot"

    # --- people and what they received -----------------------------------------------------------

    def person(self, user_id: str, name: str) -> ZaloPerson:
        if user_id not in self.people:
            self.chats[user_id] = _Chat({"id": user_id, "display_name": name, "is_bot": False})
            self.people[user_id] = ZaloPerson(self, user_id)
        return self.people[user_id]

    def sent_messages(self, chat_id: str) -> list[ZaloMessage]:
        chat = self.chats.get(chat_id)
        return [m for m in chat.messages if m.from_bot] if chat else []

    @property
    def rejections_429(self) -> int:
        return sum(1 for refusal in self.refusals if refusal.code == 429)

    # --- fault injection -------------------------------------------------------------------------

    def inject_429(self, count: int | None = 1, *, retry_after: int = 1, probability: float = 1.0) -> None:
        self._inject(FaultKind.TOO_MANY_REQUESTS, count, probability, retry_after)

    def inject_server_error(self, count: int | None = 1, *, probability: float = 1.0) -> None:
        """Calls answer 502; nothing is delivered."""
        self._inject(FaultKind.BAD_GATEWAY, count, probability)

    def inject_lost_response(self, count: int | None = 1, *, probability: float = 1.0) -> None:
        """Calls deliver, then the connection drops before the answer."""
        self._inject(FaultKind.LOST_RESPONSE, count, probability)

    def clear_faults(self) -> None:
        self.faults.clear()

    def _inject(self, kind: FaultKind, count: int | None, probability: float, retry_after: int = 1) -> None:
        self.faults.add(Fault(kind, SENDING_METHODS, count, probability, retry_after))

    # --- the world -------------------------------------------------------------------------------

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def _add_message(
        self, chat_id: str, from_bot: bool, text: str, photo: str | None = None, image: bytes | None = None
    ) -> ZaloMessage:
        seq = self._next_seq()
        message = ZaloMessage(f"m{seq}", chat_id, from_bot, text, photo, int(time.time() * 1000), seq, image)
        self.chats[chat_id].messages.append(message)
        self._signal.fire()
        return message

    def _user_text(self, chat_id: str, text: str) -> ZaloMessage:
        chat = self.chats[chat_id]
        chat.blocked = False  # writing again re-opens the conversation
        message = self._add_message(chat_id, False, text)
        update = {
            "event_name": TEXT_RECEIVED,
            "message": {
                "message_id": message.message_id,
                "from": dict(chat.user),
                "chat": {"id": chat_id, "chat_type": "PRIVATE"},
                "date": message.date,
                "text": text,
            },
        }
        if self.webhook is not None:  # the platform calls the webhook instead of queueing the update
            task = asyncio.get_running_loop().create_task(self._post(dict(self.webhook), update))
            self._posting.add(task)
            task.add_done_callback(self._posting.discard)
        else:
            self._updates.append(update)
        self._signal.fire()
        return message

    async def _post(self, webhook: dict[str, str], update: dict[str, Any]) -> None:
        """One POST of an update to the webhook, with its secret; the answer is recorded, not retried."""
        assert self._http is not None
        headers = {SECRET_HEADER: webhook["secret_token"]}
        try:
            async with self._http.post(webhook["url"], json=update, headers=headers) as response:
                self.webhook_posts.append(response.status)
        except (aiohttp.ClientError, TimeoutError):
            self.webhook_posts.append(0)
        self._signal.fire()

    # --- the methods -----------------------------------------------------------------------------

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        handler = METHODS.get(method)
        if handler is None:
            raise ZaloError(404, "Not Found")
        self.calls[method] += 1
        try:
            return await handler(self, params)
        except ZaloError as error:
            if error.code != 408:  # an empty poll is not a refusal
                self.refusals.append(Refusal(method, error.code, error.description, error.injected))
            raise

    def _admit(self, method: str, chat_id: str) -> bool:
        """Faults first, then the flood limits: both strike before anything is delivered. True when
        the answer is to be lost after delivering."""
        fault = self.faults.draw(method)
        if fault and fault.kind is FaultKind.TOO_MANY_REQUESTS:
            retry = fault.retry_after
            raise ZaloError(429, f"Too Many Requests: retry after {retry}", retry_after=retry, injected=True)
        if fault and fault.kind is FaultKind.BAD_GATEWAY:
            raise ZaloError(502, "Bad Gateway", injected=True)
        if self.rate_limiter and (wait := self.rate_limiter.admit(chat_id)) is not None:
            raise ZaloError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ZaloError(400, "Bad Request: chat not found")
        if chat.blocked:
            raise ZaloError(403, "Forbidden: the user has blocked the bot")
        return fault is not None and fault.kind is FaultKind.LOST_RESPONSE

    async def get_me(self, params: dict[str, Any]) -> Any:
        return self.bot

    async def get_updates(self, params: dict[str, Any]) -> Any:
        """One update per call, the oldest, handed out once (there is no offset); 408 when none came
        within ``timeout`` seconds (30 by default), as the platform answers."""
        if self.webhook is not None:
            raise ZaloError(409, "Conflict: a webhook is set; delete it to use getUpdates")
        timeout = min(_number(params, "timeout", 30), self.max_poll_timeout)
        deadline = asyncio.get_running_loop().time() + timeout
        while not self._updates:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self._runner is None:
                raise ZaloError(408, "Request timeout")
            await self._signal.wait(remaining)
        return self._updates.pop(0)

    async def set_webhook(self, params: dict[str, Any]) -> Any:
        url = _required(params, "url")
        if not _web_address(url, https_only=True):
            raise ZaloError(400, "Bad Request: the webhook URL must be https")
        secret = _required(params, "secret_token")
        if not 8 <= len(secret) <= 256:
            raise ZaloError(400, "Bad Request: secret_token must be 8 to 256 characters")
        self.webhook = {"url": url, "secret_token": secret}
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = None
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def get_webhook_info(self, params: dict[str, Any]) -> Any:
        return {"url": self.webhook["url"] if self.webhook else ""}

    async def send_message(self, params: dict[str, Any]) -> Any:
        chat_id, text = _required(params, "chat_id"), _required(params, "text")
        if len(text) > MAX_TEXT:
            raise ZaloError(400, f"Bad Request: text is longer than {MAX_TEXT} characters")
        lose = self._admit("sendMessage", chat_id)
        return _answer(self._add_message(chat_id, True, text), lose)

    async def send_photo(self, params: dict[str, Any]) -> Any:
        chat_id, photo = _required(params, "chat_id"), _required(params, "photo")
        if not _web_address(photo, https_only=False):
            raise ZaloError(400, "Bad Request: photo must be the URL of an image")
        caption = str(params.get("caption") or "")
        if len(caption) > MAX_CAPTION:
            raise ZaloError(400, f"Bad Request: caption is longer than {MAX_CAPTION} characters")
        lose = self._admit("sendPhoto", chat_id)
        image = await self._fetch(photo)
        return _answer(self._add_message(chat_id, True, caption, photo, image), lose)

    async def _fetch(self, url: str) -> bytes:
        """The photo as the platform takes it: a GET that must answer 200 with an image."""
        assert self._http is not None
        try:
            async with self._http.get(url) as response:
                body = await response.read()
                kind = response.headers.get("Content-Type", "")
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ZaloError(400, f"Bad Request: the photo could not be fetched ({error})") from None
        if status != 200 or not kind.startswith("image/") or not body.startswith(IMAGE_SIGNATURES):
            raise ZaloError(400, f"Bad Request: the photo URL did not answer with an image ({status} {kind})")
        return body

    async def send_chat_action(self, params: dict[str, Any]) -> Any:
        chat_id, action = _required(params, "chat_id"), _required(params, "action")
        if action not in CHAT_ACTIONS:
            raise ZaloError(400, f"Bad Request: unknown action {action}")
        if chat_id not in self.chats:
            raise ZaloError(400, "Bad Request: chat not found")
        return True


def _answer(message: ZaloMessage, lose: bool) -> Any:
    if lose:
        raise LostResponse
    return {"message_id": message.message_id, "date": message.date}


METHODS: dict[str, Callable[[LocalZaloApi, dict[str, Any]], Any]] = {
    "getMe": LocalZaloApi.get_me,
    "getUpdates": LocalZaloApi.get_updates,
    "setWebhook": LocalZaloApi.set_webhook,
    "deleteWebhook": LocalZaloApi.delete_webhook,
    "getWebhookInfo": LocalZaloApi.get_webhook_info,
    "sendMessage": LocalZaloApi.send_message,
    "sendPhoto": LocalZaloApi.send_photo,
    "sendChatAction": LocalZaloApi.send_chat_action,
}


def _web_address(url: str, https_only: bool) -> bool:
    """An absolute http(s) URL; a webhook must be https (plain http is let through for this
    machine only, where the tests run)."""
    parsed = urlparse(url)
    if not parsed.hostname:
        return False
    return parsed.scheme == "https" or (
        parsed.scheme == "http" and (not https_only or parsed.hostname in LOCAL_HOSTS)
    )


def _required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise ZaloError(400, f"Bad Request: {name} is required")
    return str(value)


def _number(params: dict[str, Any], name: str, default: float) -> float:
    try:
        return float(params.get(name, default))
    except (TypeError, ValueError):
        raise ZaloError(400, f"Bad Request: {name} must be a number") from None


async def _method(request: web.Request) -> web.StreamResponse:
    local = request.app[LOCAL]
    try:
        if request.match_info["token"] != local.token:
            raise ZaloError(401, "Unauthorized")
        params: dict[str, Any] = dict(request.query)
        if request.body_exists:
            try:
                body = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ZaloError(400, "Bad Request: the body must be JSON") from None
            if not isinstance(body, dict):
                raise ZaloError(400, "Bad Request: the body must be a JSON object")
            params.update(body)
        result = await local.call(request.match_info["method"], params)
    except ZaloError as error:
        return web.json_response(error.to_json(), status=error.code)
    except LostResponse:
        if request.transport:
            request.transport.abort()
        return web.Response()
    except ConnectionResetError:
        return web.Response()
    return web.json_response({"ok": True, "result": result})


class ZaloPerson:
    """A parent on Zalo: writes to the bot, reads its answers."""

    def __init__(self, api: LocalZaloApi, user_id: str) -> None:
        self.api = api
        self.id = user_id
        self._since = 0  # wait_for looks at what came after the person's last action

    def __repr__(self) -> str:
        return f"<zalo person {self.id}>"

    @property
    def messages(self) -> list[ZaloMessage]:
        return self.api.sent_messages(self.id)

    def send_text(self, text: str) -> ZaloMessage:
        message = self.api._user_text(self.id, text)
        self._since = message.seq
        return message

    def block_bot(self) -> None:
        self.api.chats[self.id].blocked = True

    async def wait_for(self, predicate: Callable[[ZaloMessage], bool], timeout: float = 10.0) -> ZaloMessage:
        """The first of the bot's messages since the person's last action that matches."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = next((m for m in self.messages if m.seq > self._since and predicate(m)), None)
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                last = [m.text[:80] for m in self.messages[-3:]]
                raise TimeoutError(f"{self} waited {timeout} s; the bot's last messages: {last}")
            await self.api._signal.wait(remaining)

    async def ask(self, text: str, timeout: float = 10.0) -> ZaloMessage:
        """Sends a text and returns the bot's first answer to it."""
        self.send_text(text)
        return await self.wait_for(lambda m: True, timeout)
