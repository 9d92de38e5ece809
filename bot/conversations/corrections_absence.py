"""/suadiem and /lichsu on an attendance mark: the homeroom class, the month (for a correction a
submitted one), the student, the new mark typed; and the request it makes."""

from __future__ import annotations

from datetime import date

from bot.conversations.base import Dialog, end_dialog, save_dialog
from bot.conversations.corrections_history import attendance_history_text, session_text
from bot.conversations.corrections_pick import FIX, HISTORY, PREFIX, cancel_button, pick_of, refused_action
from bot.conversations.shared import class_students, show
from bot.handlers.common import refuse
from bot.keyboards import button, column, grid
from bot.turn import Turn
from domain.attendance import next_month
from domain.corrections import MAX_REASON, Target, read_mark_change
from domain.errors import DomainError
from domain.permissions import Action, Actor, allowed
from domain.permissions import Target as Scope
from locales import SCHOOL_TZ
from services import corrections
from services.corrections import MarkChange
from storage.models import CorrectionRow


async def attendance_classes(turn: Turn, mode: str) -> list[tuple[int, str, int]]:
    """Corrections: the homeroom teacher's classes. History: those too, or every class for who sees all."""
    if mode == HISTORY and turn.actor.sees_every_class:
        return await turn.uow.views.classes()
    return await turn.uow.views.classes(turn.actor.homeroom_classes)


def may_see_attendance(actor: Actor, mode: str, class_id: int | None) -> bool:
    if class_id is None:
        return False
    if mode == HISTORY and actor.sees_every_class:
        return True
    return allowed(actor, Action.TAKE_ATTENDANCE, Scope(class_id))


async def _attendance_months(turn: Turn, mode: str, class_id: int) -> list[tuple[int, int]]:
    """Corrections: the submitted months (a month not submitted is changed in /diemdanh). History: every
    month of the school year so far. Latest first."""
    if mode == FIX:
        return sorted(await turn.uow.attendance.submitted_months(class_id), reverse=True)
    year = await turn.uow.school.year_row()
    last = min(turn.now.astimezone(SCHOOL_TZ).date(), year.end)
    months, month = [], (year.start.year, year.start.month)
    while month <= (last.year, last.month):
        months.append(month)
        month = next_month(*month)
    return months[::-1]


async def attendance_class_chosen(update, turn, dialog, args) -> None:
    mode = pick_of(dialog).mode
    if len(args) != 1 or not may_see_attendance(turn.actor, mode, args[0]):
        await refuse(turn, refused_action(dialog), update.callback_query.data)
        return
    months = await _attendance_months(turn, mode, args[0])
    dialog.data = {"mode": mode, "target": Target.ABSENCE.value, "class_id": args[0]}
    dialog.step = "month"
    await save_dialog(turn, dialog)
    buttons = [button(f"{month:02d}/{year}", PREFIX, "mo", year * 100 + month) for year, month in months]
    name = await turn.uow.views.class_name(args[0])
    key = f"correction.{mode}.choose_month" if months else f"correction.{mode}.no_months"
    show(update, turn, turn.t(key, name=name), grid(buttons, [cancel_button(turn)], per_row=3))


async def month_chosen(update, turn, dialog, args) -> None:
    class_id, mode = dialog.data.get("class_id"), pick_of(dialog).mode
    months = await _attendance_months(turn, mode, class_id) if class_id else []
    if dialog.step != "month" or len(args) != 1 or divmod(args[0], 100) not in months:
        await refuse(turn, refused_action(dialog), update.callback_query.data)
        return
    dialog.step, dialog.data["month"] = "absence_student", args[0]
    await save_dialog(turn, dialog)
    buttons = [
        button(f"{n}. {s.name}", PREFIX, "as", s.id)
        for n, s in enumerate(await class_students(turn, class_id), start=1)
    ]
    year, month = divmod(args[0], 100)
    text = turn.t("correction.choose_absence_student", month=f"{month:02d}/{year}")
    show(update, turn, text, column([*buttons, cancel_button(turn)]))


async def absence_student_chosen(update, turn, dialog, args) -> None:
    students = {s.id: s.name for s in await class_students(turn, dialog.data.get("class_id"))}
    if dialog.step != "absence_student" or len(args) != 1 or args[0] not in students:
        await refuse(turn, refused_action(dialog), update.callback_query.data)
        return
    if pick_of(dialog).mode == HISTORY:
        await end_dialog(turn)
        year, month = divmod(dialog.data["month"], 100)
        show(update, turn, await attendance_history_text(turn, args[0], students[args[0]], year, month), None)
        return
    dialog.step, dialog.data["student_id"] = "mark", args[0]
    await save_dialog(turn, dialog)
    year, month = divmod(dialog.data["month"], 100)
    absences = [
        f"{a.day:%d/%m}{session_text(turn, a.session)} {a.mark}"
        for a in await turn.uow.attendance.month_absences(dialog.data["class_id"], year, month)
        if a.student_id == args[0]
    ]
    two = await turn.uow.attendance.sessions_per_day() == 2
    key = "correction.ask_mark_sessions" if two else "correction.ask_mark"
    text = turn.t(
        key, name=students[args[0]], absences=", ".join(absences) or turn.t("correction.no_absences")
    )
    show(update, turn, text, column([cancel_button(turn)]))


async def mark_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    year, month = divmod(dialog.data["month"], 100)
    two = await turn.uow.attendance.sessions_per_day() == 2
    try:
        change = read_mark_change(text, year, month, two)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    old = (await turn.uow.attendance.marks([dialog.data["student_id"]], change.day, change.session)).get(
        dialog.data["student_id"]
    )
    if old == change.mark:
        turn.say("correction.same_mark")
        return
    dialog.data.update(day=change.day.isoformat(), session=change.session, new=change.mark, old=old)
    dialog.step = "reason"
    await save_dialog(turn, dialog)
    turn.say("correction.ask_reason", keyboard=column([cancel_button(turn)]), limit=MAX_REASON)


async def absence_request(turn: Turn, dialog: Dialog) -> CorrectionRow:
    data = dialog.data
    change = MarkChange(
        data["class_id"],
        data["student_id"],
        date.fromisoformat(data["day"]),
        data["session"],
        data["old"],
        data["new"],
        data["reason"],
    )
    return await corrections.mark_request(turn.uow, change, turn.actor.person.id, turn.now)
