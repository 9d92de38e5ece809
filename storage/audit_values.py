"""The values agree with their history: every value the school prints (scores, comments, conduct and
ratings, absences and submitted months, year-end lines and their approval, locks, accounts, settings)
is compared with the last value the change log gives it. A value changed, inserted or deleted behind
sodiem's back is named: which student, which column, what the data says, what the log says."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import as_utc
from storage.models import (
    AbsenceRow,
    AccountRow,
    AttendanceMonthRow,
    BookWindowRow,
    ClassReviewRow,
    ConductRow,
    SchoolRow,
    ScoreRow,
    StudentOutcomeRow,
    StudentRow,
    SubjectCommentRow,
    SubjectRow,
)

Values = dict[str, str]


@dataclass(frozen=True)
class Mismatch:
    entity: str
    key: str
    student: str
    column: str
    data: str | None
    log: str | None


async def _rows(session: AsyncSession, query) -> list:
    return list((await session.execute(query)).all())


async def _scores(session: AsyncSession) -> Values:
    s = ScoreRow
    query = select(s.student_id, s.subject_id, s.year_id, s.semester, s.kind, s.position, s.value)
    return {f"{a}:{b}:{c}:{d}:{e}:{f}": value for a, b, c, d, e, f, value in await _rows(session, query)}


async def _comments(session: AsyncSession) -> Values:
    c = SubjectCommentRow
    query = select(c.student_id, c.subject_id, c.year_id, c.semester, c.text)
    return {f"{a}:{b}:{y}:{s}": text for a, b, y, s, text in await _rows(session, query)}


async def _conduct(session: AsyncSession) -> Values:
    c = ConductRow
    query = select(c.student_id, c.year_id, c.semester, c.aspect, c.level)
    return {f"{a}:{y}:{s}:{aspect}": level for a, y, s, aspect, level in await _rows(session, query)}


async def _absences(session: AsyncSession) -> Values:
    a = AbsenceRow
    query = select(a.student_id, a.day, a.session, a.mark)
    return {f"{student}:{day}:{part}": mark for student, day, part, mark in await _rows(session, query)}


async def _months(session: AsyncSession) -> Values:
    m = AttendanceMonthRow
    rows = await _rows(session, select(m.class_id, m.year, m.month))
    return {f"{class_id}:{year}-{month:02d}": "submitted" for class_id, year, month in rows}


async def _outcomes(session: AsyncSession) -> Values:
    o = StudentOutcomeRow
    rows = await _rows(session, select(o.class_id, o.student_id, o.stage, o.status))
    return {f"{class_id}:{student}:{stage}": status for class_id, student, stage, status in rows}


async def _reviews(session: AsyncSession) -> Values:
    r = ClassReviewRow
    rows = await _rows(session, select(r.class_id, r.stage, r.state))
    return {f"{class_id}:{stage}": state for class_id, stage, state in rows}


async def _windows(session: AsyncSession) -> Values:
    """The lock decisions are kept, never overwritten: the last one of each scope is its state."""
    values = {}
    for row in await session.scalars(select(BookWindowRow).order_by(BookWindowRow.id)):
        scope = f"{row.year_id}:{row.semester}:{row.grade}:{row.class_id}:{row.subject_id}:{row.kind}"
        until = as_utc(row.ends_at).isoformat() if row.ends_at else "-"
        values[scope] = f"{row.state} from {as_utc(row.starts_at).isoformat()} until {until}"
    return values


async def _accounts(session: AsyncSession) -> Values:
    a = AccountRow
    rows = await _rows(session, select(a.channel, a.external_id, a.staff_id, a.guardian_id))
    return {
        f"{channel}:{account}": f"staff:{staff}" if staff is not None else f"guardian:{guardian}"
        for channel, account, staff, guardian in rows
    }


async def _settings(session: AsyncSession) -> Values:
    settings = await session.scalar(select(SchoolRow.settings))
    return {"school": _canonical(json.dumps(settings))} if settings else {}


def _canonical(text: str | None) -> str | None:
    return json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True) if text else text


READERS: dict[str, Callable[[AsyncSession], Awaitable[Values]]] = {
    "score": _scores,
    "comment": _comments,
    "conduct": _conduct,
    "absence": _absences,
    "attendance_month": _months,
    "student-outcome": _outcomes,
    "class-review": _reviews,
    "book-window": _windows,
    "account": _accounts,
    "school-settings": _settings,
}
STUDENT_FIRST = {"score", "comment", "conduct", "absence"}


async def compare_values(session: AsyncSession, logged: dict[tuple[str, str], str | None]) -> list[Mismatch]:
    """Every value whose data and log disagree, in a stable order."""
    found: list[tuple[str, str, str | None, str | None]] = []
    by_entity: dict[str, Values] = {}  # the log sorted once, not read again for every kind of value
    for (kind, key), value in logged.items():
        if value is not None:
            by_entity.setdefault(kind, {})[key] = value
    for entity, read in READERS.items():
        data = await read(session)
        log = by_entity.get(entity, {})
        if entity == "school-settings":
            log = {key: _canonical(value) for key, value in log.items()}
        differing = [key for key in data.keys() | log.keys() if data.get(key) != log.get(key)]
        found += [(entity, key, data.get(key), log.get(key)) for key in sorted(differing)]
    return await _named(session, found)


async def _named(
    session: AsyncSession, found: list[tuple[str, str, str | None, str | None]]
) -> list[Mismatch]:
    if not found:
        return []
    students = dict((await session.execute(select(StudentRow.id, StudentRow.full_name))).all())
    subjects = dict((await session.execute(select(SubjectRow.id, SubjectRow.code))).all())
    return [
        Mismatch(entity, key, *_who_and_what(entity, key, students, subjects), data, log)
        for entity, key, data, log in found
    ]


def _who_and_what(entity: str, key: str, students: dict, subjects: dict) -> tuple[str, str]:
    parts = key.split(":")
    position = 0 if entity in STUDENT_FIRST else 1 if entity == "student-outcome" else None
    if position is None or not parts[position].isdigit():
        return "", f"{entity} {key}"
    student = students.get(int(parts[position]), f"#{parts[position]}")
    rest = parts[:position] + parts[position + 1 :]
    if entity in ("score", "comment") and rest[0].isdigit():
        rest[0] = subjects.get(int(rest[0]), rest[0])
    return student, f"{entity} {':'.join(rest)}"
