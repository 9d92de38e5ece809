"""/phien (/sessions): the person's signed-in web browsers, each with a button to sign it out, and one
to sign out all. The ids in the buttons are checked again on the server: only the person's own."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, column
from bot.turn import Turn, current_turn
from locales import SCHOOL_TZ
from services import web_sessions

PREFIX = "ses"


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is None:
        await refuse(turn, "sessions")
        return
    text, keyboard = await _listing(turn)
    turn.send(text, keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``ses:end:<id>`` signs one browser out, ``ses:all`` every one."""
    turn = current_turn()
    data = update.callback_query.data
    _, verb, *rest = data.split(":") + [""]
    if turn.actor is None:
        await refuse(turn, "sessions", data)
        return
    if verb == "all":
        await web_sessions.end_all(turn.uow, turn.actor)
    elif not (rest[0].isdigit() and await web_sessions.end_session(turn.uow, turn.actor, int(rest[0]))):
        await refuse(turn, "sessions", data)
        return
    text, keyboard = await _listing(turn)
    answer_and_show(turn, update.callback_query, turn.t("web.sessions.ended") + "\n\n" + text, keyboard)


async def _listing(turn: Turn) -> tuple[str, InlineKeyboardMarkup | None]:
    assert turn.actor is not None
    sessions = await web_sessions.sessions_of(turn.uow, turn.actor)
    if not sessions:
        return turn.t("web.sessions.none"), None
    lines = [turn.t("web.sessions.title", count=len(sessions))]
    buttons = []
    for number, session in enumerate(sessions, start=1):
        lines.append(
            turn.t(
                "web.sessions.line",
                number=number,
                device=session.device,
                since=session.created_at.astimezone(SCHOOL_TZ).strftime("%d/%m/%Y"),
                seen=session.last_seen_at.astimezone(SCHOOL_TZ).strftime("%d/%m/%Y %H:%M"),
            )
        )
        buttons.append(button(turn.t("web.sessions.end", number=number), PREFIX, "end", session.id))
    buttons.append(button(turn.t("web.sessions.end_all"), PREFIX, "all"))
    return "\n".join(lines), column(buttons)
