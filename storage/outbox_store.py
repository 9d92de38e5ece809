"""The outbox: one row per message and person, written in the transaction that decided to send it,
and claimed, settled and reported by the dispatcher."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.changes import Author, record_change
from storage.db import ENQUEUED, as_utc, insert_or_skip
from storage.models import OutboxRow

PENDING, SENDING, SENT, FAILED, BLOCKED, UNCERTAIN = (
    "pending",
    "sending",
    "sent",
    "failed",
    "blocked",
    "uncertain",
)


@dataclass(frozen=True)
class Outgoing:
    """A message to enqueue: ``key`` is unique for what it says to whom, so enqueueing twice is harmless."""

    key: str
    channel: str
    recipient: str
    person: str
    text: str
    notice_id: int | None = None
    attachment_name: str | None = None
    attachment: bytes | None = None


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    recipient: str
    text: str
    attachment_name: str | None
    attachment: bytes | None
    attempts: int
    notice_id: int | None = None  # a notice's or report card's message carries the "read" button


CLAIMED = [field.name for field in fields(Claimed)]


def _row_of(message: Outgoing, now: datetime) -> dict:
    return {
        "key": message.key,
        "notice_id": message.notice_id,
        "channel": message.channel,
        "recipient": message.recipient,
        "person": message.person[:120],
        "text": message.text,
        "attachment_name": message.attachment_name,
        "attachment": message.attachment,
        "status": PENDING,
        "attempts": 0,
        "due_at": now,
        "created_at": now,
        "error": "",
    }


@dataclass(frozen=True)
class Delivery:
    """A row as the delivery report shows it."""

    person: str
    recipient: str
    status: str
    error: str
    sent_at: datetime | None
    channel: str = ""


class SqlOutboxStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, messages: list[Outgoing], now: datetime) -> int:
        """Adds the messages whose key is new, all in one statement (a key met already is left as it
        is, also one another transaction is adding now); returns how many were added."""
        fresh: dict[str, dict] = {}
        for message in messages:  # the first of a key given twice is the one kept
            fresh.setdefault(message.key, _row_of(message, now))
        if not fresh:
            return 0
        adding = insert_or_skip(self.session, OutboxRow, "key").returning(OutboxRow.key)
        added = (await self.session.scalars(adding, list(fresh.values()))).all()
        if added:
            self.session.info[ENQUEUED] = True  # the unit of work tells the dispatchers once committed
        return len(added)

    async def due(self, now: datetime, channels: list[str], limit: int = 500) -> list[tuple[int, str, str]]:
        """(id, channel, recipient) of pending rows of these channels due now, oldest first; a person's
        messages in the order they were written (a long text's second piece waits for the first, even
        when the first must wait for a retry)."""
        rows = await self.session.execute(
            select(OutboxRow.id, OutboxRow.channel, OutboxRow.recipient)
            .where(OutboxRow.status == PENDING, OutboxRow.due_at <= now, OutboxRow.channel.in_(channels))
            .order_by(OutboxRow.due_at, OutboxRow.id)
            .limit(limit)
        )
        due = [tuple(row) for row in rows]
        if not due:
            return due
        heads = await self.session.execute(
            select(OutboxRow.channel, OutboxRow.recipient, func.min(OutboxRow.id))
            .where(OutboxRow.status.in_([PENDING, SENDING]), OutboxRow.channel.in_(channels))
            .group_by(OutboxRow.channel, OutboxRow.recipient)
        )
        first = {(channel, recipient): row_id for channel, recipient, row_id in heads}
        return [row for row in due if first.get((row[1], row[2])) == row[0]]

    async def next_due(self, channels: list[str]) -> datetime | None:
        moment = await self.session.scalar(
            select(func.min(OutboxRow.due_at)).where(
                OutboxRow.status == PENDING, OutboxRow.channel.in_(channels)
            )
        )
        return as_utc(moment)

    async def claim(self, row_id: int) -> Claimed | None:
        """Marks the row as being sent, if it is still pending: two dispatchers never send one row. One
        statement: the row comes back with the UPDATE that claims it."""
        claimed = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status == PENDING)
            .values(status=SENDING, attempts=OutboxRow.attempts + 1)
            .returning(*(OutboxRow.__table__.c[name] for name in CLAIMED))
            .execution_options(synchronize_session=False)
        )
        row = claimed.first()
        return Claimed(*row) if row is not None else None

    async def settle(
        self, row_id: int, status: str, now: datetime, due_at: datetime | None = None, error: str = ""
    ) -> None:
        values: dict = {"status": status, "error": error[:200]}
        if status == SENT:
            values["sent_at"] = now
        if due_at is not None:
            values["due_at"] = due_at
        await self.session.execute(
            update(OutboxRow).where(OutboxRow.id == row_id, OutboxRow.status == SENDING).values(**values)
        )

    async def recover(self) -> int:
        """After a crash: rows left being sent may have arrived, so they are never sent again."""
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.status == SENDING)
            .values(status=UNCERTAIN, error="interrupted while sending")
        )
        return result.rowcount

    async def resend_uncertain(self, notice_id: int, author: Author) -> int:
        """A person's decision to send again the notice's messages that may not have arrived (a crash
        between sending and confirming): they become pending once more; the decision is logged."""
        result = await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.notice_id == notice_id, OutboxRow.status == UNCERTAIN)
            .values(status=PENDING, error="", due_at=author.at)
        )
        if result.rowcount:
            record_change(self.session, author, "outbox-resend", str(notice_id), None, str(result.rowcount))
            self.session.info[ENQUEUED] = True
        return result.rowcount

    async def report(self, notice_id: int | None) -> list[Delivery]:
        """Each row of a notice (None: of the messages that belong to no notice), in order."""
        rows = await self.session.execute(
            select(
                OutboxRow.person,
                OutboxRow.recipient,
                OutboxRow.status,
                OutboxRow.error,
                OutboxRow.sent_at,
                OutboxRow.channel,
            )
            .where(OutboxRow.notice_id.is_(None) if notice_id is None else OutboxRow.notice_id == notice_id)
            .order_by(OutboxRow.id)
        )
        return [Delivery(p, r, s, e, as_utc(at), c) for p, r, s, e, at, c in rows]

    async def image(self, name: str, channel: str, since: datetime) -> bytes | None:
        """The picture of a row of ``channel`` named ``name`` (the unguessable part of its URL), if the
        row was written after ``since``: older pictures are no longer served."""
        return await self.session.scalar(
            select(OutboxRow.attachment).where(
                OutboxRow.attachment_name == name, OutboxRow.channel == channel, OutboxRow.created_at > since
            )
        )

    async def counts(self) -> dict[str, int]:
        """How many rows are in each status."""
        query = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        return {status: count for status, count in await self.session.execute(query)}

    async def waiting(self, due_before: datetime | None = None) -> dict[str, int]:
        """How many messages of each channel are not sent yet (pending or being sent); with
        ``due_before``, only those due before it: how far the delivery has fallen behind."""
        query = select(OutboxRow.channel, func.count()).where(OutboxRow.status.in_((PENDING, SENDING)))
        if due_before is not None:
            query = query.where(OutboxRow.due_at < due_before)
        query = query.group_by(OutboxRow.channel)
        return {channel: count for channel, count in await self.session.execute(query)}

    async def prune(self, settled_before: datetime, pictures_before: datetime) -> tuple[int, int]:
        """Deletes the rows written before ``settled_before`` that are done with (any status but pending
        or being sent), and drops the picture of the rows written before ``pictures_before``; returns
        (rows deleted, pictures dropped). A message still to be sent is never touched."""
        done = OutboxRow.status.not_in((PENDING, SENDING))
        deleted = await self.session.execute(
            delete(OutboxRow).where(done, OutboxRow.created_at < settled_before)
        )
        dropped = await self.session.execute(
            update(OutboxRow)
            .where(done, OutboxRow.created_at < pictures_before, OutboxRow.attachment.is_not(None))
            .values(attachment=None)
        )
        return deleted.rowcount, dropped.rowcount
