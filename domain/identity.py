"""Who is writing: linking a chat account to a person with a one-time invite code.

Codes are random, shown once, stored only as a keyed hash (HMAC-SHA-256 with the school's key for
invite codes, which the store holds: whoever can read or write the database but not the key file can
neither test guesses offline nor plant a code of their own), single-use and valid for 7 days by
default. Only text shaped like a code counts as an attempt ("xin chào" is not a wrong code). An account
that keeps sending wrong codes is made to wait; while many wrong codes arrive from everywhere, an
account that has already sent a wrong one waits too, but a newcomer's first code is still read.
Unlinking (a lost phone) takes effect at the next message.

One account holds one staff link and one guardian link at once: a teacher who sends a parent's code
becomes teacher and parent. A parent's further codes (another child, or the same child's other
guardian record, as schools import them) add those children to the account's guardian. A staff code
for a different staff member than the one linked is only taken once the person confirms it. A student's
own code links a separate kind of account, which holds that student's link only (docs/students.md)."""

from __future__ import annotations

import hashlib
import hmac
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
# Wrong codes from all accounts in a minute beyond which accounts with a wrong code wait (a guesser
# spreading over many accounts); people who have not sent a wrong code are never stopped by it.
WRONG_CODES_EVERYWHERE_PER_MINUTE = 30
EVERYWHERE_WINDOW = timedelta(minutes=1)
# Where a parent linked on several channels receives notices and report cards, as offered to them
# (numbered on Zalo); without a choice, on the channel they linked last.
BOTH = "both"
CHANNEL_CHOICES = ("telegram", "zalo", BOTH, "web")  # "both": every channel the parent is linked on


def channel_choices(linked: set[str]) -> list[str]:
    """What a parent linked on several channels may choose, in the order offered (and numbered from 1 on
    Zalo): each channel they are linked on, then all of them."""
    return [choice for choice in CHANNEL_CHOICES if choice in linked] + [BOTH]


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
    STUDENT = "student"  # a student's own account: their released results and notices, read-only


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


def looks_like_code(text: str) -> bool:
    """Text shaped like a code (ten letters and digits of the code alphabet, maybe spaced or dashed);
    a greeting, a thank-you or a question mark is not one."""
    code = normalise_code(text)
    return len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) and len(text.strip()) <= 14


def hash_code(code: str, key: bytes) -> str:
    """The keyed hash kept for a code: HMAC-SHA-256 of the code's SHA-256. (Hashing the SHA-256 lets the
    migration turn hashes stored before keys existed into keyed ones without knowing the codes.)"""
    return keyed_hash(hashlib.sha256(normalise_code(code).encode()).hexdigest(), key)


def keyed_hash(plain_hash: str, key: bytes) -> str:
    return hmac.new(key, plain_hash.encode(), hashlib.sha256).hexdigest()


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
    @property
    def code_key(self) -> bytes:
        """The school's key for invite codes."""

    async def add_invite(
        self, code_hash: str, person: PersonRef | None, student_id: int | None, expires_at: datetime
    ) -> None: ...

    async def find_invite(self, code_hash: str) -> InviteRecord | None: ...

    async def claim_invite(self, invite_id: int, now: datetime) -> bool:
        """Marks the invite used unless it already is; True for exactly one caller."""

    async def wrong_codes_since(self, channel: str, account: str, since: datetime) -> int: ...

    async def wrong_codes_everywhere_since(self, since: datetime) -> int: ...

    async def record_attempt(self, channel: str, account: str, now: datetime, ok: bool) -> None: ...

    async def link_account(self, channel: str, account: str, person: PersonRef, now: datetime) -> None:
        """Sets the account's link of the person's kind (a guardian's children join those of the
        guardian already linked), keeping the link of the other kind."""

    async def linked_staff(self, channel: str, account: str) -> int | None: ...

    async def linked_guardian(self, channel: str, account: str) -> int | None: ...

    async def linked_student(self, channel: str, account: str) -> int | None: ...

    async def guardian_children(self, guardian_id: int) -> set[int]: ...

    async def invite_by_id(self, invite_id: int) -> InviteRecord | None: ...

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
    await store.add_invite(hash_code(code, store.code_key), person, student_id, now + lifetime)
    return Invite(code, now + lifetime)


