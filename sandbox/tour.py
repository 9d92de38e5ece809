"""The guided tour: a few tasks per persona, ticked off from what really happened — the database
(attendance taken, scores entered by that person since the last reset) or the chat (what the person
sent and pressed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import commands
from sandbox.personas import PARENT_CLASS
from storage.db import as_utc
from storage.models import AttendanceTakenRow, ChangeRow, ClassRow


@dataclass(frozen=True)
class Doings:
    """What one persona did since the last reset."""

    staff_id: int | None
    since: datetime
    today: date
    texts: tuple[str, ...]  # what they typed (or the reply-keyboard keys they pressed)
    presses: tuple[str, ...]  # the callback data of the inline buttons they pressed


Check = Callable[[AsyncSession, Doings], Awaitable[bool]]


@dataclass(frozen=True)
class Task:
    key: str  # the catalog key of its text
    check: Check


def used(command: commands.Command | None, *press_prefixes: str) -> Check:
    """The person typed the command, or pressed a button whose data is or starts with a prefix."""
    names = command.names if command else ()

    async def check(session: AsyncSession, doings: Doings) -> bool:
        typed = any(text.startswith("/") and text[1:].split()[0] in names for text in doings.texts)
        pressed = any(
            data == prefix or data.startswith(f"{prefix}:")
            for data in doings.presses
            for prefix in press_prefixes
        )
        return typed or pressed

    return check


async def took_todays_attendance(session: AsyncSession, doings: Doings) -> bool:
    """Today's attendance of PARENT_CLASS (6A) saved by this person since the reset."""
    query = (
        select(AttendanceTakenRow.taken_at)
        .join(ClassRow, ClassRow.id == AttendanceTakenRow.class_id)
        .where(
            ClassRow.name == PARENT_CLASS,
            AttendanceTakenRow.day == doings.today,
            AttendanceTakenRow.taken_by == doings.staff_id,
        )
    )
    return any(as_utc(moment) >= doings.since for moment in (await session.scalars(query)).all())


def changed(entity: str) -> Check:
    """The person changed a value of this kind (the change log's entity) since the reset."""

    async def check(session: AsyncSession, doings: Doings) -> bool:
        query = select(func.max(ChangeRow.at)).where(
            ChangeRow.entity == entity, ChangeRow.staff_id == doings.staff_id
        )
        latest = await session.scalar(query)
        return latest is not None and as_utc(latest) >= doings.since

    return check


TOUR: dict[str, tuple[Task, ...]] = {
    "subject": (
        Task("sandbox.tour.subject.menu", used(commands.MENU, "menu")),
        Task("sandbox.tour.subject.my_classes", used(commands.CLASSES, "mine", "cls")),
        Task("sandbox.tour.subject.scores", changed("score")),
        Task("sandbox.tour.subject.ask_correction", changed("correction")),
    ),
    "homeroom": (
        Task("sandbox.tour.homeroom.menu", used(commands.MENU, "menu")),
        Task("sandbox.tour.homeroom.attendance", took_todays_attendance),
        Task("sandbox.tour.homeroom.conduct", changed("conduct")),
    ),
    "vice_principal": (
        Task("sandbox.tour.vice_principal.all_classes", used(commands.CLASSES, "all")),
        Task("sandbox.tour.vice_principal.results", used(commands.RESULTS, "rs")),
        Task("sandbox.tour.vice_principal.approve_correction", changed("correction")),
    ),
    "parent": (
        Task("sandbox.tour.parent.children", used(commands.CHILDREN, "kids")),
        Task("sandbox.tour.parent.language", used(commands.LANGUAGE, "lang")),
    ),
    "admin": (
        Task("sandbox.tour.admin.accounts", used(None, "acct")),
        Task("sandbox.tour.admin.help", used(commands.HELP, "help")),
    ),
}
