"""Leave requests (xin nghỉ học), written once for every front end: a parent's child and days are
checked, the request is stored, the homeroom teacher decides once, an accepted request marks the days
"P" ahead of time (or, in a month already submitted, becomes correction requests for the leadership),
and the parent is told through the outbox on the channel they asked from. See docs/families.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain import leave as rules
from domain.attendance import EXCUSED, month_of
from domain.corrections import MAX_REASON as MAX_CORRECTION_REASON
from domain.errors import DomainError, NotFound, PermissionDenied
from domain.leave import Days, Status
from domain.names import vietnamese_sort_key
from domain.permissions import Action, Actor, Target, allowed
from locales import SCHOOL_TZ, Translator, translator
from services import corrections, elsewhere
from services.corrections import MarkChange, mark_request
from storage.changes import Author
from storage.leave_store import Account, class_on
from storage.models import CorrectionRow
from storage.models.leave import LeaveRequestRow
from storage.outbox_store import Outgoing
from storage.recipient_store import Recipient
from storage.uow import UnitOfWork

SESSION_KEYS = ("leave.session.day", "leave.session.morning", "leave.session.afternoon")


@dataclass(frozen=True)
class Child:
    id: int
    name: str


@dataclass(frozen=True)
class Asked:
    """A stored request and whom to tell: the class's homeroom teacher, wherever linked."""

    request: LeaveRequestRow
    child: str
    class_name: str
    teachers: list[Account]


@dataclass(frozen=True)
class Decided:
    request: LeaveRequestRow
    settled_now: bool  # False: someone decided first (a second press)
    marked: int = 0  # attendance slots marked "P"
    corrections: list[CorrectionRow] = field(default_factory=list)  # slots of submitted months


def _today(now: datetime) -> date:
    return now.astimezone(SCHOOL_TZ).date()


async def children(uow: UnitOfWork, actor: Actor | None) -> list[Child]:
    """The person's own children, sorted as class lists are; empty for anyone else (linking help)."""
    if actor is None or not actor.children:
        return []
    names = await uow.leave.student_names(actor.children)
    return sorted(
        (Child(sid, name) for sid, name in names.items()), key=lambda child: vietnamese_sort_key(child.name)
    )


def _require_child(actor: Actor | None, student_id: int) -> None:
    if actor is None or student_id not in actor.children or actor.guardian is None:
        raise PermissionDenied("leave.refused.not_your_child")


async def check_days(uow: UnitOfWork, actor: Actor | None, student_id: int, text: str, now: datetime) -> Days:
    """The days as typed, read and checked: a day to come, in the school year, not overlapping."""
    _require_child(actor, student_id)
    two = await uow.attendance.sessions_per_day() == 2
    days = rules.read_days(text, _today(now), two)
    year = await uow.school.year()
    rules.check_days(days, _today(now), year.start, year.end, await uow.calendar.closed_days(year.name))
    rules.check_overlap(days, await uow.leave.standing(student_id))
    return days


async def ask(
    uow: UnitOfWork,
    actor: Actor | None,
    student_id: int,
    days_text: str,
    reason_text: str,
    now: datetime,
    author: Author,
) -> Asked:
    """Stores the request after checking everything again (the days may have gone stale meanwhile)."""
    days = await check_days(uow, actor, student_id, days_text, now)
    reason = rules.check_reason(reason_text)
    class_id = await uow.leave.current_class(student_id, days.first)
    if class_id is None:
        raise DomainError("leave.refused.no_class")
    cutoff = rules.cutoff_of(await uow.school.settings())
    row = LeaveRequestRow(
        student_id=student_id,
        class_id=class_id,
        guardian_id=actor.guardian,
        first_day=days.first,
        last_day=days.last,
        session=days.session,
        reason=reason,
        late=rules.is_late(days, now.astimezone(SCHOOL_TZ).replace(tzinfo=None), cutoff),
        status=Status.PENDING,
        channel=author.channel,
        account=author.account,
        requested_at=now,
    )
    await uow.leave.add(row, author)
    names = await uow.leave.student_names([student_id])
    class_name = await uow.views.class_name(class_id) or ""
    return Asked(row, names[student_id], class_name, await uow.leave.homeroom_accounts(class_id))


async def pending(uow: UnitOfWork, actor: Actor | None) -> list[LeaveRequestRow]:
    """The requests waiting for this homeroom teacher."""
    if actor is None or not actor.is_staff or not actor.homeroom_classes:
        return []
    return await uow.leave.pending(actor.homeroom_classes)


async def decide(
    uow: UnitOfWork, actor: Actor | None, request_id: int, accept: bool, author: Author
) -> Decided:
    """The homeroom teacher's one decision; the parent is told through the outbox."""
    row = await uow.leave.get(request_id)
    if row is None:
        raise NotFound("leave.refused.unknown")
    if actor is None or not allowed(actor, Action.TAKE_ATTENDANCE, Target(class_id=row.class_id)):
        raise PermissionDenied("leave.refused.not_your_class")
    status = Status.ACCEPTED if accept else Status.DECLINED
    if not await uow.leave.decide(request_id, status, author):
        return Decided(await uow.leave.get(request_id), settled_now=False)
    marked, corrections = (await _excuse(uow, row, author)) if accept else (0, [])
    await _tell_parent(uow, row, author.at)
    return Decided(row, True, marked, corrections)


