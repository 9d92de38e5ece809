"""Web Push subscriptions of the web front end's accounts: a browser subscribes (the JSON of its
``PushSubscription``), unsubscribes, and the pusher finds an account's browsers.

What a browser sends is input like any other: the endpoint must be an https URL of a push service
(plain http to 127.0.0.1 only when the caller allows it, for the test push service) and the keys must be
a P-256 public key and a 16-byte secret, or the subscription is refused with the reason."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from domain.errors import DomainError
from storage.models.webpush import ENDPOINT_LENGTH
from storage.uow import UnitOfWork

MAX_PER_ACCOUNT = 10  # browsers of one person; a new one beyond that replaces the oldest
BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class Subscription:
    endpoint: str
    p256dh: str  # the browser's P-256 public key, base64url
    auth: str  # the browser's 16-byte authentication secret, base64url

    @property
    def info(self) -> dict:
        """As pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def _decoded(text: object) -> bytes | None:
    if not isinstance(text, str) or not BASE64URL.fullmatch(text):
        return None
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def _checked_endpoint(endpoint: object, allow_loopback: bool) -> str:
    if not isinstance(endpoint, str) or not PRINTABLE_ASCII.fullmatch(endpoint):
        raise DomainError("webpush.error.endpoint")
    if len(endpoint) > ENDPOINT_LENGTH:
        raise DomainError("webpush.error.endpoint_long", limit=ENDPOINT_LENGTH)
    try:
        parts = urlsplit(endpoint)
        hostname, credentials = parts.hostname, parts.username or parts.password
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as error:
        raise DomainError("webpush.error.endpoint") from error
    secure = parts.scheme == "https" and bool(hostname)
    loopback = allow_loopback and parts.scheme == "http" and hostname == "127.0.0.1"
    if credentials or not (secure or loopback):
        raise DomainError("webpush.error.endpoint")
    return endpoint


def _checked_p256dh(text: object) -> str:
    raw = _decoded(text)
    try:
        if raw is None or len(raw) != 65:
            raise ValueError("not an uncompressed P-256 point")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as error:
        raise DomainError("webpush.error.p256dh") from error
    return str(text)


def _checked_auth(text: object) -> str:
    raw = _decoded(text)
    if raw is None or len(raw) != 16:
        raise DomainError("webpush.error.auth")
    return str(text)


def parse_subscription(data: object, allow_loopback: bool = False) -> Subscription:
    """The subscription a browser sent (``PushSubscription.toJSON()``), checked."""
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict):
        raise DomainError("webpush.error.shape")
    return Subscription(
        endpoint=_checked_endpoint(data.get("endpoint"), allow_loopback),
        p256dh=_checked_p256dh(keys.get("p256dh")),
        auth=_checked_auth(keys.get("auth")),
    )


async def subscribe(
    uow: UnitOfWork, account_id: int, data: object, now: datetime, allow_loopback: bool = False
) -> Subscription:
    """Notify this account on the browser ``data`` describes, from now on."""
    subscription = parse_subscription(data, allow_loopback)
    store = uow.push_subscriptions
    await store.save(account_id, subscription.endpoint, subscription.p256dh, subscription.auth, now)
    await store.keep_newest(account_id, MAX_PER_ACCOUNT)
    await uow.commit()
    return subscription


async def unsubscribe(uow: UnitOfWork, account_id: int, endpoint: object) -> bool:
    """No more notices to that browser for this account; False when it was not this account's (another
    person's endpoint is neither removed nor confirmed to exist)."""
    if not isinstance(endpoint, str) or len(endpoint) > ENDPOINT_LENGTH:
        raise DomainError("webpush.error.endpoint")
    removed = await uow.push_subscriptions.remove(account_id, endpoint)
    await uow.commit()
    return removed


async def subscriptions_of(uow: UnitOfWork, account_id: int) -> list[Subscription]:
    rows = await uow.push_subscriptions.of_account(account_id)
    return [Subscription(row.endpoint, row.p256dh, row.auth) for row in rows]
