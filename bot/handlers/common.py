"""What every handler shares: refusing politely (and recording it), answering a button press."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup

from bot.turn import CHANNEL, Turn

log = logging.getLogger("sodiem.refusals")
MESSAGE_LIMIT = 4096


async def refuse(turn: Turn, action: str, detail: str = "") -> None:
    """An unauthorised action: a polite answer, a log line and a row the leadership can read."""
    log.warning("refused %s to telegram:%s (%s)", action, turn.account, detail)
    await turn.uow.identity.record_refusal(CHANNEL, turn.account, action, detail, turn.now)
    turn.say("bot.refused" if turn.actor else "bot.unknown_person")


def answer_and_show(
    turn: Turn, query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Answers the press first, then shows ``text`` in place of the pressed message."""
    turn.later(lambda _bot: query.answer())
    turn.later(lambda _bot: query.edit_message_text(text[:MESSAGE_LIMIT], reply_markup=keyboard))


def split_for_telegram(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Long texts in pieces at line ends, each within Telegram's limit."""
    pieces, current = [], ""
    for line in text.splitlines(keepends=True):
        while len(line) > limit:
            pieces.append(line[:limit])
            line = line[limit:]
        if len(current) + len(line) > limit:
            pieces.append(current)
            current = ""
        current += line
    return [piece for piece in [*pieces, current] if piece]
