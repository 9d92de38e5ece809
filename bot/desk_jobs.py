"""The vice-principal's scheduled messages: the entry-progress summary (monthly and three days before
each lock date) and, the morning after a mid-term or end-of-term test window ends, the proposal to lock
that column for the school. Registered with the scheduler (bot/scheduler.py) by bot/app.py."""

from __future__ import annotations

from datetime import date, datetime, time

from domain.reminders import every_day, progress_summary_due, tests_ended, today_only
from locales import translator
from notifications.schedule import Task
from services.progress import progress_summary
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork

MORNING = time(7, 0)


async def summary_messages(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    if not progress_summary_due(await uow.school.year(), day):
        return []
    messages = []
    for leader in await uow.recipients.approvers(None):
        text = await progress_summary(uow, translator(leader.language), now)
        key = f"desk:progress:{day}:{leader.channel}:{leader.account}"
        messages.append(Outgoing(key, leader.channel, leader.account, leader.person, text))
    return messages


async def lock_proposals(uow: UnitOfWork, day: date, now: datetime) -> list[Outgoing]:
    messages = []
    for ended in tests_ended(await uow.school.year(), day):
        for leader in await uow.recipients.approvers(None):
            t = translator(leader.language)
            key = "lock.proposal.midterm" if ended.midterm else "lock.proposal.final"
            text = t(key, semester=ended.semester, day=ended.last_day)
            key = (
                f"desk:lock-proposal:{day}:{ended.semester}:{ended.midterm}:{leader.channel}:{leader.account}"
            )
            messages.append(Outgoing(key, leader.channel, leader.account, leader.person, text))
    return messages


PROGRESS_SUMMARY = Task("progress-summary", MORNING, every_day, today_only, summary_messages)
LOCK_PROPOSAL = Task("lock-proposal", MORNING, every_day, today_only, lock_proposals)
