"""sodiem works in private chats only. Anyone can add a bot to a group, where everything it says is
read by everyone: there it reads no code, shows no menu and names no child. It answers the first
message or press of each group (once ever: the answer is recorded in the database) with "write to
me privately" and a button that opens the private chat; every press there is answered without data,
and nothing else is done."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.turn import current_turn
from locales import translator

log = logging.getLogger("sodiem.bot")
GROUP_ANSWERED = "group_pointer"


async def outside_private_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before everything else; lets only updates of private chats (or of no chat) through."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    turn = current_turn()
    turn.query = update.callback_query
    turn.answer_press()
    if (update.effective_message or update.callback_query) and await turn.uow.jobs.first_ever(
        GROUP_ANSWERED, str(chat.id), turn.now
    ):
        log.info("update from %s chat %s: pointed to the private chat", chat.type, chat.id)
        t = translator(context.bot_data.get("locale", "vi"))
        button = InlineKeyboardButton(t("group.open_private"), url=f"https://t.me/{context.bot.username}")
        turn.send(t("group.write_privately"), InlineKeyboardMarkup([[button]]))
    raise ApplicationHandlerStop
