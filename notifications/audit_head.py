"""The head leaves the building: every Monday morning the principal and the vice-principals get the
audit chain's head in chat. A head kept in a message outside the server lets ``sodiem audit verify
--head`` find a history cut or rewritten later, even by someone holding the key."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from locales import translator
from notifications.schedule import Task
from storage.audit import current_head
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

MONDAY_MORNING = time(7, 30)


def is_monday(day: date) -> bool:
    return day.weekday() == 0


def within_the_week(due: date, today: date) -> bool:
    return today - due < timedelta(days=7)


async def head_messages(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    head = await current_head(uow.session)
    if not head:
        return []
    messages = []
    for person in await uow.recipients.leaders():
        t = translator(person.language)
        text = t("audit.weekly_head", head=head, day=t.date(day))
        key = f"audit-head:{day}:{person.channel}:{person.account}"
        messages.append(Outgoing(key, person.channel, person.account, person.person, text))
    return messages


AUDIT_HEAD_WEEKLY = Task("audit-head", MONDAY_MORNING, is_monday, within_the_week, head_messages)
