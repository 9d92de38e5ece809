"""The menu and what it opens: class lists, a parent's children, accounts, language, help.

Every press is re-authorised here with ids from the database: callback data says only which
screen was asked for, never what the person may see."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import views
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, column, is_number, paged
from bot.turn import Turn, current_turn
from domain.identity import BOTH, CHANNEL_CHOICES, channel_choices
from domain.permissions import Action, Target, allowed
from locales import LANGUAGES, translator
from storage.changes import Author


def _linked(turn: Turn) -> bool:
    return turn.actor is not None


async def show_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not _linked(turn):
        await refuse(turn, "menu")
        return
    text, keyboard = await views.menu(turn)
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, keyboard)
    else:
        turn.send(text, keyboard)


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    text = views.help_text(turn) if _linked(turn) else turn.t("bot.unknown_person")
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, views.back_to_menu(turn))
    else:
        turn.send(text)


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not _linked(turn):
        await refuse(turn, "language")
        return
    keyboard = column(
        [button(translator(code)("language.name"), "lang", code) for code in LANGUAGES]
        + [button(turn.t("bot.back"), "menu")]
    )
    if update.callback_query:
        answer_and_show(turn, update.callback_query, turn.t("bot.language.choose"), keyboard)
    else:
        turn.send(turn.t("bot.language.choose"), keyboard)


async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    code = update.callback_query.data.split(":")[1]
    if not _linked(turn) or code not in LANGUAGES:
        await refuse(turn, "language", update.callback_query.data)
        return
    await turn.uow.identity.set_language(turn.channel, turn.account, code)
    turn.t = translator(code)
    text, keyboard = await views.menu(turn)
    answer_and_show(turn, update.callback_query, turn.t("bot.language.set") + "\n\n" + text, keyboard)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    await turn.uow.identity.end_dialog(turn.channel, turn.account)
    turn.say("bot.cancelled" if _linked(turn) else "bot.unknown_person")


async def my_classes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/lop: the classes this person may open, as buttons."""
    turn = current_turn()
    actor = turn.actor
    if actor is None or not actor.is_staff:
        await refuse(turn, "classes")
        return
    await _class_buttons(update, turn, "all" if actor.sees_every_class else "mine", 0)


async def class_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    verb, _, page = update.callback_query.data.partition(":")
    if turn.actor is None or not turn.actor.is_staff or not is_number(page):
        await refuse(turn, "classes", update.callback_query.data)
        return
    await _class_buttons(update, turn, verb, int(page))


async def _class_buttons(update: Update, turn: Turn, scope: str, page: int) -> None:
    actor = turn.actor
    views_ = turn.uow.views
    if scope == "all" and not actor.sees_every_class:
        await refuse(turn, "classes", "all")
        return
    if scope == "mine":
        subjects = await views_.subject_names()
        names = {cid: name for cid, name, _ in await views_.classes(actor.taught_classes)}
        items = sorted(
            (f"{names[c]} · {subjects[s]}", f"cls:{c}:mine") for c, s in actor.teaching if c in names
        )
    else:
        items = [(name, f"cls:{cid}:all") for cid, name, _ in await views_.classes()]
    keyboard = paged(turn.t, items, page, scope)
    text = turn.t("bot.classes.choose") if items else turn.t("bot.classes.none")
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, keyboard)
    else:
        turn.send(text, keyboard)


async def class_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A class's list, for those allowed to see the class."""
    turn = current_turn()
    parts = update.callback_query.data.split(":")
    class_id = int(parts[1]) if len(parts) == 3 and is_number(parts[1]) else None
    back = parts[2] if len(parts) == 3 and parts[2] in ("menu", "mine", "all") else None
    if (
        class_id is None
        or back is None
        or not allowed(turn.actor, Action.VIEW_CLASS, Target(class_id=class_id))
    ):
        await refuse(turn, "view-class", update.callback_query.data)
        return
    name = await turn.uow.views.class_name(class_id)
    if name is None:
        await refuse(turn, "view-class", update.callback_query.data)
        return
    year = await turn.uow.school.year_row()
    students = await turn.uow.roster.class_list(name, year.name)
    teacher = await turn.uow.views.homeroom_teacher(class_id)
    lines = [
        turn.t("bot.class.title", name=name, year=year.name, count=len(students), teacher=teacher or "-")
    ]
    lines += [f"{number}. {student.full_name}" for number, student in enumerate(students, start=1)]
    pieces = split_for_telegram("\n".join(lines))
    keyboard = column(
        [button(turn.t("bot.back"), back, 0) if back != "menu" else button(turn.t("bot.back"), "menu")]
    )
    answer_and_show(turn, update.callback_query, pieces[0], keyboard if len(pieces) == 1 else None)
    for number, piece in enumerate(pieces[1:], start=2):
        turn.send(piece, keyboard if number == len(pieces) else None)


async def children(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    actor = turn.actor
    if actor is None or not actor.children:
        await refuse(turn, "children")
        return
    rows = await turn.uow.views.children(actor.children)
    lines = [turn.t("bot.children.title")]
    lines += [
        turn.t("bot.children.line", name=name, class_name=class_name or "-") for name, class_name in rows
    ]
    text = "\n".join(lines)
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, views.back_to_menu(turn))
    else:
        turn.send(text)


async def choose_channel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/kenh: a parent linked on Telegram and on Zalo chooses where notices and report cards arrive."""
    turn = current_turn()
    actor = turn.actor
    if actor is None or actor.guardian is None:
        await refuse(turn, "channel")
        return
    current, linked = await turn.uow.identity.guardian_channels(actor.guardian)
    if len(linked) < 2:
        turn.say("zalo.channel.only_one", channel=turn.t(f"zalo.channel.{turn.channel}"))
        return
    every = "both" if len(linked) == 2 else "all"
    keyboard = column(
        [
            button(turn.t(f"zalo.channel.button.{every if choice == BOTH else choice}"), "chan", choice)
            for choice in channel_choices(linked)
        ]
    )
    where = views.where_text(turn.t, current, linked)
    turn.send(turn.t("zalo.channel.choose_button", current=where), keyboard)


async def set_channel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    choice = update.callback_query.data.partition(":")[2]
    actor = turn.actor
    if actor is None or actor.guardian is None or choice not in CHANNEL_CHOICES:
        await refuse(turn, "channel", update.callback_query.data)
        return
    author = Author(None, turn.channel, turn.account, turn.now)
    await turn.uow.identity.choose_channels(actor.guardian, choice, author)
    _, linked = await turn.uow.identity.guardian_channels(actor.guardian)
    text = turn.t("zalo.channel.chosen", where=views.where_text(turn.t, choice, linked))
    answer_and_show(turn, update.callback_query, text, None)


async def accounts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not allowed(turn.actor, Action.MANAGE_PEOPLE):
        await refuse(turn, "accounts")
        return
    counts = await turn.uow.views.account_counts()
    answer_and_show(
        turn, update.callback_query, turn.t("bot.accounts.summary", **counts), views.back_to_menu(turn)
    )


async def unknown_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press this bot never offered: a forged or stale button."""
    turn = current_turn()
    turn.answer_press()
    await refuse(turn, "unknown-button", update.callback_query.data or "")