async def _excuse(uow: UnitOfWork, row: LeaveRequestRow, author: Author) -> tuple[int, list[CorrectionRow]]:
    """Marks each slot "P" in the class the child is in that day (a move during the request goes with
    them; a day after they left the school is not marked); a slot of a month the class has submitted
    becomes a correction request instead."""
    sessions = await uow.attendance.sessions_per_day()
    days_off = await uow.calendar.closed_days((await uow.school.year()).name)
    submitted: dict[int, set[tuple[int, int]]] = {}
    enrolments = await uow.leave.enrolments(row.student_id, row.first_day, row.last_day)
    marked, corrections = 0, []
    days = rules.Days(row.first_day, row.last_day, row.session)
    for day, session in rules.slots(days, sessions, days_off):
        class_id = class_on(enrolments, day)
        if class_id is None:
            continue
        if class_id not in submitted:
            submitted[class_id] = await uow.attendance.submitted_months(class_id)
        if month_of(day) not in submitted[class_id]:
            marked += await uow.leave.excuse(row, class_id, day, session, author)
            continue
        correction = await _correction(uow, row, class_id, day, session, author)
        if correction is not None:
            corrections.append(correction)
    return marked, corrections


async def _correction(
    uow: UnitOfWork, row: LeaveRequestRow, class_id: int, day: date, session: int, author: Author
) -> CorrectionRow | None:
    old = (await uow.attendance.marks([row.student_id], day, session)).get(row.student_id)
    if old is not None:  # already absent: the teacher's own mark stands
        return None
    t = translator(await uow.leave.language_of(author.channel, author.account))
    reason = t("leave.correction_reason", id=row.id, reason=row.reason)[:MAX_CORRECTION_REASON]
    change = MarkChange(class_id, row.student_id, day, session, None, EXCUSED, reason)
    request = await mark_request(uow, change, author.staff_id, author.at)
    try:
        await corrections.submit(uow, request, [], author, needs_paper=False)
    except DomainError:  # already asked for, or the class's year-end lists are fixed: nothing to ask
        return None
    return request


async def _tell_parent(uow: UnitOfWork, row: LeaveRequestRow, now: datetime) -> None:
    t = translator(await uow.leave.language_of(row.channel, row.account))
    names = await uow.leave.student_names([row.student_id])
    key = "leave.told.accepted" if row.status == Status.ACCEPTED else "leave.told.declined"
    text = t(
        key,
        id=row.id,
        name=names[row.student_id],
        days=days_text(t, rules.Days(row.first_day, row.last_day, row.session)),
    )
    message = Outgoing(f"leave:{row.id}:{row.status}", row.channel, row.account, names[row.student_id], text)
    await uow.outbox.enqueue([message], now)


async def tell_teachers(uow: UnitOfWork, asked: Asked, now: datetime, command: str) -> None:
    """For a front end that cannot put buttons on the teacher's chat: the request as a message with
    the command that opens the teacher's list of requests waiting."""

    async def text(t: Translator) -> str:
        request = request_text(t, asked.request, asked.child, asked.class_name)
        return "\n".join([request, t("leave.teacher.open", command=command)])

    teachers = [Recipient(a.channel, a.account, a.name, a.language) for a in asked.teachers]
    await elsewhere.tell(uow, teachers, f"leave:{asked.request.id}:teacher", text, now)


async def describe(uow: UnitOfWork, t: Translator, row: LeaveRequestRow) -> str:
    names = await uow.leave.student_names([row.student_id])
    return request_text(t, row, names[row.student_id], await uow.views.class_name(row.class_id) or "")


def request_text(t: Translator, row: LeaveRequestRow, child: str, class_name: str) -> str:
    """The request as the teacher reads it."""
    lines = [
        t(
            "leave.teacher.request",
            id=row.id,
            name=child,
            class_name=class_name,
            days=days_text(t, rules.Days(row.first_day, row.last_day, row.session)),
            reason=row.reason,
        )
    ]
    if row.late:
        lines.append(t("leave.teacher.late", at=row.requested_at))
    return "\n".join(lines)


def days_text(t: Translator, days: Days) -> str:
    session = t(SESSION_KEYS[days.session])
    if days.first == days.last:
        return t("leave.days.one", date=days.first, session=session)
    return t("leave.days.range", first=days.first, last=days.last, session=session)


async def excused_reasons(uow: UnitOfWork, student_ids: list[int], day: date, session: int) -> dict[int, str]:
    """The reason of each student's accepted request covering that day and session: /diemdanh shows it."""
    return await uow.leave.accepted_on(student_ids, day, session)
