"""The nightly backup and the morning check, as scheduled tasks.

At ``BackupPlan.at`` (02:00 school time by default) the backup is taken into ``directory``, copied with
its manifest to ``copy_directory`` when there is one, and the retention rule is applied in both places.
A failure is logged and left for the morning: at 07:00 each place must hold a backup younger than
``FRESH`` that matches its manifest, or the principal and the administrators are told in chat
which place lacks one. The check reads the files themselves, so a backup that never ran (the server was
off, the task crashed) is reported as surely as one that failed."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.reminders import every_day
from locales import translator
from notifications.prune import any_later_day
from notifications.schedule import Task
from storage.backup import (
    apply_retention,
    backups_in,
    check_backup,
    copy_backup,
    school_semesters,
    take_backup,
)
from storage.db import Database
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

log = logging.getLogger("sodiem.backup")
BACKUP_AT = time(2, 0)
REPORT_AT = time(7, 0)
FRESH = timedelta(hours=26)  # a daily backup, and two hours' grace


@dataclass(frozen=True)
class BackupPlan:
    directory: Path
    copy_directory: Path | None = None
    at: time = BACKUP_AT
    zone: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")

    @property
    def places(self) -> list[Path]:
        return [self.directory] + ([self.copy_directory] if self.copy_directory else [])

    def school_time(self, now: datetime) -> datetime:
        """``now`` as the naive school time backups are named by."""
        return now.astimezone(self.zone).replace(tzinfo=None)


def backup_tasks(plan: BackupPlan, database: Database) -> tuple[Task, Task]:
    async def nightly(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
        await take_nightly_backup(plan, database, uow, plan.school_time(now))
        return []  # a failure is told in the morning

    async def morning(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
        return await missing_backup_messages(plan, uow, day, plan.school_time(now))

    return (
        Task("backup", plan.at, every_day, any_later_day, nightly),
        Task("backup-report", REPORT_AT, every_day, on_the_day, morning),
    )


def on_the_day(due: date, today: date) -> bool:
    return due == today


async def take_nightly_backup(
    plan: BackupPlan, database: Database, uow: UnitOfWork, moment: datetime
) -> None:
    semesters = await school_semesters(uow.session)
    try:
        path = await take_backup(database, plan.directory, moment)
        apply_retention(plan.directory, moment, semesters)
    except (DomainError, OSError) as error:
        log.error("backup into %s failed: %s", plan.directory, _reason(error))
        return
    log.info("backup %s taken", path)
    if plan.copy_directory is None:
        return
    try:
        await asyncio.to_thread(copy_backup, path, plan.copy_directory)
        apply_retention(plan.copy_directory, moment, semesters)
    except (DomainError, OSError) as error:
        log.error("copying backup %s to %s failed: %s", path.name, plan.copy_directory, _reason(error))


def _reason(error: Exception) -> str:
    return f"{error.key} {error.params}" if isinstance(error, DomainError) else str(error)


async def missing_backup_messages(
    plan: BackupPlan, uow: UnitOfWork, day: date, moment: datetime
) -> list[Outgoing]:
    newest = await asyncio.to_thread(lambda: [(place, latest_good(place)) for place in plan.places])
    lacking = [(place, good) for place, good in newest if not good or moment - good > FRESH]
    messages = []
    for person in await uow.recipients.keepers() if lacking else []:
        t = translator(person.language)
        lines = [t("backup.report.title", day=t.date(day))]
        for place, good in lacking:
            if good:
                lines.append(t("backup.report.stale", place=str(place), latest=t.datetime(good)))
            else:
                lines.append(t("backup.report.none", place=str(place)))
        lines.append(t("backup.report.what_to_do"))
        key = f"backup-report:{day}:{person.channel}:{person.account}"
        messages.append(Outgoing(key, person.channel, person.account, person.person, "\n".join(lines)))
    return messages


def latest_good(place: Path) -> datetime | None:
    """When the newest backup in ``place`` that matches its manifest was taken."""
    try:
        found = backups_in(place)
    except OSError:
        return None
    for moment, path in sorted(found.items(), reverse=True):
        try:
            check_backup(path)
        except (DomainError, OSError):
            continue
        return moment
    return None
