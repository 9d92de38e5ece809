"""The scheduled tasks, run by PTB's JobQueue in the school's time zone.

``TASKS`` is the registry: a ``notifications.schedule.Task`` each (name, time of day, due days, whether
a missed run still matters, the messages for a day). Another task is one more entry in the list.

At start-up one run catches up (the runs missed while the bot was down, when they still matter), then
each task runs daily at its time. Every run is recorded in ``job_run`` with its messages in the same
transaction, so nothing is sent twice, across restarts and processes. Jobs hold no state of their own:
they are rebuilt from the code and the database at every start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram.ext import Application, ContextTypes

from bot.desk_jobs import LOCK_PROPOSAL, PROGRESS_SUMMARY
from bot.released_jobs import CARDS_OUT_OF_DATE
from notifications import metrics
from notifications.audit_head import AUDIT_HEAD_WEEKLY
from notifications.backups import BackupPlan, backup_tasks
from notifications.prune import OUTBOX_PRUNE
from notifications.reminders import ATTENDANCE_LATE_REPORT, ATTENDANCE_REMINDER, COLUMNS_REMINDER
from notifications.schedule import Task, run_due
from services.weekly_news import run_weekly as run_weekly_news
from storage.db import Database

TASKS: tuple[Task, ...] = (
    ATTENDANCE_REMINDER,
    ATTENDANCE_LATE_REPORT,
    COLUMNS_REMINDER,
    PROGRESS_SUMMARY,
    LOCK_PROPOSAL,
    AUDIT_HEAD_WEEKLY,
    CARDS_OUT_OF_DATE,
    OUTBOX_PRUNE,
)
SCHEDULER = "scheduler"
WEEKLY_EVERY = 300  # seconds between two looks at whether the week's news is due


def attach(
    application: Application,
    database: Database,
    clock: Callable[[], datetime],
    zone: ZoneInfo,
    backup: BackupPlan | None = None,
) -> None:
    """The tasks: TASKS, and the nightly backup with its morning check when there is a plan."""
    tasks = TASKS + (backup_tasks(backup, database) if backup else ())
    application.bot_data[SCHEDULER] = (database, clock, zone, tasks)


def start(application: Application) -> None:
    """Called from post_init: the catch-up run at once, then each task daily at its time (school time)."""
    _, _, zone, tasks = application.bot_data[SCHEDULER]
    jobs = application.job_queue
    jobs.run_once(run_tasks, 0, name="scheduler:catch-up")
    # the weekly news's day and hour are the school's setting: looked at every few minutes
    jobs.run_repeating(run_weekly, WEEKLY_EVERY, first=WEEKLY_EVERY, name="scheduler:weekly-news")
    for task in tasks:
        jobs.run_daily(run_tasks, task.at.replace(tzinfo=zone), name=f"scheduler:{task.name}")


async def run_tasks(context: ContextTypes.DEFAULT_TYPE) -> None:
    database, clock, zone, tasks = context.bot_data[SCHEDULER]
    done = await run_due(database, tasks, clock(), zone)
    weekly = await run_weekly_news(database, clock())
    metrics.JOB_RUNS.inc(len(done) + bool(weekly))


async def run_weekly(context: ContextTypes.DEFAULT_TYPE) -> None:
    database, clock, _, _ = context.bot_data[SCHEDULER]
    if await run_weekly_news(database, clock()):
        metrics.JOB_RUNS.inc()
