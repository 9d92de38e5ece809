"""The school nurse's use cases (issue 22): health checks recorded from a chat message or a sheet, and
read by those allowed to; every front end (Telegram, the command line) calls these.

Reading is for the nurse, the leadership and the class's homeroom teacher only
(``Action.VIEW_HEALTH``); a refusal raises ``PermissionDenied``, which the front end answers and
records in the refusal log. Writing is all or nothing: a message or a sheet with any problem writes
nothing, and every problem is named in one answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from domain.errors import PermissionDenied
from domain.health import HEALTH_COLUMNS, Check, read_chat_lines, read_sheet_row
from domain.importing import ImportRejected, Problem, in_file_order, read_rows
from domain.permissions import Action, Actor, Target, allowed
from storage.tabular import read_table
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Saved:
    added: int
    replaced: int
    names: list[str]  # the students recorded, in the order given


@dataclass(frozen=True)
class ClassHealth:
    class_name: str
    rows: list[tuple[int, str, Check | None]]  # (number in the class list, name, newest check)


@dataclass(frozen=True)
class StudentHealth:
    name: str
    class_name: str
    checks: list[Check]  # newest first


def _require(actor: Actor | None, action: Action, class_id: int | None = None) -> None:
    if not allowed(actor, action, Target(class_id=class_id)):
        raise PermissionDenied("bot.refused")


async def _class_list(uow: UnitOfWork, class_id: int) -> tuple[str, list]:
    name = await uow.views.class_name(class_id)
    if name is None:
        raise PermissionDenied("bot.refused")
    return name, await uow.roster.class_list(name)


async def record_from_chat(
    uow: UnitOfWork, actor: Actor, class_id: int, message: str, today: date, now: datetime
) -> Saved:
    """One line per student of the class: number in the class list (or code), height, weight, left
    eye, right eye, notes. Checked today."""
    _require(actor, Action.RECORD_HEALTH)
    _, students = await _class_list(uow, class_id)
    lines, problems = read_chat_lines(message)
    by_number = {str(n): s for n, s in enumerate(students, start=1)}
    by_code = {s.code.casefold(): s for s in students}
    checks, names, seen = [], [], set()
    for line in lines:
        student = by_number.get(line.who) or by_code.get(line.who.casefold())
        if student is None:
            problems.append(Problem("health.error.no_such_student", line.line, params={"who": line.who}))
        elif student.id in seen:
            problems.append(Problem("health.error.twice", line.line, params={"name": student.full_name}))
        else:
            seen.add(student.id)
            checks.append(line.measures.of(student.id, today))
            names.append(student.full_name)
    if problems:
        raise ImportRejected(in_file_order(problems))
    added, replaced = await uow.health.save(checks, actor.person.id, now)
    return Saved(added, replaced, names)


async def import_sheet(
    uow: UnitOfWork, actor: Actor | None, path: Path, class_name: str, today: date, now: datetime
) -> Saved:
    """A sheet of one class's checks (docs/health.md); every problem of the file in one
    ``ImportRejected``. ``actor`` None: the administrator at the command line."""
    if actor is not None:
        _require(actor, Action.RECORD_HEALTH)
    year = await uow.school.year_row()
    class_row = await uow.school.class_row(class_name, year.name)
    students = {s.code: s for s in await uow.roster.class_list(class_row.name, year.name)}
    table = read_table(path, HEALTH_COLUMNS)
    rows, problems = read_rows(
        table, HEALTH_COLUMNS, lambda line, values: read_sheet_row(line, values, year.start, today)
    )
    code_column = HEALTH_COLUMNS[0].aliases[0]
    checks, names, seen = [], [], {}
    for row in rows:
        student = students.get(row.code)
        if student is None:
            params = {"code": row.code, "class_name": class_row.name}
            problems.append(Problem("health.error.not_in_class", row.line, code_column, params))
        elif (student.id, row.checked_on) in seen:
            params = {"code": row.code, "other": seen[(student.id, row.checked_on)]}
            problems.append(Problem("health.error.repeated_row", row.line, code_column, params))
        else:
            seen[(student.id, row.checked_on)] = row.line
            checks.append(row.measures.of(student.id, row.checked_on))
            names.append(student.full_name)
    if problems:
        raise ImportRejected(in_file_order(problems))
    added, replaced = await uow.health.save(checks, actor.person.id if actor else None, now)
    return Saved(added, replaced, names)


async def class_health(uow: UnitOfWork, actor: Actor | None, class_id: int) -> ClassHealth:
    """The class's newest check of each student, in class-list order."""
    _require(actor, Action.VIEW_HEALTH, class_id)
    name, students = await _class_list(uow, class_id)
    latest = await uow.health.latest([s.id for s in students])
    rows = [(n, s.full_name, latest.get(s.id)) for n, s in enumerate(students, start=1)]
    return ClassHealth(name, rows)


async def student_health(uow: UnitOfWork, actor: Actor | None, student_id: int) -> StudentHealth:
    """One student's checks, newest first, for those who may read their class's."""
    class_id = await uow.health.class_of(student_id)
    _require(actor, Action.VIEW_HEALTH, class_id)
    student = await uow.roster.student(student_id)
    class_name = await uow.views.class_name(class_id) or ""
    return StudentHealth(student.full_name, class_name, await uow.health.of_student(student_id))


async def notice_reach(uow: UnitOfWork, actor: Actor | None, class_id: int, student_id: int | None):
    """The class (and child) a nurse's health notice goes to: (class name, student name); refused unless
    the actor is the nurse and the child is in that class now."""
    _require(actor, Action.RECORD_HEALTH)
    class_name, students = await _class_list(uow, class_id)
    if student_id is None:
        return class_name, ""
    student = next((s for s in students if s.id == student_id), None)
    if student is None:
        raise PermissionDenied("bot.refused")
    return class_name, student.full_name
