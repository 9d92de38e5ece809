"""The sandbox's school: a pristine demo school prepared once in a throwaway SQLite file, copied for
every session (and every reset), and the five people linked to their accounts through invites."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.identity import PersonKind, PersonRef, create_invite
from domain.windows import ColumnKind
from sandbox.personas import PARENT_CLASS, PERSONAS, Persona
from storage import migrate
from storage.changes import absence_key, record_change, score_key, system_author
from storage.db import Database
from storage.models import AbsenceRow, AttendanceTakenRow, ConductRow, ScoreRow, StaffRow
from storage.uow import UnitOfWork

Fill = Callable[[Database], Awaitable[object]]
SANDBOX_REASON = "sandbox: a semester under way"


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def prepare_pristine(path: Path, fill: Fill, today: date) -> None:
    """Migrates a new SQLite file and fills it with the demo school (``fill``), then takes it back to a
    semester under way, so that the tour's tasks are there to be done."""
    await asyncio.to_thread(migrate.upgrade, sqlite_url(path))  # alembic runs its own event loop
    database = Database(sqlite_url(path))
    try:
        await fill(database)
        async with UnitOfWork(database) as uow:
            await semester_under_way(uow.session, today)
            await uow.commit()
    finally:
        await database.dispose()


async def semester_under_way(session: AsyncSession, today: date) -> None:
    """Attendance from today on not taken yet; of semester I, the last regular column of every subject
    and class, the end-of-term column and conduct not entered yet. Every value taken away is logged,
    so that ``sodiem audit verify`` finds the sandbox's log and values in agreement."""
    author = system_author("sandbox")
    last = (
        select(ScoreRow.class_id, ScoreRow.subject_id, func.max(ScoreRow.position).label("position"))
        .where(ScoreRow.semester == 1, ScoreRow.kind == ColumnKind.REGULAR)
        .group_by(ScoreRow.class_id, ScoreRow.subject_id)
        .subquery()
    )
    last_regular = select(ScoreRow).join(
        last,
        and_(
            ScoreRow.class_id == last.c.class_id,
            ScoreRow.subject_id == last.c.subject_id,
            ScoreRow.position == last.c.position,
        ),
    )
    taken_away = [
        *await session.scalars(select(AbsenceRow).where(AbsenceRow.day >= today)),
        *await session.scalars(
            select(ScoreRow).where(ScoreRow.semester == 1, ScoreRow.kind == ColumnKind.FINAL)
        ),
        *await session.scalars(
            last_regular.where(ScoreRow.semester == 1, ScoreRow.kind == ColumnKind.REGULAR)
        ),
        *await session.scalars(select(ConductRow).where(ConductRow.semester == 1)),
    ]
    for row in taken_away:
        entity, key, value = _logged_as(row)
        record_change(session, author, entity, key, value, None, SANDBOX_REASON)
        await session.delete(row)
    await session.execute(delete(AttendanceTakenRow).where(AttendanceTakenRow.day >= today))


def _logged_as(row: AbsenceRow | ScoreRow | ConductRow) -> tuple[str, str, str]:
    """The change log's entity, key and value of a row the sandbox takes away."""
    if isinstance(row, AbsenceRow):
        return "absence", absence_key(row.student_id, row.day, row.session), row.mark
    if isinstance(row, ScoreRow):
        key = score_key(row.student_id, row.subject_id, row.year_id, row.semester, row.kind, row.position)
        return "score", key, row.value
    return "conduct", f"{row.student_id}:{row.year_id}:{row.semester}:{row.aspect}", row.level


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its write-ahead log included)."""
    with closing(sqlite3.connect(source)) as origin, closing(sqlite3.connect(target)) as copy:
        origin.backup(copy)


@dataclass(frozen=True)
class Member:
    """A persona as the school knows them: their name, and the staff id their work is recorded under."""

    persona: Persona
    name: str
    staff_id: int | None


async def invite_everyone(database: Database, now: datetime) -> list[tuple[Member, str]]:
    """An invite code for each persona (the parent: for the first student of PARENT_CLASS)."""
    invited = []
    async with UnitOfWork(database) as uow:
        for persona in PERSONAS:
            if persona.staff_code is None:
                student = (await uow.roster.class_list(PARENT_CLASS))[0]
                invite = await create_invite(uow.identity, None, now, student.id)
                member = Member(persona, f"{student.full_name} ({PARENT_CLASS})", None)
            else:
                staff = (
                    await uow.session.execute(
                        select(StaffRow.id, StaffRow.full_name).where(StaffRow.code == persona.staff_code)
                    )
                ).one()
                invite = await create_invite(uow.identity, PersonRef(PersonKind.STAFF, staff.id), now)
                member = Member(persona, staff.full_name, staff.id)
            invited.append((member, invite.code))
        await uow.commit()
    return invited
