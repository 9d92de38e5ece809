"""Every evening, the homeroom teacher of a class whose released report cards no longer equal the book
(a score corrected after the approval, say) is told which students' cards are out of date: parents
still see the approved cards until the teacher submits the period again and a leader approves it.
Told once for each set of changes. Registered with the scheduler (bot/scheduler.py)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time

from domain.reminders import every_day, today_only
from domain.report_card import Period
from exports.card_text import period_name
from exports.released import out_of_date
from locales import translator
from notifications.schedule import Task
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

EVENING = time(17, 30)


async def out_of_date_messages(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    messages = []
    for released in await uow.released.latest_periods():
        names = await out_of_date(uow, released)
        if not names:
            continue
        changes = hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:16]
        class_name = await uow.views.class_name(released.class_id)
        for person in await uow.recipients.homeroom_accounts(released.class_id):
            t = translator(person.language)
            text = t(
                "notices.card.out_of_date",
                class_name=class_name,
                period=period_name(Period(released.period), t),
                count=len(names),
                names=", ".join(names),
            )
            key = f"cards-out-of-date:{released.notice_id}:{changes}:{person.channel}:{person.account}"
            messages.append(Outgoing(key, person.channel, person.account, person.person, text))
    return messages


CARDS_OUT_OF_DATE = Task("cards-out-of-date", EVENING, every_day, today_only, out_of_date_messages)
