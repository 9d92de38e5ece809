"""/biendong (/transfer): the administrator or the principal records a class-size change in the chat —
a transfer in, a transfer out, a dropout or a class change — as ``sodiem transfer`` does: the kind
(buttons), the student's code (typed; a new student's name and date of birth too), the class (buttons),
the date and the reason (typed), then a summary to confirm before anything is written. Every press and
every typed step is re-authorised; the rules and messages are domain/transfers.py's."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, column, is_number
from bot.turn import Turn, current_turn
from domain.errors import DomainError
from domain.permissions import Action, allowed
from domain.text import visible_text
from domain.transfers import Change, parse_day
from storage.changes import Author
from storage.transfer_store import NewStudent

FLOW = "transfer"
COMMAND = commands.TRANSFER
PREFIX = "bd"
CHANGES = {"i": Change.TRANSFER_IN, "o": Change.TRANSFER_OUT, "d": Change.DROPOUT, "m": Change.MOVE}


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


def _may(turn: Turn) -> bool:
    return allowed(turn.actor, Action.MANAGE_PEOPLE)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not _may(turn):
        await refuse(turn, "transfer")
        return
    await save_dialog(turn, Dialog(FLOW, "kind"))
    buttons = [button(turn.t(f"schoolyear.change.{c.value}"), PREFIX, "k", key) for key, c in CHANGES.items()]
    buttons.append(button(turn.t("schoolyear.chat.cancel"), PREFIX, "x"))
    show(update, turn, turn.t("schoolyear.chat.choose_kind"), column(buttons))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    query = update.callback_query
    parts = query.data.split(":")[1:]
    if not _may(turn):
        await refuse(turn, "transfer", query.data)
        return
    dialog = await current_dialog(turn)
    if parts == ["x"] or dialog is None or dialog.flow != FLOW:
        await end_dialog(turn)
        answer_and_show(turn, query, turn.t("schoolyear.chat.cancelled"), None)
    elif parts[0] == "k" and len(parts) == 2 and parts[1] in CHANGES and dialog.step == "kind":
        dialog.step, dialog.data = "code", {"change": CHANGES[parts[1]].value}
        await save_dialog(turn, dialog)
        answer_and_show(turn, query, turn.t("schoolyear.chat.ask_code"), None)
    elif parts[0] == "c" and len(parts) == 2 and is_number(parts[1]) and dialog.step == "class":
        await _choose_class(turn, query, dialog, int(parts[1]))
    elif parts == ["ok"] and dialog.step == "confirm":
        await _write(turn, query, dialog)
    else:
        await refuse(turn, "transfer", query.data)


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    if not _may(turn):
        await end_dialog(turn)
        await refuse(turn, "transfer", "text")
        return
    text = visible_text(update.effective_message.text or "").strip()
    step = {"code": _on_code, "new": _on_new, "date": _on_date, "reason": _on_reason}.get(dialog.step)
    if step is None:
        turn.say("schoolyear.chat.use_buttons")
        return
    await step(turn, dialog, text)


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("schoolyear.chat.use_text")


async def _on_code(turn: Turn, dialog: Dialog, code: str) -> None:
    change = Change(dialog.data["change"])
    student = await turn.uow.transfers.student_by_code(code)
    dialog.data["code"] = code
    if student is None and change is not Change.TRANSFER_IN:
        turn.say("schoolyear.error.no_student", code=code)
        return
    if student is None:
        dialog.step = "new"
        await save_dialog(turn, dialog)
        turn.say("schoolyear.chat.ask_new", code=code)
        return
    dialog.data["name"] = student.full_name
    await _after_student(turn, dialog)


async def _on_new(turn: Turn, dialog: Dialog, text: str) -> None:
    name, _, born = text.rpartition(",")
    try:
        day = parse_day(born)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    if not name.strip():
        turn.say("schoolyear.chat.ask_new", code=dialog.data["code"])
        return
    dialog.data.update(name=name.strip(), born=day.isoformat())
    await _after_student(turn, dialog)


async def _after_student(turn: Turn, dialog: Dialog) -> None:
    change = Change(dialog.data["change"])
    if change in (Change.TRANSFER_IN, Change.MOVE):
        dialog.step = "class"
        await save_dialog(turn, dialog)
        classes = await turn.uow.views.classes()
        buttons = [button(name, PREFIX, "c", class_id) for class_id, name, _ in classes]
        buttons.append(button(turn.t("schoolyear.chat.cancel"), PREFIX, "x"))
        turn.say("schoolyear.chat.choose_class", column(buttons), name=dialog.data["name"])
        return
    dialog.step = "date"
    await save_dialog(turn, dialog)
    turn.say("schoolyear.chat.ask_date", name=dialog.data["name"])


async def _choose_class(turn: Turn, query, dialog: Dialog, class_id: int) -> None:
    name = await turn.uow.views.class_name(class_id)
    if name is None:
        await refuse(turn, "transfer", query.data)
        return
    dialog.step, dialog.data["class"] = "date", name
    await save_dialog(turn, dialog)
    answer_and_show(turn, query, turn.t("schoolyear.chat.ask_date", name=dialog.data["name"]), None)


async def _on_date(turn: Turn, dialog: Dialog, text: str) -> None:
    try:
        day = parse_day(text)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    dialog.step, dialog.data["day"] = "reason", day.isoformat()
    await save_dialog(turn, dialog)
    turn.say("schoolyear.chat.ask_reason")


async def _on_reason(turn: Turn, dialog: Dialog, text: str) -> None:
    dialog.step, dialog.data["reason"] = "confirm", text[:500]
    await save_dialog(turn, dialog)
    change = Change(dialog.data["change"])
    summary = turn.t(
        "schoolyear.chat.summary",
        change=turn.t(f"schoolyear.change.{change.value}"),
        name=dialog.data["name"],
        code=dialog.data["code"],
        target=dialog.data.get("class") or "—",
        day=parse_day(dialog.data["day"]),
        reason=text or "—",
    )
    keyboard = column(
        [
            button(turn.t("schoolyear.chat.confirm"), PREFIX, "ok"),
            button(turn.t("schoolyear.chat.cancel"), PREFIX, "x"),
        ]
    )
    turn.send(summary, keyboard)


async def _write(turn: Turn, query, dialog: Dialog) -> None:
    data = dialog.data
    change, day = Change(data["change"]), parse_day(data["day"])
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    store = turn.uow.transfers
    await end_dialog(turn)
    try:
        if change is Change.TRANSFER_IN:
            new = NewStudent(data["name"], parse_day(data["born"]), None) if "born" in data else None
            done = await store.transfer_in(data["code"], data["class"], day, data["reason"], "", author, new)
        elif change is Change.MOVE:
            done = await store.move(data["code"], data["class"], day, data["reason"], author)
        else:
            done = await store.leave(change, data["code"], day, data["reason"], "", author)
    except DomainError as error:  # checked before anything is written: nothing to undo
        answer_and_show(turn, query, turn.t(error.key, **error.params), None)
        return
    key, params = done.message(change)
    answer_and_show(turn, query, turn.t(key, **params), None)
