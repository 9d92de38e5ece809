"""Read receipts: a parent says "Đã xem" under a notice or a report card (Telegram: the button; Zalo:
"da xem 12"); the author and the leadership see, class by class, who has read and who has not, and may
remind those who have not, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import NotFound, PermissionDenied
from domain.names import sort_by_name
from domain.notices import Notice, may_see_report
from domain.permissions import Actor
from locales import translator
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork
from storage.weekly_store import Reader, SqlWeeklyStore

PREVIEW = 120  # characters of the notice quoted in the reminder


@dataclass(frozen=True)
class ClassReading:
    class_name: str
    read: list[Reader]  # sorted by the child's name, Vietnamese-style
    unread: list[Reader]


@dataclass(frozen=True)
class Reading:
    notice: Notice
    classes: list[ClassReading]
    reminded_at: datetime | None

    @property
    def read_count(self) -> int:
        return sum(len(c.read) for c in self.classes)

    @property
    def total(self) -> int:
        return sum(len(c.read) + len(c.unread) for c in self.classes)


async def mark_read(uow: UnitOfWork, channel: str, account: str, notice_id: int, now: datetime) -> str:
    """Records that this account read the notice; the catalog key of the answer. Only an account the
    notice was sent to may say so (a forged press is refused: PermissionDenied)."""
    store = SqlWeeklyStore(uow.session)
    if not await store.sent_to(notice_id, channel, account):
        raise PermissionDenied("weekly.read.not_yours")
    first = await store.mark_read(notice_id, channel, account, now)
    return "weekly.read.thanks" if first else "weekly.read.already"


async def _notice_for(uow: UnitOfWork, actor: Actor | None, notice_id: int) -> Notice:
    notice = await uow.notices.get(notice_id)
    if notice is None:
        raise NotFound("weekly.read.no_notice")
    if not may_see_report(actor, notice):
        raise PermissionDenied("weekly.read.not_author")
    return notice


async def reading(uow: UnitOfWork, actor: Actor | None, notice_id: int) -> Reading:
    """Who has read the notice and who has not, per class, for its author and the leadership."""
    notice = await _notice_for(uow, actor, notice_id)
    store = SqlWeeklyStore(uow.session)
    readers = await store.parent_readers(notice.id, notice.reach.class_id)
    seen = await store.readers(notice.id)
    by_class: dict[str, list[Reader]] = {}
    for reader in readers:
        by_class.setdefault(reader.class_name, []).append(reader)
    classes = []
    for class_name, people in by_class.items():
        people = sort_by_name(people, name=lambda r: r.child)
        read = [r for r in people if (r.channel, r.account) in seen]
        classes.append(
            ClassReading(class_name, read, [r for r in people if (r.channel, r.account) not in seen])
        )
    return Reading(notice, classes, await store.reminded_at(notice.id))


async def remind(uow: UnitOfWork, actor: Actor | None, notice_id: int, now: datetime) -> int | None:
    """Reminds, through the outbox, the parents who have not read the notice; None when it was already
    done (a reminder is sent once)."""
    found = await reading(uow, actor, notice_id)
    store = SqlWeeklyStore(uow.session)
    accounts = {(r.channel, r.account): r for c in found.classes for r in c.unread}
    if not await store.remind_once(notice_id, actor.person.id, len(accounts), now):
        return None
    excerpt = (
        found.notice.text if len(found.notice.text) <= PREVIEW else found.notice.text[: PREVIEW - 1] + "…"
    )
    messages = []
    for (channel, account), reader in accounts.items():
        t = translator(reader.language)
        text = t(f"weekly.read.reminder.{channel}", number=notice_id, text=excerpt)
        key = f"read-reminder:{notice_id}:{channel}:{account}"
        messages.append(Outgoing(key, channel, account, f"{reader.guardian} ({reader.child})", text))
    await uow.outbox.enqueue(messages, now)
    return len(messages)
