"""The audit trail is the change log made tamper-evident: every entry carries the hash of its content
and of the entry before it, in one chain for the whole school.

Entries are written during a transaction without their place in the chain; ``seal`` gives them
their sequence numbers and hashes just before the transaction commits, holding the chain's head row
locked, so two transactions never chain onto the same entry. ``verify`` recomputes the chain and
names the first entry that does not fit: an edited value, a deleted or inserted entry, a cut end."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.changes import UNSEALED
from storage.db import as_utc
from storage.models import AuditHeadRow, ChangeRow

HEAD_ID = 1


def entry_hash(row: ChangeRow, seq: int, prev_hash: str) -> str:
    at = as_utc(row.at)
    content = [
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
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


async def seal(session: AsyncSession) -> None:
    """Chains this transaction's new entries onto the end of the trail (no query when it recorded none)."""
    if not session.info.pop(UNSEALED, False):
        return
    await session.flush()
    if not await session.scalar(select(ChangeRow.id).where(ChangeRow.seq.is_(None)).limit(1)):
        return
    head = await _locked_head(session)
    pending = await session.scalars(select(ChangeRow).where(ChangeRow.seq.is_(None)).order_by(ChangeRow.id))
    for row in pending:
        head.seq += 1
        row.seq, row.prev_hash = head.seq, head.hash
        row.hash = head.hash = entry_hash(row, head.seq, head.hash)
    await session.flush()


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
                    AuditHeadRow(id=HEAD_ID, seq=last.seq if last else 0, hash=last.hash if last else "")
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
class AuditReport:
    entries: int
    first_break: Break | None


async def verify(session: AsyncSession) -> AuditReport:
    """Reads the head and the chain in one snapshot (on PostgreSQL a REPEATABLE READ transaction; on
    SQLite a read transaction is one), so entries committed meanwhile are not taken for a cut end.
    Call it first thing in a fresh read-only session."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    head = await session.get(AuditHeadRow, HEAD_ID)
    rows = await session.stream_scalars(select(ChangeRow).order_by(ChangeRow.seq.is_(None), ChangeRow.seq))
    expected_seq, previous, count = 1, "", 0
    async for row in rows:
        why = _misfit(row, expected_seq, previous)
        if why:
            return AuditReport(count, _break(row, why))
        expected_seq, previous, count = expected_seq + 1, row.hash, count + 1
    if (head.seq if head else 0) != count or (head.hash if head else "") != previous:
        return AuditReport(count, Break(None, count + 1, None, "", "", "audit.break.end_cut"))
    return AuditReport(count, None)


def _misfit(row: ChangeRow, expected_seq: int, previous: str) -> str | None:
    if row.seq is None:
        return "audit.break.unsealed"
    if row.seq != expected_seq:
        return "audit.break.missing"
    if row.prev_hash != previous:
        return "audit.break.wrong_link"
    if row.hash != entry_hash(row, row.seq, previous):
        return "audit.break.altered"
    return None


def _break(row: ChangeRow, why: str) -> Break:
    return Break(row.id, row.seq, as_utc(row.at), row.entity, row.entity_key, why)