async def redeem_invite(
    store: InviteStore, channel: str, account: str, typed: str, now: datetime
) -> PersonRef:
    """Links the account to the invite's person; DomainError when not a code, throttled, wrong, used or
    expired. Only wrong codes count toward throttling."""
    if not looks_like_code(typed):
        raise DomainError("link.error.not_a_code")
    await _check_throttle(store, channel, account, now)
    invite = await store.find_invite(hash_code(typed, store.code_key))
    if invite is None:
        await store.record_attempt(channel, account, now, ok=False)
        raise DomainError("link.error.bad_code")
    await _check_kind(store, channel, account, invite)
    linked = await store.linked_staff(channel, account)
    if invite.person and invite.person.kind is PersonKind.STAFF and linked not in (None, invite.person.id):
        _check_usable(invite, now)
        raise ConfirmLink(invite.id, staff_id=invite.person.id)
    children = await _children_to_confirm(store, channel, account, invite)
    if children:
        _check_usable(invite, now)
        raise ConfirmLink(invite.id, student_ids=children)
    return await _redeem(store, channel, account, invite, now)


async def _children_to_confirm(
    store: InviteStore, channel: str, account: str, invite: InviteRecord
) -> list[int]:
    """The children a parent's code would add to an account linked to another guardian record: those
    are added only after a yes (the code may be someone else's). Empty when it adds none."""
    linked = await store.linked_guardian(channel, account)
    if linked is None or (invite.person is not None and invite.person.kind is PersonKind.STAFF):
        return []
    if invite.person is None:
        offered = {invite.student_id} if invite.student_id is not None else set()
    elif invite.person.id == linked:
        return []
    else:
        offered = await store.guardian_children(invite.person.id)
    return sorted(offered - await store.guardian_children(linked))


async def redeem_confirmed(
    store: InviteStore, channel: str, account: str, invite_id: int, now: datetime
) -> PersonRef:
    """The code the person confirmed (see ``ConfirmLink``), read again: it may have expired or been
    used since."""
    invite = await store.invite_by_id(invite_id)
    if invite is None:
        raise DomainError("link.error.bad_code")
    return await _redeem(store, channel, account, invite, now)


class ConfirmLink(DomainError):
    """The code is for another staff member than the one this account is linked to (it would replace the
    staff link), or for another guardian record (it would add ``student_ids``): the person confirms first."""

    def __init__(
        self, invite_id: int, staff_id: int | None = None, student_ids: list[int] | None = None
    ) -> None:
        super().__init__("link.confirm", staff_id=staff_id)
        self.invite_id = invite_id
        self.student_ids = student_ids or []


def _is_students_own(invite: InviteRecord) -> bool:
    return invite.person is not None and invite.person.kind is PersonKind.STUDENT


async def _check_kind(store: InviteStore, channel: str, account: str, invite: InviteRecord) -> None:
    """A student's account holds only the student's own link: a student's code does not link an account
    of a parent or a staff member, nor a parent's or staff code a student's account (the code stays
    unused, and it is no wrong code)."""
    student = await store.linked_student(channel, account)
    if _is_students_own(invite) and student not in (None, invite.person.id):
        raise DomainError("students.link.error.other_student")
    if _is_students_own(invite) and student is None:
        adult = await store.linked_staff(channel, account) or await store.linked_guardian(channel, account)
        if adult is not None:
            raise DomainError("students.link.error.adult_account")
    if not _is_students_own(invite) and student is not None:
        raise DomainError("students.link.error.student_account")


def _check_usable(invite: InviteRecord, now: datetime) -> None:
    if invite.expires_at <= now:
        raise DomainError("link.error.expired_code")
    if invite.used:
        raise DomainError("link.error.used_code")


async def _redeem(
    store: InviteStore, channel: str, account: str, invite: InviteRecord, now: datetime
) -> PersonRef:
    _check_usable(invite, now)
    await _check_kind(store, channel, account, invite)
    if not await store.claim_invite(invite.id, now):
        raise DomainError("link.error.used_code")
    person = invite.person
    if person is None:
        assert invite.student_id is not None
        person = await store.guardian_for_student(invite.student_id)
    await store.link_account(channel, account, person, now)
    await store.record_attempt(channel, account, now, ok=True)
    return person


async def _check_throttle(store: InviteStore, channel: str, account: str, now: datetime) -> None:
    own = await store.wrong_codes_since(channel, account, now - WRONG_CODE_WINDOW)
    if own >= WRONG_CODES_ALLOWED:
        raise DomainError("link.error.throttled", minutes=int(WRONG_CODE_WINDOW.total_seconds() // 60))
    if own and await store.wrong_codes_everywhere_since(now - EVERYWHERE_WINDOW) >= (
        WRONG_CODES_EVERYWHERE_PER_MINUTE
    ):
        raise DomainError("link.error.throttled", minutes=int(EVERYWHERE_WINDOW.total_seconds() // 60))
