"""Asking for a correction of a saved value: a score column or an attendance slot of one student.

The request is built from what the teacher picked, with today's deadline check for a score; it is
checked once more and stored with its evidence. One use case for every front end that asks for a
correction, and for an accepted leave request that excuses a day of a month already submitted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.attendance import MARKS
from domain.columns import current_semester
from domain.corrections import Status, Target, deadline, is_late, same_value
from domain.errors import DomainError, PermissionDenied
from domain.windows import ColumnKind
from locales import SCHOOL_TZ
from storage.changes import Author
from storage.db import as_utc
from storage.models import CorrectionRow
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ScoreChange:
    class_id: int
    student_id: int
    subject_id: int
    semester: int
    kind: ColumnKind
    position: int
    old: str | None
    new: str
    reason: str
    examiner: str = ""


@dataclass(frozen=True)
class MarkChange:
    class_id: int
    student_id: int
    day: date
    session: int
    old: str | None
    new: str | None  # None: present after all
    reason: str


async def score_request(uow: UnitOfWork, change: ScoreChange, staff_id: int, now: datetime) -> CorrectionRow:
    """The request, late when today is past the column's deadline (counted from when it was entered)."""
    year = await uow.school.year()
    year_id = (await uow.school.year_row()).id
    saved = await uow.gradebook.saved_value(
        change.student_id, change.subject_id, year_id, change.semester, change.kind, change.position
    )
    if saved is None:  # taken away while the slip was composed
        raise DomainError("correction.value_moved")
    semester = next(s for s in year.semesters if s.number == change.semester)
    entered_on = as_utc(saved.entered_at).astimezone(SCHOOL_TZ).date()
    limit = deadline(semester, change.kind, change.position, entered_on)
    return _pending(
        year_id=year_id,
        semester=change.semester,
        class_id=change.class_id,
        student_id=change.student_id,
        target=Target.SCORE,
        subject_id=change.subject_id,
        kind=change.kind.value,
        position=change.position,
        old_value=change.old,
        new_value=change.new,
        reason=change.reason,
        examiner=change.examiner,
        deadline=limit.last_day if limit else None,
        late=is_late(limit, now.astimezone(SCHOOL_TZ).date()),
        requested_by=staff_id,
        requested_at=now,
    )


async def mark_request(uow: UnitOfWork, change: MarkChange, staff_id: int, now: datetime) -> CorrectionRow:
    year = await uow.school.year()
    return _pending(
        year_id=(await uow.school.year_row()).id,
        semester=current_semester(year, change.day).number,
        class_id=change.class_id,
        student_id=change.student_id,
        target=Target.ABSENCE,
        day=change.day,
        session=change.session,
        old_value=change.old,
        new_value=change.new,
        reason=change.reason,
        examiner="",
        late=False,
        requested_by=staff_id,
        requested_at=now,
    )


def _pending(**values: object) -> CorrectionRow:
    return CorrectionRow(**values, status=Status.PENDING, decision_note="")


def _complete(request: CorrectionRow, evidence: list[int], needs_paper: bool) -> bool:
    """A reason, and for a test column the paper's photo and the examiner; an attendance mark only P, K
    or present. A front end that lets a request through without these was tricked: refuse it."""
    if not request.reason or (needs_paper and not (evidence and request.examiner)):
        return False
    if request.target == Target.ABSENCE:
        return request.new_value in (*MARKS, None) and request.day is not None
    return request.subject_id is not None and request.new_value is not None


async def submit(
    uow: UnitOfWork, request: CorrectionRow, evidence: list[int], author: Author, needs_paper: bool
) -> None:
    """Stores the request with its evidence, unless the class's lists are fixed for the year's end, the
    value changed since the teacher saw it, or the same value already waits for a decision
    (DomainError, saying which); a request without what it needs (``_complete``) is PermissionDenied.
    The caller commits."""
    if await uow.year_end.year_fixed(request.class_id):
        name = await uow.views.class_name(request.class_id)
        raise DomainError("year_end.correction.lists_fixed", name=name)
    if not same_value(await uow.corrections.current_value(request), request.old_value):
        raise DomainError("correction.value_moved")
    waiting = await uow.corrections.pending_for(request)
    if waiting is not None:
        raise DomainError("correction.already_pending", id=waiting)
    if not _complete(request, evidence, needs_paper):
        raise PermissionDenied("bot.refused")
    await uow.corrections.submit(request, evidence, author)
