"""/tiendo: entry progress for the leadership and department heads, and the vice-principal's summary.

Per class, subject and teacher: how many of the values due by now are entered (domain/progress.py),
the furthest behind first, in pages that fit a Telegram message. A department head sees the subjects
of their department. Every press recomputes from the database: the buttons carry only a page number."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog
from bot.conversations.shared import show
from bot.handlers.common import MESSAGE_LIMIT, refuse, telegram_length
from bot.keyboards import button, is_number
from bot.turn import current_turn
from domain.permissions import Action, allowed
from locales import Translator
from services.progress import entry_progress, follows_anything, header_text, phase, row_text

FLOW = "progress"
COMMAND = commands.PROGRESS
PREFIX = "td"
ROWS_PER_PAGE = 20


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _show_page(update, 0)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parts = update.callback_query.data.split(":")[1:]
    if parts == ["start"]:
        await _show_page(update, 0)
    elif len(parts) == 2 and parts[0] == "pg" and is_number(parts[1]):
        await _show_page(update, int(parts[1]))
    else:
        await refuse(current_turn(), "progress", update.callback_query.data)


async def _show_page(update: Update, page: int) -> None:
    turn = current_turn()
    if not allowed(turn.actor, Action.VIEW_PROGRESS):
        await refuse(turn, "progress")
        return
    semester, rows = await entry_progress(turn.uow, turn.now, turn.actor)
    t = turn.t
    if not rows:
        followed = await follows_anything(turn.uow, turn.actor)
        text = (
            t("progress.nothing_due", **phase(semester, turn.now)) if followed else t("progress.no_subjects")
        )
        show(update, turn, text, _back(t))
        return
    header = "\n".join([header_text(t, semester, turn.now, rows), "", t("progress.order")])
    pages = paginate(header, [row_text(t, n, row) for n, row in enumerate(rows, start=1)])
    page = min(page, len(pages) - 1)
    show(update, turn, pages[page], _keyboard(t, page, len(pages)))


def paginate(header: str, lines: list[str], per_page: int = ROWS_PER_PAGE) -> list[str]:
    """The header and at most ``per_page`` lines a page, each page within Telegram's message limit."""
    pages: list[str] = []
    current: list[str] = []
    for line in lines:
        candidate = "\n".join([header, *current, line]).strip("\n")
        if current and (len(current) == per_page or telegram_length(candidate) > MESSAGE_LIMIT):
            pages.append("\n".join([header, *current]).strip("\n"))
            current = []
        current.append(line[: MESSAGE_LIMIT // 4])
    pages.append("\n".join([header, *current]).strip("\n"))
    return pages


def _keyboard(t: Translator, page: int, pages: int) -> InlineKeyboardMarkup:
    rows = []
    if pages > 1:
        arrows = []
        if page > 0:
            arrows.append(button(t("bot.page.previous"), PREFIX, "pg", page - 1))
        arrows.append(button(t("bot.page.of", page=page + 1, pages=pages), PREFIX, "pg", page))
        if page < pages - 1:
            arrows.append(button(t("bot.page.next"), PREFIX, "pg", page + 1))
        rows.append(arrows)
    rows.append([button(t("bot.back"), "menu")])
    return InlineKeyboardMarkup(rows)


def _back(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(t("bot.back"), "menu")]])


async def on_text(update: Update, dialog: Dialog) -> None:  # /tiendo keeps no conversation state
    current_turn().say("bot.use_menu")


on_other = on_text
