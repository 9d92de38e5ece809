"""The audit trail is the change log made tamper-evident: every entry carries a keyed hash
(HMAC-SHA-256 with the school's key, storage/school_key.py) of its content and of the entry before it,
in one chain for the whole school. Without the key file nobody can re-seal an edited chain.

Entries are recorded during a transaction without their place in the chain; ``seal`` gives them their
sequence numbers and hashes and writes them just before the transaction commits, holding the chain's
head row locked, so two transactions never chain onto the same entry; the INSERT's trigger moves the
head (migration 0025). The head row also keeps a check
value of the key: a chain sealed with another key is told apart from an edited one ("khóa không khớp").
A chain sealed before the key existed (plain SHA-256, migration 0004) is re-sealed with the key once, by
migration 0009 when the key file is there, else by the first ``seal`` with the key; the old head is kept
in ``audit_head.resealed_from``. The old chain is checked with its old hash first: one edited before the
upgrade is not re-sealed (that would make the edit look sealed) unless the administrator accepts it as
it is (``sodiem audit init-key --accept-broken``). ``verify`` recomputes the chain and names the first
entry that does not fit: an edited value, a deleted or inserted entry, a cut end
(storage/audit_values.py then compares the school's current values with the log)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from domain.errors import DomainError
from storage.changes import UNSEALED
from storage.db import as_utc
from storage.models import AuditHeadRow, ChangeRow
from storage.school_key import derived_key

HEAD_ID = 1
CHAIN_PURPOSE = "audit-chain"
SHORT_HASH = 12
BATCH = 5000
ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # as json.dumps(..., ensure_ascii=False), made once


def _content(row, seq: int, prev_hash: str) -> bytes:
    at = as_utc(row.at)
    fields = [
        seq,
        at.isoformat(timespec="microseconds") if at else None,
        row.staff_id,
        row.channel,
        row.account,
        row.entity,
        row.entity_key,
        row.old_value,
        row.new_value,
        row.reason,
        prev_hash,
    ]
    return ENCODE(fields).encode()


def entry_hash(row, seq: int, prev_hash: str) -> str:
    """The plain SHA-256 of chains sealed before the school key (migration 0004)."""
    return hashlib.sha256(_content(row, seq, prev_hash)).hexdigest()


def sealed_hash(row, seq: int, prev_hash: str, key: bytes) -> str:
    return hmac.digest(key, _content(row, seq, prev_hash), "sha256").hex()


def chain_key() -> bytes:
    return derived_key(CHAIN_PURPOSE)


def key_check(key: bytes) -> str:
    """A value the head keeps to tell which key sealed the chain; it reveals nothing of the key."""
    return hmac.new(key, b"sodiem audit key check", hashlib.sha256).hexdigest()


def short_head(seq: int, digest: str) -> str:
    """The head as printed on paper and in messages: ``SEQ:first 12 hex digits``."""
    return f"{seq}:{digest[:SHORT_HASH]}"


def resealed(rows: Iterable, key: bytes) -> Iterator[dict]:
    """Every entry, in sequence order, chained again with the key: the parameters of ``RESEAL``."""
    previous = ""
    for row in rows:
        digest = sealed_hash(row, row.seq, previous, key)
        yield {"entry_id": row.id, "new_prev": previous, "new_hash": digest}
        previous = digest


LOG = ChangeRow.__table__
SEALED = [
    LOG.c[name] for name in ("id", "seq", "at", "staff_id", "channel", "account", "entity", "entity_key")
] + [LOG.c[name] for name in ("old_value", "new_value", "reason", "prev_hash", "hash")]
WRITTEN = [column.name for column in SEALED if column.name != "id"]
RESEAL = (
    update(LOG)
    .where(LOG.c.id == bindparam("entry_id"))
    .values(prev_hash=bindparam("new_prev"), hash=bindparam("new_hash"))
)


async def seal(session: AsyncSession) -> None:
    """Chains this transaction's new entries onto the end of the trail and writes them, all in one
    INSERT (no query when it recorded none): the head read and locked, then the entries, whose INSERT
    moves the head by the change log's trigger (migration 0025). Called before the commit, or before
    reading the log back in the same transaction."""
    recorded = session.info.pop(UNSEALED, [])
    if not recorded:
        return
    with session.no_autoflush:
        head = await _locked_head(session)
    key = chain_key()
    if head.key_check != key_check(key):
        if head.key_check is not None:
            raise DomainError("audit.error.wrong_key")
        await _reseal(session, head, key)
        await session.flush()
    seq, previous = head.seq, head.hash
    for row in recorded:
        seq += 1
        row.seq, row.prev_hash = seq, previous
        row.hash = previous = sealed_hash(row, seq, previous, key)
    written = [{name: getattr(row, name) for name in WRITTEN} for row in recorded]
    await session.execute(insert(LOG), written)  # its trigger moves the head (migration 0025)
    set_committed_value(head, "seq", seq)  # as the trigger wrote it: no UPDATE of the head at commit
    set_committed_value(head, "hash", previous)


async def _reseal(
    session: AsyncSession, head: AuditHeadRow, key: bytes, accept_broken: bool = False
) -> Reseal:
    """Once per school: the plain chain of before the key, sealed again with it; the old head kept.
    A plain chain that does not fit its own hash is refused (``audit.error.plain_broken``), unless
    ``accept_broken``: then it is sealed as it is and the break returned, to be reported."""
    connection = await session.connection()
    sealed = (
        await connection.execute(select(*SEALED).where(LOG.c.seq.is_not(None)).order_by(LOG.c.seq))
    ).all()
    broken = plain_break(sealed, head.seq, head.hash)
    if broken is not None and not accept_broken:
        raise DomainError("audit.error.plain_broken", seq=broken.seq)
    updates = list(resealed(sealed, key))
    for start in range(0, len(updates), BATCH):
        await connection.execute(RESEAL, updates[start : start + BATCH])
    last = updates[-1]["new_hash"] if updates else ""
    if head.seq:
        head.resealed_from = f"{head.seq}:{head.hash}"
    head.seq, head.hash, head.key_check = len(updates), last, key_check(key)
    return Reseal(len(updates), broken)


def plain_break(rows: list, head_seq: int, head_hash: str) -> Break | None:
    """The first entry of a chain sealed before the key (plain SHA-256) that does not fit, or its
    cut end; None when the old chain is whole."""
    previous = ""
    for expected_seq, row in enumerate(rows, start=1):
        why = _misfit(row, expected_seq, previous, entry_hash)
        if why:
            return _break(row, why)
        previous = row.hash
    if head_seq != len(rows) or head_hash != previous:
        return Break(None, len(rows) + 1, None, "", "", "audit.break.end_cut")
    return None


async def reseal_if_plain(session: AsyncSession, accept_broken: bool = False) -> Reseal | None:
    """``sodiem audit init-key``: seals a chain of before the key now rather than at the next write;
    None when the chain is sealed with the key already."""
    head = await _locked_head(session)
    if head.key_check is not None:
        return None
    return await _reseal(session, head, chain_key(), accept_broken)


async def _locked_head(session: AsyncSession) -> AuditHeadRow:
    """The head row, locked until commit. Migration 0004 creates it; if it was deleted, the first
    transaction to get here rebuilds it from the last sealed entry (and any other waits for that one,
    then finds it); ``verify`` still compares it with the chain."""
    query = select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID).with_for_update()
    head = await session.scalar(query)
    if head is None:
        last = await session.scalar(
            select(ChangeRow).where(ChangeRow.seq.is_not(None)).order_by(ChangeRow.seq.desc()).limit(1)
        )
        try:
            async with session.begin_nested():
                session.add(
                    AuditHeadRow(
                        id=HEAD_ID,
                        seq=last.seq if last else 0,
                        hash=last.hash if last else "",
                        key_check=key_check(chain_key()) if last else None,
                    )
                )
        except IntegrityError:
            pass
        head = await session.scalar(query)
    assert head is not None
    return head


@dataclass(frozen=True)
class Break:
    """The first entry that does not fit, and why (a catalog key)."""

    entry_id: int | None
    seq: int | None
    at: datetime | None
    entity: str
    key: str
    why: str


@dataclass(frozen=True)
class Reseal:
    """A plain chain sealed with the key: how many entries, and the break accepted in it, if any."""

    entries: int
    accepted_break: Break | None


@dataclass(frozen=True)
class AuditReport:
    entries: int
    first_break: Break | None
    head: str = ""
    logged: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)


async def verify(session: AsyncSession) -> AuditReport:
    """Reads the head and the chain in one snapshot (on PostgreSQL a REPEATABLE READ transaction; on
    SQLite a read transaction is one), so entries committed meanwhile are not taken for a cut end.
    Call it first thing in a fresh read-only session. ``logged`` is the last value the log gives each
    (entity, key), for the comparison with the data."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    head = await session.get(AuditHeadRow, HEAD_ID)
    key = chain_key()
    if head is not None and head.seq and head.key_check != key_check(key):
        why = "audit.break.unkeyed" if head.key_check is None else "audit.break.wrong_key"
        return AuditReport(0, Break(None, None, None, "", "", why))
    connection = await session.connection()
    rows = await connection.stream(
        select(ChangeRow.__table__).order_by(ChangeRow.seq.is_(None), ChangeRow.seq),
        execution_options={"yield_per": BATCH},
    )
    expected_seq, previous, count, logged = 1, "", 0, {}
    digest = partial(sealed_hash, key=key)
    async for batch in rows.partitions():  # a batch at a time: one switch to the driver per batch
        for row in batch:
            why = _misfit(row, expected_seq, previous, digest)
            if why:
                return AuditReport(count, _break(row, why), logged=logged)
            logged[(row.entity, row.entity_key)] = row.new_value
            expected_seq, previous, count = expected_seq + 1, row.hash, count + 1
    if (head.seq if head else 0) != count or (head.hash if head else "") != previous:
        return AuditReport(count, Break(None, count + 1, None, "", "", "audit.break.end_cut"), logged=logged)
    return AuditReport(count, None, short_head(count, previous) if count else "", logged)


