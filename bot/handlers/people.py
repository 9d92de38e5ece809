"""Who is writing: the actor of every update, /start with an invite code, and everyone unknown."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Update
from telegram.ext import ContextTypes

from bot import views
from bot.conversations import FLOW_BY_NAME
from bot.conversations.base import current_dialog
from bot.handlers.common import refuse
from bot.keyboards import button, column
from bot.turn import Turn, current_turn
from domain.errors import DomainError
from domain.identity import ConfirmLink, looks_like_code, redeem_confirmed, redeem_invite
from locales import LANGUAGES, translator
from storage.uow import UnitOfWork

CONFIRM_FLOW = "link-confirm"  # a code for another staff member or guardian, waiting for yes or no
CONFIRM_PREFIX = "ln"


async def load_person(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first for every update: who this is (read anew, so a revoked account is unknown at once)."""
    turn = current_turn()
    turn.query = update.callback_query
    if not turn.account:
        return
    turn.actor = await turn.uow.identity.actor(turn.channel, turn.account)
    if turn.actor:
        turn.t = translator(turn.actor.language)
    else:
        spoken = (update.effective_user.language_code or "")[:2] if update.effective_user else ""
        turn.t = translator(spoken if spoken in LANGUAGES else context.bot_data.get("locale", "vi"))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    typed = " ".join(context.args or [])
    if looks_like_code(typed):
        await link(typed)
    elif turn.actor:
        text, keyboard = await views.menu(turn)
        turn.say("bot.start.again", name=turn.actor.name)
        turn.send(text, keyboard)
    else:
        turn.say("bot.unknown_person")


async def link(typed: str) -> None:
    turn = current_turn()
    try:
        await redeem_invite(turn.uow.identity, turn.channel, turn.account, typed, turn.now)
    except ConfirmLink as question:
        await _ask_to_confirm(turn, question)
        return
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    await _linked(turn)


async def _ask_to_confirm(turn: Turn, question: ConfirmLink) -> None:
    """A code for another staff member than the one linked, or for another guardian record's children:
    the buttons say whom, nothing is changed yet."""
    data = {"invite_id": question.invite_id}
    await turn.uow.identity.save_dialog(turn.channel, turn.account, CONFIRM_FLOW, "confirm", data, turn.now)
    if question.student_ids:
        names = await children_names(turn.uow, turn.actor.children, question.student_ids)
        key, yes_key = "link.confirm.children", "link.confirm.children.yes"
    else:
        names = {
            "current": turn.actor.name,
            "other": await turn.uow.notices.staff_name(question.params["staff_id"]),
        }
        key, yes_key = "link.confirm", "link.confirm.yes"
    yes = button(turn.t(yes_key, other=names["other"]), CONFIRM_PREFIX, "yes", question.invite_id)
    turn.say(key, column([yes, button(turn.t("link.confirm.no"), CONFIRM_PREFIX, "no")]), **names)


async def children_names(uow: UnitOfWork, current: Iterable[int], other: Iterable[int]) -> dict[str, str]:
    """The names of the children an account follows (``current``) and of those a code would add."""

    async def names(ids: Iterable[int]) -> str:
        return ", ".join(name for _, name, _ in await uow.notices.children(frozenset(ids)))

    return {"current": await names(current), "other": await names(other)}


async def confirm_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Yes (with the invite the question was about) or no; anything else, or no question asked, is refused."""
    turn = current_turn()
    _, verb, *rest = update.callback_query.data.split(":") + [""]
    invite_id = rest[0] if rest else ""
    dialog = await turn.uow.identity.dialog(turn.channel, turn.account)
    asked = dialog.data.get("invite_id") if dialog and dialog.flow == CONFIRM_FLOW else None
    if turn.actor is None or asked is None or (verb == "yes" and invite_id != str(asked)):
        await refuse(turn, "link-confirm", update.callback_query.data)
        return
    turn.answer_press()
    await turn.uow.identity.end_dialog(turn.channel, turn.account)
    if verb != "yes":
        turn.say("link.confirm.kept")
        return
    try:
        await redeem_confirmed(turn.uow.identity, turn.channel, turn.account, asked, turn.now)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    await _linked(turn)


async def _linked(turn: Turn) -> None:
    await turn.uow.identity.set_language(turn.channel, turn.account, turn.t.language)
    await turn.uow.identity.end_dialog(turn.channel, turn.account)
    turn.actor = await turn.uow.identity.actor(turn.channel, turn.account)
    assert turn.actor is not None
    turn.say(
        "bot.linked",
        name=turn.actor.name or turn.t("bot.who.parent"),
        who=await views.describe(turn, turn.actor),
    )
    text, keyboard = await views.menu(turn)
    turn.send(text, keyboard)


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text: an invite code from someone unknown (only text shaped like a code is taken for one:
    "xin chào" gets how to link and is not a wrong code), else a hint to use the menu."""
    turn = current_turn()
    if turn.actor is None:
        text = update.effective_message.text or ""
        if looks_like_code(text):
            await link(text)
        else:
            turn.say("bot.unknown_person")
        return
    dialog = await current_dialog(turn)
    flow = FLOW_BY_NAME.get(dialog.flow) if dialog else None
    if flow is not None:
        await flow.on_text(update, dialog)
    elif looks_like_code(update.effective_message.text or ""):  # a linked teacher with a parent's code
        await link(update.effective_message.text)
    else:
        turn.say("bot.use_menu")


async def other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, a sticker, a file: for the conversation in progress, else nothing asked for one."""
    turn = current_turn()
    dialog = await current_dialog(turn) if turn.actor else None
    flow = FLOW_BY_NAME.get(dialog.flow) if dialog else None
    if flow is None:
        turn.say("bot.use_menu" if turn.actor else "bot.unknown_person")
    else:
        await flow.on_other(update, dialog)
