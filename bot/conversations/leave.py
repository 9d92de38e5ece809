"""/xinnghi (/leave): a parent asks for days off for their child; the homeroom teacher decides.

Parent: the child (skipped when there is one) → the days, typed ("15/10", "15/10-17/10", "15/10
sáng") → the reason → sent. The homeroom teacher gets the request with Accept and Decline; the
decision is a standalone press with its state in the database (services/leave.py decides once), and
the parent is told through the outbox. A homeroom teacher's /xinnghi lists what waits. Every press is
re-authorised by the service: a child or a class that is not the person's is refused."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations import approvals
from bot.conversations.base import Dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, column, is_number
from bot.turn import Turn, current_turn
from domain.errors import DomainError, PermissionDenied
from locales import translator
from services import leave as service
from storage.changes import Author

FLOW = "leave"
COMMAND = commands.LEAVE
PREFIX = "xn"  # xin nghỉ ("ln" is the linking question's)
REFUSED = "leave"
SHOWN_WAITING = 10


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


def _author(turn: Turn) -> Author:
    staff_id = turn.actor.person.id if turn.actor and turn.actor.is_staff else None
    return Author(staff_id, turn.channel, turn.account, turn.now)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _begin(update, current_turn())


async def _begin(update: Update, turn: Turn) -> None:
    children = await service.children(turn.uow, turn.actor)
    if not children:
        if turn.actor is not None and turn.actor.homeroom_classes:
            await _show_waiting(update, turn)
            return
        turn.answer_press()
        turn.say("leave.no_child")  # the linking help; never anyone else's child
        return
    if len(children) == 1:
        await _ask_days(update, turn, children[0].id)
        return
    await save_dialog(turn, Dialog(FLOW, "child"))
    rows = [button(child.name, PREFIX, "k", child.id) for child in children]
    show(
        update,
        turn,
        turn.t("leave.choose_child"),
        column([*rows, button(turn.t("leave.cancel"), PREFIX, "x")]),
    )


async def _ask_days(update: Update, turn: Turn, student_id: int) -> None:
    await save_dialog(turn, Dialog(FLOW, "days", {"student_id": student_id}))
    two = await turn.uow.attendance.sessions_per_day() == 2
    names = await turn.uow.leave.student_names([student_id])
    text = turn.t("leave.ask_days_sessions" if two else "leave.ask_days", name=names[student_id])
    show(update, turn, text, column([button(turn.t("leave.cancel"), PREFIX, "x")]))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    data = update.callback_query.data
    verb, *parts = data.split(":")[1:] or [""]
    if verb == "start" and not parts:
        await _begin(update, turn)
    elif verb == "list" and not parts:  # the homeroom teacher's menu button (a teacher may be a parent)
        await _show_waiting(update, turn)
    elif verb == "x" and not parts:
        await end_dialog(turn)
        answer_and_show(turn, update.callback_query, turn.t("leave.cancelled"), None)
    elif verb == "k" and len(parts) == 1 and is_number(parts[0]):
        await _child_chosen(update, turn, int(parts[0]))
    elif verb in ("y", "n") and len(parts) == 1 and is_number(parts[0]):
        await _decide(update, turn, int(parts[0]), accept=verb == "y")
    else:
        await refuse(turn, REFUSED, data)


async def _child_chosen(update: Update, turn: Turn, student_id: int) -> None:
    if not any(child.id == student_id for child in await service.children(turn.uow, turn.actor)):
        await refuse(turn, REFUSED, update.callback_query.data)  # a forged or stale child
        return
    turn.answer_press()
    await _ask_days(update, turn, student_id)


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    text = update.effective_message.text or ""
    student_id = dialog.data.get("student_id")
    if student_id is None or dialog.step not in ("days", "reason"):
        turn.say("leave.use_buttons")
        return
    try:
        if dialog.step == "days":
            await service.check_days(turn.uow, turn.actor, student_id, text, turn.now)
            await save_dialog(turn, Dialog(FLOW, "reason", {"student_id": student_id, "days": text}))
            turn.say("leave.ask_reason", limit=service.rules.MAX_REASON)
            return
        asked = await service.ask(
            turn.uow, turn.actor, student_id, dialog.data["days"], text, turn.now, _author(turn)
        )
    except PermissionDenied as error:
        await end_dialog(turn)
        await refuse(turn, REFUSED, error.key)
        return
    except DomainError as error:
        if dialog.step == "reason" and not error.key.endswith("_reason"):  # the days went stale
            await save_dialog(turn, Dialog(FLOW, "days", {"student_id": student_id}))
        turn.say(error.key, **error.params)
        return
    await end_dialog(turn)
    await _send_to_teachers(turn, asked)
    teachers = ", ".join(dict.fromkeys(teacher.name for teacher in asked.teachers))
    key = "leave.sent_late" if asked.request.late else "leave.sent"
    turn.say(key if teachers else "leave.sent_nobody", id=asked.request.id, teachers=teachers)


async def _send_to_teachers(turn: Turn, asked: service.Asked) -> None:
    """The card with its buttons on Telegram; a teacher linked elsewhere gets it through the outbox."""
    elsewhere = [teacher for teacher in asked.teachers if teacher.channel != turn.channel]
    for teacher in asked.teachers:
        if teacher.channel == turn.channel:
            t = translator(teacher.language)
            text = service.request_text(t, asked.request, asked.child, asked.class_name)
            turn.send(text, _decision_keyboard(t, asked.request.id), chat_id=int(teacher.account))
    if elsewhere:
        only = service.Asked(asked.request, asked.child, asked.class_name, elsewhere)
        await service.tell_teachers(turn.uow, only, turn.now, f"/{COMMAND.vi}")


def _decision_keyboard(t, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("leave.accept"), PREFIX, "y", request_id),
                button(t("leave.decline"), PREFIX, "n", request_id),
            ]
        ]
    )


async def _decide(update: Update, turn: Turn, request_id: int, accept: bool) -> None:
    try:
        decided = await service.decide(turn.uow, turn.actor, request_id, accept, _author(turn))
    except DomainError as error:
        await refuse(turn, REFUSED, f"{update.callback_query.data} {error.key}")
        return
    text = await service.describe(turn.uow, turn.t, decided.request)
    if not decided.settled_now:
        answer_and_show(
            turn, update.callback_query, f"{text}\n{turn.t(f'leave.already.{decided.request.status}')}", None
        )
        return
    lines = [text, turn.t(f"leave.decided.{decided.request.status}")]
    if decided.corrections:
        reached = ""
        for correction in decided.corrections:
            reached = await approvals.send_to_leaders(turn, correction) or reached
        ids = ", ".join(f"#{c.id}" for c in decided.corrections)
        lines.append(turn.t("leave.decided.corrections", ids=ids, leaders=reached or "-"))
    answer_and_show(turn, update.callback_query, "\n".join(lines), None)


async def _show_waiting(update: Update, turn: Turn) -> None:
    waiting = await service.pending(turn.uow, turn.actor)
    turn.answer_press()
    if not waiting:
        turn.say("leave.teacher.none")
        return
    turn.say("leave.teacher.waiting", count=len(waiting))
    for request in waiting[:SHOWN_WAITING]:
        turn.send(await service.describe(turn.uow, turn.t, request), _decision_keyboard(turn.t, request.id))


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("leave.use_buttons")
