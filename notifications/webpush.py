"""The pusher: a notice to every browser a web account subscribed, by Web Push (RFC 8030), encrypted
for that browser (RFC 8291, aes128gcm) and signed with the school's VAPID key (RFC 8292).

The web front end calls ``notify`` when a message lands in a person's web chat; the chat itself is the
record (the outbox delivered it exactly once), the push only tells the phone to look, so a push that
fails is logged and not retried. A browser the push service says is gone (404, 410) is forgotten.
pywebpush's own asyncio API sends, over one aiohttp session: nothing blocks the event loop. At most
``parallel`` requests are in flight, each within ``timeout`` seconds.

An endpoint is a capability URL: logs name only its origin (``https://fcm.googleapis.com``)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

import aiohttp
from py_vapid import Vapid

from domain.errors import DomainError
from storage.db import Database
from storage.models.webpush import PushSubscriptionRow
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

DELIVERED = frozenset({200, 201, 202})
GONE = frozenset({404, 410})
MAX_PAYLOAD = 3000  # bytes of JSON; a push message carries at most 4096 encrypted, record header included
URGENCIES = ("very-low", "low", "normal", "high")
DEFAULT_SUBJECT = "mailto:webpush@sodiem.invalid"


class Notifier(Protocol):
    """What the web front end calls when a message lands in a person's web chat."""

    async def notify(self, account_id: int, title: str, body: str, url: str) -> None: ...


@dataclass(frozen=True)
class PushSettings:
    subject: str = DEFAULT_SUBJECT  # the VAPID "sub": how a push service reaches the school's admin
    ttl: int = 24 * 3600  # seconds a push service keeps a notice for a browser that is offline
    urgency: str = "normal"
    timeout: float = 10.0  # seconds for one push request
    parallel: int = 4  # push requests in flight at once
    allow_loopback: bool = False  # endpoints at http://127.0.0.1 (the test push service only)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> PushSettings:
        """The settings; a malformed one is named (DomainError ``webpush.error.setting``)."""
        environ = os.environ if environ is None else environ
        public_url = environ.get("SODIEM_PUBLIC_URL", "")
        subject = environ.get("SODIEM_VAPID_SUBJECT") or (
            public_url.rstrip("/") if public_url.startswith("https://") else DEFAULT_SUBJECT
        )
        if not subject.startswith(("mailto:", "https://")):
            raise DomainError("webpush.error.setting", name="SODIEM_VAPID_SUBJECT", value=subject)
        urgency = environ.get("SODIEM_WEBPUSH_URGENCY", cls.urgency)
        if urgency not in URGENCIES:
            raise DomainError("webpush.error.setting", name="SODIEM_WEBPUSH_URGENCY", value=urgency)
        return cls(
            subject=subject,
            ttl=int(_positive(environ, "SODIEM_WEBPUSH_TTL", cls.ttl)),
            urgency=urgency,
            timeout=_positive(environ, "SODIEM_WEBPUSH_TIMEOUT", cls.timeout),
            parallel=int(_positive(environ, "SODIEM_WEBPUSH_PARALLEL", cls.parallel)),
            allow_loopback=environ.get("SODIEM_WEBPUSH_LOOPBACK") == "1",
        )


def _positive(environ: Mapping[str, str], name: str, default: float) -> float:
    text = environ.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise DomainError("webpush.error.setting", name=name, value=text)
    return value


def origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def payload(title: str, body: str, url: str) -> bytes:
    """What push-sw.js shows: JSON, the body shortened (by whole letters) to fit in a push message."""

    def encoded(text: str) -> bytes:
        return json.dumps({"title": title, "body": text, "url": url}, ensure_ascii=False).encode()

    if len(whole := encoded(body)) <= MAX_PAYLOAD:
        return whole
    fits, too_long = 0, len(body)  # the longest beginning of the body that fits, by bisection
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        fits, too_long = (
            (middle, too_long) if len(encoded(body[:middle] + "…")) <= MAX_PAYLOAD else (fits, middle)
        )
    shortened = encoded(body[:fits] + "…")
    if len(shortened) > MAX_PAYLOAD:
        raise ValueError("the title and the url alone are too long for a push message")
    return shortened


def utc_now() -> datetime:
    return datetime.now(UTC)


class WebPushNotifier:
    def __init__(
        self,
        database: Database,
        vapid: Vapid,
        settings: PushSettings | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.vapid = vapid
        self.settings = settings or PushSettings()
        self.clock = clock
        self._slots = asyncio.Semaphore(self.settings.parallel)
        self._http: aiohttp.ClientSession | None = None

    async def notify(self, account_id: int, title: str, body: str, url: str) -> None:
        async with UnitOfWork(self.database, read_only=True) as uow:
            rows = list(await uow.push_subscriptions.of_account(account_id))
        if not rows:
            return
        data = payload(title, body, url)
        statuses = await asyncio.gather(*(self._push(account_id, row, data) for row in rows))
        await self._record(rows, statuses)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _push(self, account_id: int, row: PushSubscriptionRow, data: bytes) -> int | None:
        """The push service's answer, or None when none came (refused to connect, timed out)."""
        info = {"endpoint": row.endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}}
        claims = {
            "sub": self.settings.subject,
            "aud": origin(row.endpoint),
            "exp": int(time.time()) + 12 * 3600,
        }
        headers = {**self.vapid.sign(claims), "Urgency": self.settings.urgency}
        # Loaded by the first push, not with the bot: pywebpush brings requests (about 4 MB).
        from pywebpush import WebPusher, WebPushException

        async with self._slots:
            try:
                pusher = WebPusher(info, aiohttp_session=self._session())
                response = await pusher.send_async(
                    data,
                    headers,
                    ttl=self.settings.ttl,
                    timeout=aiohttp.ClientTimeout(total=self.settings.timeout),
                )
            except (aiohttp.ClientError, TimeoutError, WebPushException) as error:
                log.warning(
                    "web push to account %s at %s: no answer (%s)",
                    account_id,
                    origin(row.endpoint),
                    type(error).__name__,
                )
                return None
        if response.status not in DELIVERED:
            log.warning(
                "web push to account %s at %s: %s %s",
                account_id,
                origin(row.endpoint),
                response.status,
                response.reason,
            )
        return response.status

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    async def _record(self, rows: Sequence[PushSubscriptionRow], statuses: Sequence[int | None]) -> None:
        gone = [row.id for row, status in zip(rows, statuses, strict=True) if status in GONE]
        delivered = [row.id for row, status in zip(rows, statuses, strict=True) if status in DELIVERED]
        failed = [
            row.id for row, status in zip(rows, statuses, strict=True) if status not in DELIVERED | GONE
        ]
        async with UnitOfWork(self.database) as uow:
            await uow.push_subscriptions.remove_ids(gone)
            await uow.push_subscriptions.mark(delivered, failed, self.clock())
            await uow.commit()
