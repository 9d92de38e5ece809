"""/khoaso and /moso: the leadership locks or opens entry for the school, a grade or a class, all
subjects or one, all columns or one kind, now or from a set date and time (an opening always has an
end: nothing stays open by accident). /lichkhoa shows the semester's schedule: the default windows
and every decision. Each decision is recorded in the audit trail by the gradebook store."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.handlers.common import refuse, split_for_telegram
from bot.keyboards import button, column, grid, is_number, paged
from bot.turn import Turn, current_turn
from domain.columns import current_semester
from domain.permissions import Action, allowed
from domain.windows import ColumnKind, WindowDecision, WindowState, default_span
from locales import SCHOOL_TZ
from storage.changes import Author

FLOW = "locking"
COMMAND = commands.LOCK
PREFIX = "lk"
KINDS = (None, *ColumnKind)  # index 0: every kind of column
OPEN_FOR_DAYS = (1, 3, 7)
MOMENT = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2})[:hH](\d{2}))?\s*$")


def handlers() -> list:
    return [
        CommandHandler(commands.LOCK.names, start_lock),
        CommandHandler(commands.UNLOCK.names, start_open),
        CommandHandler(commands.LOCK_SCHEDULE.names, schedule),
        CallbackQueryHandler(press, pattern=rf"^{PREFIX}:"),
    ]


async def start_lock(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _start(update, current_turn(), WindowState.LOCKED)


async def start_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _start(update, current_turn(), WindowState.OPEN)


async def _start(update: Update, turn: Turn, state: WindowState) -> None:
    if not allowed(turn.actor, Action.LOCK_BOOK):
        await refuse(turn, "lock-book")
        return
    await save_dialog(turn, Dialog(FLOW, "scope", {"state": state.value}))
    classes = await turn.uow.views.classes()
    grades = sorted({grade for _, _, grade in classes})
    buttons = [button(turn.t("lock.scope.school"), PREFIX, "g", 0)]
    buttons += [button(turn.t("lock.scope.grade", grade=grade), PREFIX, "g", grade) for grade in grades]
    buttons.append(button(turn.t("lock.scope.one_class"), PREFIX, "cp", 0))
    show(update, turn, turn.t(f"lock.{state.value}.choose_scope"), grid(buttons, [_cancel(turn)], per_row=3))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if not allowed(turn.actor, Action.LOCK_BOOK):
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    if parts[0] in STARTS and len(parts) == 1:
        await STARTS[parts[0]](update, context)
        return
    dialog = await current_dialog(turn)
    action = PRESSES.get(parts[0])
    if dialog is None or dialog.flow != FLOW or action is None or not all(is_number(p) for p in parts[1:]):
        turn.answer_press()
        turn.say("lock.nothing_in_progress")
        return
    await action(update, turn, dialog, [int(p) for p in parts[1:]])


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    buttons = [
        button(turn.t("lock.menu.lock"), PREFIX, "lock"),
        button(turn.t("lock.menu.open"), PREFIX, "open"),
        button(turn.t("lock.menu.schedule"), PREFIX, "plan"),
        button(turn.t("bot.back"), "menu"),
    ]
    show(update, turn, turn.t("lock.menu.title"), column(buttons))


async def _class_page(update, turn, dialog, args) -> None:
    items = [(name, f"{PREFIX}:c:{class_id}") for class_id, name, _ in await turn.uow.views.classes()]
    show(
        update,
        turn,
        turn.t("lock.choose_class"),
        paged(turn.t, items, args[0] if args else 0, f"{PREFIX}:cp", back=(PREFIX, "x"), per_row=4),
    )


async def _grade_chosen(update, turn, dialog, args) -> None:
    grades = {grade for _, _, grade in await turn.uow.views.classes()}
    if dialog.step != "scope" or len(args) != 1 or (args[0] and args[0] not in grades):
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    dialog.data.update(grade=args[0] or None, class_id=None)
    await _ask_subject(update, turn, dialog)


async def _class_chosen(update, turn, dialog, args) -> None:
    classes = {class_id: grade for class_id, _, grade in await turn.uow.views.classes()}
    if len(args) != 1 or args[0] not in classes:
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    dialog.data.update(grade=None, class_id=args[0])
    await _ask_subject(update, turn, dialog)


async def _ask_subject(update: Update, turn: Turn, dialog: Dialog) -> None:
    dialog.step = "subject"
    await save_dialog(turn, dialog)
    names = await turn.uow.views.subject_names()
    buttons = [button(turn.t("lock.all_subjects"), PREFIX, "sb", 0)]
    buttons += [
        button(name, PREFIX, "sb", sid) for sid, name in sorted(names.items(), key=lambda item: item[1])
    ]
    show(
        update,
        turn,
        turn.t("lock.choose_subject", scope=await _scope(turn, dialog)),
        grid(buttons, [_cancel(turn)]),
    )


async def _subject_chosen(update, turn, dialog, args) -> None:
    names = await turn.uow.views.subject_names()
    if dialog.step != "subject" or len(args) != 1 or (args[0] and args[0] not in names):
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    dialog.step, dialog.data["subject_id"] = "kind", args[0] or None
    await save_dialog(turn, dialog)
    buttons = [button(_kind_name(turn, kind), PREFIX, "k", index) for index, kind in enumerate(KINDS)]
    show(
        update,
        turn,
        turn.t("lock.choose_kind", scope=await _scope(turn, dialog)),
        grid(buttons, [_cancel(turn)]),
    )


async def _kind_chosen(update, turn, dialog, args) -> None:
    if dialog.step != "kind" or len(args) != 1 or not 0 <= args[0] < len(KINDS):
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    dialog.step, dialog.data["kind"] = "when", args[0]
    await save_dialog(turn, dialog)
    keyboard = column([button(turn.t("lock.now"), PREFIX, "w"), _cancel(turn)])
    show(update, turn, turn.t("lock.ask_when", scope=await _scope(turn, dialog)), keyboard)


async def _now_chosen(update, turn, dialog, args) -> None:
    if dialog.step != "when":
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    turn.answer_press()
    await _moment_given(turn, dialog, turn.now)


async def _days_chosen(update, turn, dialog, args) -> None:
    if dialog.step != "until" or len(args) != 1 or args[0] not in OPEN_FOR_DAYS:
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    turn.answer_press()
    starts = datetime.fromisoformat(dialog.data["starts_at"])
    await _until_given(turn, dialog, starts + timedelta(days=args[0]))


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    if dialog.step not in ("when", "until"):
        turn.say("lock.use_buttons")
        return
    moment = parse_moment(update.effective_message.text or "")
    if moment is None:
        turn.say("lock.bad_moment")
        return
    if moment <= turn.now:
        turn.say("lock.moment_past", now=turn.now)
        return
    year = await turn.uow.school.year()
    if not year.start <= moment.date() <= year.end:
        turn.say("lock.moment_outside_year", start=year.start, end=year.end)
        return
    if dialog.step == "when":
        await _moment_given(turn, dialog, moment)
    else:
        await _until_given(turn, dialog, moment)


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("lock.use_buttons")


def parse_moment(text: str) -> datetime | None:
    """dd/mm/yyyy or dd/mm/yyyy hh:mm, school time; None when it is not a real moment."""
    match = MOMENT.match(text)
    if not match:
        return None
    day, month, year, hour, minute = (int(part) if part else 0 for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=SCHOOL_TZ)
    except ValueError:
        return None


async def _moment_given(turn: Turn, dialog: Dialog, moment: datetime) -> None:
    dialog.data["starts_at"] = moment.isoformat()
    if dialog.data["state"] == WindowState.LOCKED:
        await _confirm_screen(turn, dialog)
        return
    dialog.step = "until"
    await save_dialog(turn, dialog)
    buttons = [button(turn.t("lock.for_days", days=days), PREFIX, "d", days) for days in OPEN_FOR_DAYS]
    turn.send(turn.t("lock.ask_until"), grid(buttons, [_cancel(turn)], per_row=3))


async def _until_given(turn: Turn, dialog: Dialog, moment: datetime) -> None:
    if moment <= datetime.fromisoformat(dialog.data["starts_at"]):
        turn.say("lock.until_before_start")
        return
    dialog.data["ends_at"] = moment.isoformat()
    await _confirm_screen(turn, dialog)


async def _confirm_screen(turn: Turn, dialog: Dialog) -> None:
    dialog.step = "confirm"
    await save_dialog(turn, dialog)
    keyboard = column([button(turn.t("lock.confirm"), PREFIX, "ok"), _cancel(turn)])
    turn.send(await _summary(turn, _decision(dialog, turn.now)), keyboard)


async def _confirmed(update, turn, dialog, args) -> None:
    if dialog.step != "confirm":
        await refuse(turn, "lock-book", update.callback_query.data)
        return
    decision = _decision(dialog, turn.now)
    year = await turn.uow.school.year()
    year_row = await turn.uow.school.year_row()
    semester = current_semester(year, decision.starts_at.astimezone(SCHOOL_TZ).date())
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    await turn.uow.windows.add_decision(year_row.id, semester.number, decision, author)
    await end_dialog(turn)
    show(update, turn, turn.t("lock.saved", summary=await _summary(turn, decision)), None)


async def _cancelled(update, turn, dialog, args) -> None:
    await end_dialog(turn)
    show(update, turn, turn.t("lock.cancelled"), None)


async def schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not allowed(turn.actor, Action.LOCK_BOOK):
        await refuse(turn, "lock-book")
        return
    year = await turn.uow.school.year()
    semester = current_semester(year, turn.now.astimezone(SCHOOL_TZ).date())
    year_row = await turn.uow.school.year_row()
    lines = [turn.t("lock.schedule.title", semester=semester.number, start=semester.start, end=semester.end)]
    lines.append(turn.t("lock.schedule.defaults"))
    for kind in (ColumnKind.REGULAR, ColumnKind.MIDTERM, ColumnKind.FINAL):
        first, last = default_span(semester, kind)
        lines.append(
            turn.t("lock.schedule.default_line", kind=_kind_name(turn, kind), first=first, last=last)
        )
    decisions = sorted(
        await turn.uow.windows.decisions(year_row.id, semester.number), key=lambda d: d.starts_at
    )
    lines.append(turn.t("lock.schedule.decisions" if decisions else "lock.schedule.no_decisions"))
    for decision in decisions:
        lines.append(f"• {await _summary(turn, decision)} — {turn.t(_phase(decision, turn.now))}")
    turn.answer_press()
    for piece in split_for_telegram("\n".join(lines)):
        turn.send(piece)


def _phase(decision: WindowDecision, now: datetime) -> str:
    if decision.starts_at > now:
        return "lock.phase.planned"
    if decision.ends_at is not None and decision.ends_at <= now:
        return "lock.phase.over"
    return "lock.phase.in_force"


PRESSES = {
    "cp": _class_page,
    "g": _grade_chosen,
    "c": _class_chosen,
    "sb": _subject_chosen,
    "k": _kind_chosen,
    "w": _now_chosen,
    "d": _days_chosen,
    "ok": _confirmed,
    "x": _cancelled,
}
STARTS = {"start": _menu, "lock": start_lock, "open": start_open, "plan": schedule}


# --- helpers ---------------------------------------------------------------------------------


def _cancel(turn: Turn):
    return button(turn.t("lock.cancel"), PREFIX, "x")


def _kind_name(turn: Turn, kind: ColumnKind | None) -> str:
    return turn.t(f"lock.kind.{kind.value}" if kind else "lock.kind.all")


def _decision(dialog: Dialog, now: datetime) -> WindowDecision:
    data = dialog.data
    return WindowDecision(
        WindowState(data["state"]),
        datetime.fromisoformat(data["starts_at"]),
        datetime.fromisoformat(data["ends_at"]) if data.get("ends_at") else None,
        data.get("grade"),
        data.get("class_id"),
        data.get("subject_id"),
        KINDS[data.get("kind", 0)],
        decided_at=now,
    )


async def _scope(turn: Turn, dialog: Dialog) -> str:
    data = dialog.data
    return await _scope_text(turn, data.get("grade"), data.get("class_id"), data.get("subject_id"), None)


async def _scope_text(turn, grade, class_id, subject_id, kind) -> str:
    if class_id:
        parts = [turn.t("lock.scope.class", name=await turn.uow.views.class_name(class_id))]
    elif grade:
        parts = [turn.t("lock.scope.grade", grade=grade)]
    else:
        parts = [turn.t("lock.scope.school")]
    if subject_id:
        parts.append((await turn.uow.views.subject_names()).get(subject_id, "?"))
    if kind is not None:
        parts.append(_kind_name(turn, kind))
    return " · ".join(parts)


async def _summary(turn: Turn, decision: WindowDecision) -> str:
    scope = await _scope_text(turn, decision.grade, decision.class_id, decision.subject_id, decision.kind)
    scope = scope if decision.kind else f"{scope} · {_kind_name(turn, None)}"
    starts = decision.starts_at
    if decision.ends_at is None:
        return turn.t(f"lock.summary.{decision.state.value}", scope=scope, starts=starts)
    return turn.t(
        f"lock.summary.{decision.state.value}_until", scope=scope, starts=starts, ends=decision.ends_at
    )
