"""The daily clean-up of the outbox: a report-card picture is kept PICTURE_DAYS days (the web server
serves it no longer), a message that is done with (sent, failed, blocked, uncertain) OUTBOX_DAYS days
(a school year and a summer: the delivery reports of the year's notices stay readable). Messages still
to be sent are never pruned. Runs at 03:00 school time; a missed day is caught up at the next start."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from domain.reminders import every_day
from notifications.schedule import Task
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

log = logging.getLogger("sodiem.scheduler")
PICTURE_DAYS = 30
OUTBOX_DAYS = 400
PRUNE_AT = time(3, 0)


async def prune_outbox(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    deleted, dropped = await uow.outbox.prune(
        settled_before=now - timedelta(days=OUTBOX_DAYS), pictures_before=now - timedelta(days=PICTURE_DAYS)
    )
    log.info("outbox pruned: %d messages deleted, %d pictures dropped", deleted, dropped)
    return []  # it sends nothing


def any_later_day(due: date, today: date) -> bool:
    return True


OUTBOX_PRUNE = Task("outbox-prune", PRUNE_AT, every_day, any_later_day, prune_outbox)
