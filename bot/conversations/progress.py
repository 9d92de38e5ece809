"""/tiendo: entry progress for the leadership and department heads, and the vice-principal's summary.

Per class, subject and teacher: how many of the values due by now are entered (domain/progress.py),
the furthest behind first, in pages that fit a Telegram message. A department head sees the subjects
of their department. Every press recomputes from the database: the buttons carry only a page number."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog
from bot.conversations.shared import show
from bot.handlers.common import MESSAGE_LIMIT, refuse, telegram_length
from bot.keyboards import button, is_number
from bot.turn import current_turn
from domain.columns import current_semester
from domain.distribution import percent
from domain.evaluation import rules_for
from domain.permissions import Action, Actor, Target, allowed
from domain.progress import ProgressRow, progress, summarise
from domain.school import Semester
from locales import SCHOOL_TZ, Translator
from storage.uow import UnitOfWork

FLOW = "progress"
COMMAND = commands.PROGRESS
PREFIX = "td"
ROWS_PER_PAGE = 20
SUMMARY_ROWS = 5


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
        followed = any(
            allowed(turn.actor, Action.VIEW_PROGRESS, Target(item.class_id, item.subject_id))
            for item in await turn.uow.progress.taught((await turn.uow.school.year_row()).id)
        )
        text = (
            t("progress.nothing_due", **_phase(semester, turn.now)) if followed else t("progress.no_subjects")
        )
        show(update, turn, text, _back(t))
        return
    header = "\n".join([_header(t, semester, turn.now, rows), "", t("progress.order")])
    pages = paginate(header, [_line(t, n, row) for n, row in enumerate(rows, start=1)])
    page = min(page, len(pages) - 1)
    show(update, turn, pages[page], _keyboard(t, page, len(pages)))


async def entry_progress(
    uow: UnitOfWork, now: datetime, actor: Actor | None = None
) -> tuple[Semester, list[ProgressRow]]:
    """The current semester and its rows, the furthest behind first; only what ``actor`` may see."""
    year, year_row = await uow.school.year(), await uow.school.year_row()
    today = now.astimezone(SCHOOL_TZ).date()
    semester = current_semester(year, today)
    taught = [
        item
        for item in await uow.progress.taught(year_row.id)
        if actor is None or allowed(actor, Action.VIEW_PROGRESS, Target(item.class_id, item.subject_id))
    ]
    students = await uow.progress.students(sorted({item.class_id for item in taught}))
    values = await uow.progress.values(year_row.id, semester.number)
    rows = progress(taught, students, values, lambda grade: rules_for(year.name, grade), semester, today)
    return semester, rows


async def progress_summary(uow: UnitOfWork, t: Translator, now: datetime) -> str:
    """The vice-principal's summary of entry progress for the whole school, as one message of text
    (under Telegram's 4096 characters) in the language of ``t``: the phase, how much of what is due
    by ``now`` is entered, and the class-subjects furthest behind with their teachers.

    Meant to be sent by the scheduler monthly and a few days before each lock date; it reads only
    (``uow`` may be read-only) and needs no chat."""
    semester, rows = await entry_progress(uow, now)
    if not rows:
        return t("progress.nothing_due", **_phase(semester, now))
    summary = summarise(rows, SUMMARY_ROWS)
    lines = [_header(t, semester, now, rows), ""]
    if summary.behind:
        lines.append(t("progress.summary.behind"))
        lines += [_line(t, n, row) for n, row in enumerate(summary.behind, start=1)]
    else:
        lines.append(t("progress.summary.all_entered"))
    lines.append(t("progress.summary.more", command=f"/{commands.PROGRESS.vi}"))
    return paginate("", lines)[0]


def _phase(semester: Semester, now: datetime) -> dict:
    return {"semester": semester.number, "start": semester.start, "today": now.astimezone(SCHOOL_TZ).date()}


def _header(t: Translator, semester: Semester, now: datetime, rows: list[ProgressRow]) -> str:
    summary = summarise(rows)
    return "\n".join(
        [
            t("progress.title", **_phase(semester, now)),
            t(
                "progress.total",
                entered=summary.entered,
                required=summary.required,
                share=percent(summary.entered, summary.required),
                complete=summary.complete,
                rows=summary.rows,
            ),
        ]
    )


def _line(t: Translator, number: int, row: ProgressRow) -> str:
    return t(
        "progress.row",
        number=number,
        class_name=row.class_name,
        subject=row.subject_name,
        teacher=row.teacher or t("progress.no_teacher"),
        entered=row.entered,
        required=row.required,
        share=percent(row.entered, row.required),
    )


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
