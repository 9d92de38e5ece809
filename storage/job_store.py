"""The record of scheduled tasks done: a task runs at most once for a day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import JobRunRow


class SqlJobStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def done(self, task: str, day: date, key: str = "") -> bool:
        found = await self.session.scalar(
            select(JobRunRow.id).where(JobRunRow.task == task, JobRunRow.day == day, JobRunRow.key == key)
        )
        return found is not None

    async def first_ever(self, task: str, key: str, now: datetime) -> bool:
        """Records the task for this key unless it was done on any day before: True the first time only,
        also when two processes race (the loser's insert fails on the unique key, inside a savepoint)."""
        found = await self.session.scalar(
            select(JobRunRow.id).where(JobRunRow.task == task, JobRunRow.key == key).limit(1)
        )
        if found is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(JobRunRow(task=task, day=date.min, key=key, done_at=now))
        except IntegrityError:
            return False
        return True

    async def record(self, task: str, day: date, now: datetime, key: str = "") -> None:
        """Marks the task done; a second process recording the same run fails on the unique key."""
        self.session.add(JobRunRow(task=task, day=day, key=key, done_at=now))
        await self.session.flush()

    async def runs(self, task: str) -> list[date]:
        return list(
            await self.session.scalars(
                select(JobRunRow.day).where(JobRunRow.task == task).order_by(JobRunRow.day)
            )
        )
