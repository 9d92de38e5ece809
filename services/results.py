"""The released results a parent or a student may read: the report cards the leadership approved, of the
parent's own children or of the student themself, as they were approved. Telegram's /ketqua and Zalo's
``ketqua`` both list ``released_periods`` and show ``released_card``; nothing else reaches them."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import PermissionDenied
from domain.notices import Kind, Status
from domain.permissions import Action, Actor, Target, allowed
from domain.report_card import Period
from exports.released import released_text
from locales import Translator
from storage.uow import UnitOfWork

REFUSED = "released-results"  # the refusal log's name for a card asked for that is not the person's


@dataclass(frozen=True)
class Released:
    """One released period of one student the person reads."""

    student_id: int
    name: str
    notice_id: int
    period: Period


async def released_periods(uow: UnitOfWork, actor: Actor) -> list[Released]:
    """Every released period of the students the person reads, each student's in release order."""
    found = []
    for student_id, name, class_id in await uow.notices.children(actor.own_students):
        for notice in await uow.notices.released(class_id):
            found.append(Released(student_id, name, notice.id, Period(notice.period)))
    return found


async def released_card(
    uow: UnitOfWork, actor: Actor, student_id: int, notice_id: int, t: Translator
) -> str | None:
    """The student's card of the released period, as approved, in ``t``'s language; None when the student
    is not on it (they joined the class after the period). Asked again with ids a button or a number
    carried: PermissionDenied unless the student is the person's own and the period released for the
    class the student is in now."""
    notice = await uow.notices.get(notice_id)
    current = {sid: class_id for sid, _, class_id in await uow.notices.children(actor.own_students)}
    if (
        not allowed(actor, Action.VIEW_STUDENT, Target(student_id=student_id))
        or notice is None
        or notice.kind is not Kind.REPORT_CARD
        or notice.status is not Status.APPROVED
        or current.get(student_id) != notice.reach.class_id
    ):
        raise PermissionDenied("bot.refused", detail=f"{student_id}:{notice_id}")
    period = Period(notice.period)
    return await released_text(uow, notice.id, notice.reach.class_id, period, student_id, t)
