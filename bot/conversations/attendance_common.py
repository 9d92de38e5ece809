"""What the attendance screens share: the sheet kept in the dialog, the teacher's homeroom classes,
the class list of a day, and the refusal of a press."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from telegram import Update

from bot.conversations.base import Dialog, save_dialog
from bot.handlers.common import refuse
from bot.turn import Turn
from domain import attendance as rules
from domain.attendance import Pupil
from domain.names import told_apart
from domain.permissions import Action
from locales import SCHOOL_TZ

FLOW = "attendance"
PREFIX = "att"
REFUSED = Action.TAKE_ATTENDANCE.value
WHEN_KEYS = ("attendance.when.day", "attendance.when.morning", "attendance.when.afternoon")


@dataclass(frozen=True)
class Sheet:
    """The attendance being taken, as kept in the dialog row."""

    class_id: int
    day: date
    session: int = rules.WHOLE_DAY
    marks: dict[int, str] = field(default_factory=dict)
    page: int = 0

    def as_data(self) -> dict:
        return {
            "class_id": self.class_id,
            "day": self.day.isoformat(),
            "session": self.session,
            "marks": {str(student): mark for student, mark in self.marks.items()},
            "page": self.page,
        }


def sheet_of(dialog: Dialog | None) -> Sheet | None:
    data = dialog.data if dialog and dialog.flow == FLOW else {}
    if "class_id" not in data or "day" not in data or "session" not in data:
        return None
    marks = {int(student): mark for student, mark in data.get("marks", {}).items() if mark in rules.MARKS}
    return Sheet(
        data["class_id"], date.fromisoformat(data["day"]), data["session"], marks, data.get("page", 0)
    )


async def homeroom_classes(turn: Turn) -> list[tuple[int, str]]:
    actor = turn.actor
    if actor is None or not actor.is_staff or not actor.homeroom_classes:
        return []
    return [(cid, name) for cid, name, _ in await turn.uow.views.classes(actor.homeroom_classes)]


async def not_homeroom(update: Update, turn: Turn) -> None:
    if update.callback_query:
        turn.answer_press()
    if turn.actor is None:
        await refuse(turn, REFUSED)
        return
    await turn.uow.identity.record_refusal(turn.channel, turn.account, REFUSED, "no homeroom class", turn.now)
    turn.say("attendance.only_homeroom")


async def refuse_press(turn: Turn, update: Update) -> None:
    turn.answer_press()
    await refuse(turn, REFUSED, update.callback_query.data or "")


def school_today(turn: Turn) -> date:
    return turn.now.astimezone(SCHOOL_TZ).date()


async def keep(turn: Turn, sheet: Sheet, step: str) -> None:
    await save_dialog(turn, Dialog(FLOW, step, sheet.as_data()))


async def class_pupils(turn: Turn, class_id: int, day: date | None) -> list[Pupil]:
    """The class list of that day (or of now), from the database, in class-list order."""
    name = await turn.uow.views.class_name(class_id)
    year = await turn.uow.school.year_row()
    entries = await turn.uow.roster.class_list(name, year.name, on=day)
    shown = told_apart([(s.full_name, s.date_of_birth, s.code) for s in entries])
    return [Pupil(entry.id, label) for entry, label in zip(entries, shown, strict=True)]
