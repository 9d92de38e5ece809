"""Signing in to the web chat and its sessions: one use case each, for the web server and for the bot's
/phien (sessions) command alike.

A browser is a web account (channel "web"; its external id is the device number the sign-in page gave
it). It links with the same one-time invite code as a Telegram or Zalo account, through the same
``redeem_invite`` and so the same throttling of wrong codes. A session is a random token in an HttpOnly
cookie; only its SHA-256 is stored. It ends when it expires, when the person signs it out (on the web or
with /phien), or at once when its account is unlinked (``sodiem staff revoke``, a guardian removed):
the account's row goes and with it the sessions (``find`` joins the account)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from domain.identity import PersonKind, redeem_invite
from domain.permissions import Actor
from storage.uow import UnitOfWork
from storage.web_store import WEB, WebSession

SESSION_LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=5)  # last seen is written at most this often (one write per page view)
DEVICE_MIN = 10**12  # device numbers: 12 to 15 digits, positive (they are the web chat's user ids)
DEVICE_SPAN = 9 * 10**14


def new_device() -> str:
    """A new browser's number: random, so that one device cannot name another's account."""
    return str(DEVICE_MIN + secrets.randbelow(DEVICE_SPAN))


def valid_device(text: str | None) -> bool:
    return bool(text) and text.isdigit() and DEVICE_MIN <= int(text) < DEVICE_MIN + DEVICE_SPAN


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def sign_in_with_code(
    uow: UnitOfWork,
    device: str,
    typed: str,
    language: str,
    user_agent: str,
    now: datetime,
    lifetime: timedelta = SESSION_LIFETIME,
) -> str:
    """Links the device's web account with the invite code and opens a session; answers its token.
    DomainError (not a code, wrong, used, expired, throttled) as in chat. The caller commits."""
    await redeem_invite(uow.identity, WEB, device, typed, now)
    await uow.identity.set_language(WEB, device, language)
    return await open_session(uow, device, user_agent, now, lifetime)


async def open_session(
    uow: UnitOfWork, device: str, user_agent: str, now: datetime, lifetime: timedelta = SESSION_LIFETIME
) -> str:
    account_id = await uow.web.account_id(device)
    assert account_id is not None, "the device's account is linked first"
    token = secrets.token_urlsafe(32)
    await uow.web.add(account_id, token_hash(token), device_name(user_agent), now, now + lifetime)
    return token


async def session_for(uow: UnitOfWork, token: str | None, now: datetime) -> WebSession | None:
    """The live session of a cookie's token; None when there is none, it expired or its account went."""
    if not token or len(token) > 100:
        return None
    found = await uow.web.find(token_hash(token), now)
    if found is not None and now - found.last_seen_at >= TOUCH_EVERY:
        await uow.web.touch(found.id, now)
    return found


async def sign_out(uow: UnitOfWork, session: WebSession) -> None:
    await uow.web.end([session.id])


async def sessions_of(uow: UnitOfWork, actor: Actor) -> list[WebSession]:
    staff_id = actor.person.id if actor.person.kind is PersonKind.STAFF else None
    guardian_id = actor.person.id if actor.person.kind is PersonKind.GUARDIAN else actor.guardian
    return await uow.web.of_person(staff_id, guardian_id)


async def end_session(uow: UnitOfWork, actor: Actor, session_id: int) -> bool:
    """Signs out one of the person's own devices; False (nothing done) when the id is not theirs."""
    if session_id not in {session.id for session in await sessions_of(uow, actor)}:
        return False
    await uow.web.end([session_id])
    return True


async def end_all(uow: UnitOfWork, actor: Actor) -> int:
    return await uow.web.end([session.id for session in await sessions_of(uow, actor)])


def device_name(user_agent: str) -> str:
    """A short name a person recognises (browser on system), never the whole header."""
    agent = user_agent or ""
    system = next(
        (name for key, name in SYSTEMS if key in agent),
        "",
    )
    browser = next((name for key, name in BROWSERS if key in agent), "")
    return " / ".join(part for part in (browser, system) if part)[:120] or "?"


SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
)
BROWSERS = (
    ("Edg/", "Edge"),
    ("CocCoc", "Cốc Cốc"),
    ("Zalo", "Zalo"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