def _misfit(row, expected_seq: int, previous: str, digest: Callable[..., str]) -> str | None:
    if row.seq is None:
        return "audit.break.unsealed"
    if row.seq != expected_seq:
        return "audit.break.missing"
    if row.prev_hash != previous:
        return "audit.break.wrong_link"
    if row.hash != digest(row, row.seq, previous):
        return "audit.break.altered"
    return None


def _break(row, why: str) -> Break:
    return Break(row.id, row.seq, as_utc(row.at), row.entity, row.entity_key, why)


async def head_in_chain(session: AsyncSession, seen: str) -> bool:
    """Is a head seen on paper or in a message (``SEQ:HASH``, the hash whole or its start) still in the
    chain? A head of before the re-seal with the key is compared with the head it replaced."""
    seq_text, _, prefix = seen.strip().partition(":")
    prefix = prefix.lower()
    if not seq_text.isdigit() or len(prefix) < 8:
        raise DomainError("audit.error.bad_head", value=seen)
    digest = await session.scalar(select(ChangeRow.hash).where(ChangeRow.seq == int(seq_text)))
    if digest and digest.startswith(prefix):
        return True
    head = await session.get(AuditHeadRow, HEAD_ID)
    old_seq, _, old_hash = (head.resealed_from or "").partition(":") if head else ("", "", "")
    return old_seq == seq_text and old_hash.startswith(prefix)


async def check_key(database) -> None:
    """Start-up: the key file is there and readable (else its error names SODIEM_AUDIT_KEY_FILE), and
    it is the key the chain was sealed with (else "khóa không khớp")."""
    key = chain_key()
    try:
        async with database.session(read_only=True) as session:
            head = await session.get(AuditHeadRow, HEAD_ID)
    finally:
        await database.dispose()
    if head is not None and head.key_check is not None and head.key_check != key_check(key):
        raise DomainError("audit.error.wrong_key")


async def current_head(session: AsyncSession) -> str:
    """The head as printed: ``SEQ:HASH12``, or "" before the first entry."""
    head = await session.get(AuditHeadRow, HEAD_ID)
    return short_head(head.seq, head.hash) if head and head.seq else ""
