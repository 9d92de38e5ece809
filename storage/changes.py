"""Writing the change log: every write of school data says who, when, from which account, old and new.
The entries are chained into the tamper-evident audit trail and written at commit (storage/audit.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChangeRow

UNSEALED = "sodiem_unsealed_changes"  # session.info: the entries this transaction recorded


@dataclass(frozen=True)
class Author:
    """Who writes, from where, and when."""

    staff_id: int | None
    channel: str
    account: str
    at: datetime


def system_author(channel: str) -> Author:
    """Changes made by sodiem's own commands (an import, the command line), not by a linked person."""
    return Author(None, channel, "", datetime.now(UTC))


def record_change(
    session: AsyncSession,
    author: Author,
    entity: str,
    key: str,
    old: str | None,
    new: str | None,
    reason: str = "",
) -> None:
    entry = ChangeRow(
        at=author.at.astimezone(UTC),
        staff_id=author.staff_id,
        channel=author.channel,
        account=author.account,
        entity=entity,
        entity_key=key,
        old_value=old,
        new_value=new,
        reason=reason,
    )
    # not added to the session: the seal at commit chains and writes them, in this order, in one INSERT
    session.info.setdefault(UNSEALED, []).append(entry)


def score_key(student_id: int, subject_id: int, year_id: int, semester: int, kind: str, position: int) -> str:
    """The change log's key of one gradebook value."""
    return f"{student_id}:{subject_id}:{year_id}:{semester}:{kind}:{position}"


def absence_key(student_id: int, day: date, session: int) -> str:
    return f"{student_id}:{day}:{session}"
