"""Zalo as a delivery channel: a thin client of the Zalo Bot API (``/bot<token>/<method>``, JSON in,
``{"ok": ..., "result" | "error_code", "description"}`` out) and its errors as the channel outcomes.

Zalo carries text (at most 2,000 characters) and photos by URL, no documents: callers split long
texts into rows of their own (``MAX_TEXT``) so that a retry never repeats a piece already delivered. A
row with an attachment is a picture: the platform fetches it from sodiem's web server, at
``<SODIEM_PUBLIC_URL>/cards/<the row's attachment name>`` (``bot/public.py`` serves it)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from notifications.channel import Message, Refused, Throttled, Transient, Uncertain, Unreachable

NAME = "zalo"
ZALO_API = "https://bot-api.zaloplatforms.com/bot"
MAX_TEXT = 2000
TEXT_RECEIVED = "message.text.received"  # the event of a text a person sent
PICTURES = "/cards/"  # the path of the report-card pictures on sodiem's web server
SENDING_METHODS = frozenset({"sendMessage", "sendPhoto"})
REQUEST_SECONDS = 30.0
POLL_MARGIN = 10.0  # a long poll's request outlives the poll's own timeout by this much


def with_receipt(parts: list[str], receipt: str) -> list[str]:
    """A notice's or a report card's pieces ending with how to say it was read ("da xem 12"): Zalo has no
    buttons (bot/zalo.py reads the answer). Appended to the last piece, or a piece of its own."""
    last = f"{parts[-1].rstrip()}\n\n{receipt}" if parts else receipt
    if len(last) <= MAX_TEXT:
        return [*parts[:-1], last]
    return [*parts, receipt]


def pieces(text: str, limit: int = MAX_TEXT) -> list[str]:
    """A long text in pieces at line ends, each within Zalo's limit (a line too long is cut)."""
    found, current = [], ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            found.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            found.append(current)
            current = ""
        current += line
    return [piece for piece in [*found, current] if piece.strip()]


def masked(token: str) -> str:
    """A token as logs may show it: its bot number, never the secret part."""
    return token.split(":", 1)[0] + ":***" if ":" in token else "***"


class ZaloApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: float | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after


class ZaloLost(Exception):  # noqa: N818 - an outcome, not a programming error
    """The request went out and no answer came back."""


class ZaloUnreachable(Exception):  # noqa: N818
    """The connection could not be made: nothing was sent."""


class ChatPace:
    """At most one message a second to a person, shared by the answers and the deliveries of a process
    (as the Telegram bot's rate limiter is), so that the platform's per-chat limit is never hit."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}

    async def wait(self, chat_id: str) -> None:
        now = time.monotonic()
        slot = max(now, self._next.get(chat_id, 0.0))
        self._next[chat_id] = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class ZaloClient:
    """``await client.call("sendMessage", chat_id=..., text=...)`` → the result, or a ZaloApiError."""

    def __init__(self, token: str, base_url: str = ZALO_API, pace: ChatPace | None = None) -> None:
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.pace = pace or ChatPace()
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(self, method: str, request_seconds: float = REQUEST_SECONDS, **params: Any) -> Any:
        await self.start()
        assert self._session is not None
        if method in SENDING_METHODS:
            await self.pace.wait(str(params.get("chat_id")))
        url = f"{self.base_url}{self.token}/{method}"
        try:
            async with self._session.post(
                url, json=params, timeout=aiohttp.ClientTimeout(total=request_seconds)
            ) as response:
                body = await response.json(content_type=None)
        except aiohttp.ClientConnectorError as error:
            raise ZaloUnreachable(self._reason(error)) from error
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            raise ZaloLost(self._reason(error)) from error
        if not isinstance(body, dict) or not body.get("ok"):
            body = body if isinstance(body, dict) else {}
            retry = (body.get("parameters") or {}).get("retry_after")
            raise ZaloApiError(
                int(body.get("error_code") or response.status), str(body.get("description")), retry
            )
        return body.get("result")

    def _reason(self, error: Exception) -> str:
        """What went wrong, with the kind of failure (an URL error's text is the URL alone) and the
        token masked: the URL carries it."""
        text = f"{type(error).__name__}: {error}".rstrip(": ")
        return text.replace(self.token, masked(self.token)) if self.token else text


class ZaloChannel:
    name = NAME
    # The platform states no figures yet: assume Telegram's, with the same margin (issue 11).
    per_second = 29.0
    per_recipient_interval = 1.0

    def __init__(self, client: ZaloClient, public_url: str | None = None) -> None:
        self.client = client
        self.public_url = public_url  # None: no pictures (the platform could not fetch them)
        self.per_recipient_interval = client.pace.interval  # the outbox keeps the answers' pace

    @classmethod
    def connect(
        cls, token: str, base_url: str = ZALO_API, pace: ChatPace | None = None, public_url: str | None = None
    ) -> ZaloChannel:
        return cls(ZaloClient(token, base_url, pace), public_url)

    @property
    def sends_pictures(self) -> bool:
        return self.public_url is not None

    def picture_url(self, name: str) -> str:
        assert self.public_url is not None
        return f"{self.public_url}{PICTURES}{name}"

    async def start(self) -> None:
        await self.client.start()

    async def stop(self) -> None:
        await self.client.stop()

    async def send(self, recipient: str, message: Message) -> None:
        if message.attachment is not None and not (self.sends_pictures and message.attachment_name):
            raise Refused("Zalo carries no documents; a picture needs SODIEM_PUBLIC_URL")
        if len(message.text) > MAX_TEXT:
            raise Refused(f"text of {len(message.text)} characters; Zalo takes {MAX_TEXT}")
        if message.attachment is not None:
            method = "sendPhoto"
            params = {"photo": self.picture_url(message.attachment_name or ""), "caption": message.text}
        else:
            method, params = "sendMessage", {"text": message.text}
        try:
            await self.client.call(method, chat_id=recipient, **params)
        except ZaloApiError as error:
            raise _outcome(error) from error
        except ZaloUnreachable as error:
            raise Transient(str(error)) from error
        except ZaloLost as error:
            raise Uncertain(str(error)) from error


def _outcome(error: ZaloApiError) -> Exception:
    if error.code == 429:
        return Throttled(float(error.retry_after or 1))
    if error.code == 403 or "chat not found" in error.description.lower():
        return Unreachable(error.description)
    if error.code >= 500:
        return Transient(error.description)
    return Refused(error.description)
