"""/bantin: the leadership sees when the weekly news goes out and approves or rejects its template (a
changed template waits for approval again). The "Đã xem" button under notices and report cards, and
the author's and the leadership's view of who has read them, with one reminder.

Every press is re-authorised here against the database: the template's decision by may_approve, a
"read" by the notice having been sent to that account, the report and the reminder by may_see_report."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, column, is_number
from bot.turn import Turn, current_turn
from domain.errors import DomainError, PermissionDenied
from domain.notices import may_decide
from domain.weekly import Template
from locales import Translator
from notifications.telegram import RECEIPT_PREFIX
from services import read_receipts, weekly_news

FLOW = "weekly"
COMMAND = commands.WEEKLY
PREFIX = RECEIPT_PREFIX  # wk:ok|no:<template>, wk:r|s|m:<notice>


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not may_decide(turn.actor):
        await refuse(turn, "weekly")
        return
    lines = [await weekly_news.schedule_text(turn.uow, turn.t)]
    approved = await weekly_news.approved_template(turn.uow)
    if approved is None:
        lines.append(turn.t("weekly.no_template"))
    else:
        lines.append(_template_text(turn.t, "weekly.template.current", approved))
    turn.send("\n\n".join(lines))
    waiting = await weekly_news.waiting_template(turn.uow)
    if waiting is not None:
        buttons = [
            button(turn.t("weekly.template.approve"), PREFIX, "ok", waiting.id),
            button(turn.t("weekly.template.reject"), PREFIX, "no", waiting.id),
        ]
        turn.send(_template_text(turn.t, "weekly.template.waiting", waiting), column(buttons))


def _template_text(t: Translator, key: str, template: Template) -> str:
    return t(key, number=template.id, text=template.text, parts=weekly_news.parts_text(t, template.parts))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    data = update.callback_query.data
    parts = data.split(":")[1:]
    if len(parts) != 2 or not is_number(parts[1]) or parts[0] not in ACTIONS:
        await refuse(turn, "weekly", data)
        return
    try:
        await ACTIONS[parts[0]](update, context, turn, int(parts[1]))
    except PermissionDenied:
        await refuse(turn, f"weekly-{parts[0]}", data)
    except DomainError as error:
        turn.answer_press()
        turn.say(error.key, **error.params)


async def _decide(update: Update, turn: Turn, template_id: int, approve: bool) -> None:
    outcome = await weekly_news.decide_template(turn.uow, turn.actor, template_id, approve, turn.now)
    template = await weekly_news.store(turn.uow).template(template_id)
    answer_and_show(turn, update.callback_query, _template_text(turn.t, outcome, template), None)


async def _approve(update, context, turn: Turn, template_id: int) -> None:
    await _decide(update, turn, template_id, True)


async def _reject(update, context, turn: Turn, template_id: int) -> None:
    await _decide(update, turn, template_id, False)


async def _read(update, context, turn: Turn, notice_id: int) -> None:
    key = await read_receipts.mark_read(turn.uow, turn.channel, turn.account, notice_id, turn.now)
    turn.answer_press()
    turn.say(key)


async def _report(update, context, turn: Turn, notice_id: int) -> None:
    found = await read_receipts.reading(turn.uow, turn.actor, notice_id)
    turn.answer_press()
    t = turn.t
    lines = [t("weekly.read.title", number=notice_id, read=found.read_count, total=found.total)]
    for group in found.classes:
        lines.append(
            t(
                "weekly.read.class",
                name=group.class_name,
                read=len(group.read),
                total=len(group.read) + len(group.unread),
            )
        )
        lines += [t("weekly.read.line.read", child=r.child, guardian=r.guardian) for r in group.read]
        lines += [t("weekly.read.line.unread", child=r.child, guardian=r.guardian) for r in group.unread]
    if found.reminded_at is not None:
        lines.append(t("weekly.read.reminded_at", at=found.reminded_at))
    unread = found.total - found.read_count
    buttons = [button(t("weekly.read.refresh"), PREFIX, "s", notice_id)]
    if unread and found.reminded_at is None:
        buttons.insert(0, button(t("weekly.read.remind", count=unread), PREFIX, "m", notice_id))
    pieces = split_for_telegram("\n".join(lines))
    for number, piece in enumerate(pieces, start=1):
        turn.send(piece, column(buttons) if number == len(pieces) else None)


async def _remind(update, context, turn: Turn, notice_id: int) -> None:
    count = await read_receipts.remind(turn.uow, turn.actor, notice_id, turn.now)
    turn.answer_press()
    if count is None:
        reading = await read_receipts.reading(turn.uow, turn.actor, notice_id)
        turn.say("weekly.read.already_reminded", at=reading.reminded_at)
        return
    turn.say("weekly.read.reminded", count=count)


ACTIONS = {"ok": _approve, "no": _reject, "r": _read, "s": _report, "m": _remind}


async def on_text(update: Update, dialog: Dialog) -> None:  # no typed step: the buttons decide
    current_turn().say("weekly.use_buttons")


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("weekly.use_buttons")
