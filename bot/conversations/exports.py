"""/xuat: the legal files of a class in the chat — the printed gradebook (PDF), the semester's DBF, the
report cards (PDF). The administrator and the leadership export any class, a homeroom teacher their
own. Everything the buttons carry (class, kind, period) is checked again on each press; the file arrives
as a document and the export is recorded like one from the command line.

The choices live in the buttons (class → kind → period), so the flow keeps no dialog."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, column, is_number, paged
from bot.turn import Turn, current_turn
from domain.permissions import Action, Target, allowed
from domain.report_card import Period
from exports.service import PERIODS, export_class, record
from storage.changes import Author

FLOW = "exports"
COMMAND = commands.EXPORT
PREFIX = "xu"
KINDS = {"g": "gradebook", "d": "dbf", "r": "reportcards"}


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


def may_export(turn: Turn, class_id: int | None = None) -> bool:
    """``class_id`` None: may the person export any class at all."""
    actor = turn.actor
    if class_id is None:
        return actor is not None and (allowed(actor, Action.EXPORT) or bool(actor.homeroom_classes))
    return allowed(actor, Action.EXPORT, Target(class_id))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not may_export(turn):
        await refuse(turn, "export")
        return
    await _classes(turn, update, 0)


async def _classes(turn: Turn, update: Update, page: int) -> None:
    items = [
        (name, f"{PREFIX}:c:{cid}")
        for cid, name, _ in await turn.uow.views.classes()
        if may_export(turn, cid)
    ]
    if not items:
        turn.say("bot.classes.none")
        return
    keyboard = paged(turn.t, items, page, f"{PREFIX}:pg")
    if update.callback_query:
        answer_and_show(turn, update.callback_query, turn.t("exports.chat.choose_class"), keyboard)
    else:
        turn.say("exports.chat.choose_class", keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    query = update.callback_query
    parts = query.data.split(":")[1:]
    if parts == ["start"]:
        if not may_export(turn):
            await refuse(turn, "export", query.data)
            return
        await _classes(turn, update, 0)
        return
    if len(parts) < 2 or not is_number(parts[1]) or turn.actor is None:
        await refuse(turn, "export", query.data)
        return
    number = int(parts[1])
    if parts[0] == "pg" and len(parts) == 2 and may_export(turn):
        await _classes(turn, update, number)
        return
    if not may_export(turn, number) or await turn.uow.views.class_name(number) is None:
        await refuse(turn, "export", query.data)
        return
    if parts[0] == "c" and len(parts) == 2:
        await _kinds(turn, query, number)
    elif parts[0] == "k" and len(parts) == 3 and parts[2] in KINDS:
        await _periods(turn, query, number, parts[2])
    elif parts[0] == "p" and len(parts) == 4 and parts[2] in KINDS and parts[3] in Period._value2member_map_:
        await _send(turn, number, KINDS[parts[2]], Period(parts[3]))
    else:
        await refuse(turn, "export", query.data)


async def _kinds(turn: Turn, query, class_id: int) -> None:
    name = await turn.uow.views.class_name(class_id)
    buttons = [
        button(turn.t(f"exports.chat.kind.{kind}"), PREFIX, "k", class_id, code)
        for code, kind in KINDS.items()
    ]
    buttons.append(button(turn.t("bot.back"), PREFIX, "start"))
    answer_and_show(turn, query, turn.t("exports.chat.choose_kind", name=name), column(buttons))


async def _periods(turn: Turn, query, class_id: int, code: str) -> None:
    buttons = [
        button(turn.t(f"exports.period.{period.value}"), PREFIX, "p", class_id, code, period.value)
        for period in PERIODS[KINDS[code]]
    ]
    buttons.append(button(turn.t("bot.back"), PREFIX, "c", class_id))
    answer_and_show(turn, query, turn.t("exports.chat.choose_period"), column(buttons))


async def _send(turn: Turn, class_id: int, kind: str, period: Period) -> None:
    if period not in PERIODS[kind]:
        await refuse(turn, "export", f"{class_id}:{kind}:{period}")
        return
    name = await turn.uow.views.class_name(class_id)
    await turn.answer_press_now()  # the paper is drawn next
    exported = await export_class(turn.uow, kind, name, period, turn.t)
    staff_id = turn.actor.person.id
    record(turn.uow, Author(staff_id, turn.channel, turn.account, turn.now), exported)
    turn.answer_press()
    caption = turn.t(
        "exports.chat.caption",
        kind=turn.t(f"exports.chat.kind.{kind}"),
        name=name,
        period=turn.t(f"exports.period.{period.value}"),
        fingerprint=exported.fingerprint,
    )
    chat = turn.chat_id
    turn.later(
        lambda bot: bot.send_document(
            chat, InputFile(exported.data, filename=exported.file_name), caption=caption
        )
    )
