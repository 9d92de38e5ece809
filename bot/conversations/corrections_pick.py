"""What /suadiem and /lichsu hold while a value is picked: the button prefix and the two modes, the
pick read from the dialog, who may pick what, the picked column's values and title, the back and cancel
buttons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversations.base import Dialog
from bot.conversations.shared import class_students, offered_for
from bot.keyboards import button
from bot.turn import Turn
from domain.columns import Offered
from domain.permissions import Action, Actor, allowed
from domain.permissions import Target as Scope

PREFIX = "cr"
FIX, HISTORY = "fix", "history"


@dataclass(frozen=True)
class Pick:
    """The value being picked, as far as chosen; read from the dialog, checked against the database."""

    mode: str
    class_id: int | None = None
    subject_id: int | None = None
    semester: int | None = None
    option: int | None = None
    student_id: int | None = None


def pick_of(dialog: Dialog) -> Pick:
    data = dialog.data
    return Pick(
        data.get("mode", FIX),
        data.get("class_id"),
        data.get("subject_id"),
        data.get("semester"),
        data.get("option"),
        data.get("student_id"),
    )


def may_pick(actor: Actor, mode: str, class_id: int, subject_id: int | None = None) -> bool:
    """Corrections: only one's own class and subject. History: whatever results one may see."""
    if mode == FIX:
        return subject_id is not None and allowed(actor, Action.ENTER_SCORES, Scope(class_id, subject_id))
    if subject_id is None:
        return allowed(actor, Action.VIEW_CLASS, Scope(class_id))
    return allowed(actor, Action.VIEW_RESULTS, Scope(class_id)) or allowed(
        actor, Action.VIEW_RESULTS, Scope(class_id, subject_id)
    )


def refused_action(dialog: Dialog) -> str:
    return "value-history" if pick_of(dialog).mode == HISTORY else "request-correction"


def back_button(turn: Turn, *parts: object):
    return button(turn.t("bot.back"), PREFIX, *parts)


def cancel_button(turn: Turn):
    return button(turn.t("correction.cancel"), PREFIX, "x")


async def offered_columns(turn: Turn, pick: Pick) -> list[Offered]:
    return await offered_for(turn.uow, pick.class_id, pick.subject_id)


async def column_values(turn: Turn, pick: Pick) -> dict[int, str]:
    year = await turn.uow.school.year_row()
    column_ = (await offered_columns(turn, pick))[pick.option].column
    return await turn.uow.gradebook.column_values(
        pick.class_id, pick.subject_id, year.id, pick.semester, column_
    )


async def title_of(turn: Turn, pick: Pick) -> str:
    subjects = await turn.uow.views.subject_names()
    parts = [await turn.uow.views.class_name(pick.class_id), subjects.get(pick.subject_id, "?")]
    if pick.semester:
        parts.append(turn.t("entry.semester", number=pick.semester))
    if pick.option is not None:
        option = (await offered_columns(turn, pick))[pick.option]
        parts.append(turn.t(option.label_key, **option.label_params))
    if pick.student_id is not None:
        students = {s.id: s.name for s in await class_students(turn, pick.class_id)}
        parts.append(students.get(pick.student_id, "?"))
    return " · ".join(parts)
