"""Scheduled tasks, channel-neutral: what a task sends for a day, run at most once per day.

A ``Task`` has a name, a school time of day, the days it is due, whether a missed run still matters,
and ``messages(uow, day, now)``: the outbox messages for that day (an empty list is fine). ``run_due``
runs, for each task, the latest due run that has not been done and still matters, writing its messages
and its ``job_run`` record in one transaction: a crash leaves neither, a second process racing it
fails on the unique keys and sends nothing."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from domain.reminders import latest_due
from storage.db import Database
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

log = logging.getLogger("sodiem.scheduler")
Messages = Callable[[UnitOfWork, date, datetime], Awaitable[list[Outgoing]]]


@dataclass(frozen=True)
class Task:
    name: str
    at: time  # school time of day
    is_due_day: Callable[[date], bool]
    still_matters: Callable[[date, date], bool]  # (the day it was due, today)
    messages: Messages


async def run_due(
    database: Database, tasks: Sequence[Task], now: datetime, zone: ZoneInfo
) -> list[tuple[str, date]]:
    """Runs what is due at ``now``; returns the (task, day) runs done now."""
    local = now.astimezone(zone)
    done = []
    for task in tasks:
        day = latest_due(local.replace(tzinfo=None), task.at, task.is_due_day)
        if day is None or not task.still_matters(day, local.date()):
            continue
        try:
            async with UnitOfWork(database) as uow:
                if await uow.jobs.done(task.name, day):
                    continue
                messages = await task.messages(uow, day, now)
                await uow.outbox.enqueue(messages, now)
                await uow.jobs.record(task.name, day, now)
                await uow.commit()
        except IntegrityError:  # another process ran it at the same moment
            log.info("%s for %s was run by another process", task.name, day)
            continue
        log.info("%s for %s: %d messages", task.name, day, len(messages))
        done.append((task.name, day))
    return done
