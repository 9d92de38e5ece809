"""Who is writing: linking a chat account to a person with a one-time invite code.

Codes are random, shown once, stored only as a hash, single-use and valid for 7 days by default.
An account that keeps sending wrong codes is made to wait. Unlinking (a lost phone) takes effect at
the next message."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from domain.errors import DomainError

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off paper
CODE_LENGTH = 10
INVITE_LIFETIME = timedelta(days=7)
WRONG_CODES_ALLOWED = 5
WRONG_CODE_WINDOW = timedelta(minutes=15)
# Where a parent linked on Telegram and on Zalo receives notices and report cards, as offered to them
# (1, 2, 3 on Zalo); without a choice, on the channel they linked last.
BOTH = "both"
CHANNEL_CHOICES = ("telegram", "zalo", BOTH)


def receiving_channels(choice: str | None, linked: dict[str, datetime]) -> set[str]:
    """The channels a parent receives notices and report cards on, given their choice (None: none made)
    and when they last linked an account on each channel: the chosen one(s) they are linked on, or
    else the channel linked last."""
    if choice == BOTH:
        return set(linked)
    if choice in linked:
        return {choice}
    return {max(linked, key=lambda channel: linked[channel])} if linked else set()


class PersonKind(StrEnum):
    STAFF = "staff"
    GUARDIAN = "guardian"


@dataclass(frozen=True)
class PersonRef:
    kind: PersonKind
    id: int


@dataclass(frozen=True)
class Invite:
    code: str  # shown once to the administrator; only its hash is stored
    expires_at: datetime


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed, as stored: capitals, no spaces or dashes ('abcd-efgh 23' → 'ABCDEFGH23')."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    """Easier to read and type: 'ABCDE-FGH23'."""
    return f"{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class InviteRecord:
    id: int
    person: PersonRef | None  # None: for a parent of ``student_id``, whoever redeems it
    student_id: int | None
    expires_at: datetime
    used: bool


class InviteStore(Protocol):
    async def add_invite(
        self, code_hash: str, person: PersonRef | None, student_id: int | None, expires_at: datetime
    ) -> None: ...

    async def find_invite(self, code_hash: str) -> InviteRecord | None: ...

    async def claim_invite(self, invite_id: int, now: datetime) -> bool:
        """Marks the invite used unless it already is; True for exactly one caller."""

    async def wrong_codes_since(self, channel: str, account: str, since: datetime) -> int: ...

    async def record_attempt(self, channel: str, account: str, now: datetime, ok: bool) -> None: ...

    async def link_account(self, channel: str, account: str, person: PersonRef, now: datetime) -> None: ...

    async def guardian_for_student(self, student_id: int) -> PersonRef: ...


async def create_invite(
    store: InviteStore,
    person: PersonRef | None,
    now: datetime,
    student_id: int | None = None,
    lifetime: timedelta = INVITE_LIFETIME,
) -> Invite:
    """An invite for a staff member or guardian, or (``person`` None) for a parent of ``student_id``."""
    code = new_code()
    await store.add_invite(hash_code(code), person, student_id, now + lifetime)
    return Invite(code, now + lifetime)


async def redeem_invite(
    store: InviteStore, channel: str, account: str, typed: str, now: datetime
) -> PersonRef:
    """Links the account to the invite's person; DomainError when throttled, wrong, used or expired."""
    if await store.wrong_codes_since(channel, account, now - WRONG_CODE_WINDOW) >= WRONG_CODES_ALLOWED:
        raise DomainError("link.error.throttled", minutes=int(WRONG_CODE_WINDOW.total_seconds() // 60))
    invite = await store.find_invite(hash_code(typed))
    if invite is None:
        await store.record_attempt(channel, account, now, ok=False)
        raise DomainError("link.error.bad_code")
    if invite.expires_at <= now:
        raise DomainError("link.error.expired_code")
    if invite.used or not await store.claim_invite(invite.id, now):
        raise DomainError("link.error.used_code")
    person = invite.person
    if person is None:
        assert invite.student_id is not None
        person = await store.guardian_for_student(invite.student_id)
    await store.link_account(channel, account, person, now)
    await store.record_attempt(channel, account, now, ok=True)
    return person
