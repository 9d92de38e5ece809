"""When a handler fails: log with context, roll back, tell the person in plain words. Never a stack
trace or the token in the chat."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.turn import CURRENT_TURN

log = logging.getLogger("sodiem.bot")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = CURRENT_TURN.get(None)
    if turn is not None and turn.uow.stale:  # not an error: the update is handled again (bot/processor.py)
        turn.fail()
        return
    who = update.effective_user.id if isinstance(update, Update) and update.effective_user else "-"
    update_id = update.update_id if isinstance(update, Update) else "-"
    log.error("update %s from %s failed", update_id, who, exc_info=context.error)
    if turn is not None:
        turn.fail()
