"""What every handler shares: refusing politely (and recording it), answering a button press."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup

from bot.turn import Turn
from domain.permissions import Action, allowed

log = logging.getLogger("sodiem.refusals")
MESSAGE_LIMIT = 4096


async def refuse(turn: Turn, action: str, detail: str = "") -> None:
    """An unauthorised action: a polite answer, a log line and a row the leadership can read."""
    log.warning("refused %s to %s:%s (%s)", action, turn.channel, turn.account, detail)
    await turn.uow.identity.record_refusal(turn.channel, turn.account, action, detail, turn.now)
    turn.answer_press()
    turn.say("bot.refused" if turn.actor else "bot.unknown_person")


async def refuse_decision(turn: Turn, action: str, data: str, item_id: int) -> None:
    """A decision the person may not take: a leader's on their own notice or report cards (another
    leader decides), or anyone's who may not decide at all. Either is logged and recorded."""
    leader = allowed(turn.actor, Action.APPROVE)
    if not leader or turn.actor.person.id != await _author_of(turn, item_id):
        await refuse(turn, action, data)
        return
    log.warning("refused %s of their own item %s to %s:%s", action, item_id, turn.channel, turn.account)
    await turn.uow.identity.record_refusal(turn.channel, turn.account, action, f"own:{item_id}", turn.now)
    turn.answer_press()
    turn.say("notices.own_notice")


async def _author_of(turn: Turn, notice_id: int) -> int | None:
    notice = await turn.uow.notices.get(notice_id)
    return notice.author_id if notice else None


def answer_and_show(
    turn: Turn, query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Answers the press first, then shows ``text`` in place of the pressed message."""
    turn.answer_press()
    shown = split_for_telegram(text)[0]
    turn.later(lambda _bot: query.edit_message_text(shown, reply_markup=keyboard))


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji is two."""
    return len(text.encode("utf-16-le")) // 2


def split_for_telegram(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Long texts in pieces at line ends, each within Telegram's limit."""
    pieces, current = [], ""
    for line in text.splitlines(keepends=True):
        while telegram_length(line) > limit:
            cut = limit // 2  # a safe cut: no character is more than two UTF-16 units
            pieces.append(line[:cut])
            line = line[cut:]
        if telegram_length(current) + telegram_length(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    return [piece for piece in [*pieces, current] if piece]
