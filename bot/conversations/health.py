"""/suckhoe (/health): the school nurse records a class's health checks in one message, reads them, and
writes health notices, which go to the leadership for approval by the notices' own path
(bot/conversations/notices.py). A homeroom teacher reads their class's checks; the leadership reads
any class's. Every other teacher is refused, and the refusal recorded.

Buttons carry only a verb and ids; each press is authorised again by the use case (services/health.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations import notices
from bot.conversations.base import Dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, column, is_number, paged
from bot.turn import Turn, current_turn
from domain.calendar import school_date
from domain.errors import PermissionDenied
from domain.health import Check, may_open
from domain.importing import ImportRejected, Problem
from domain.notices import Kind, Reach, Scope
from domain.permissions import Action, Target, allowed
from locales import Translator
from services import health
from storage.tabular import MAX_FILE_MB

FLOW = "health"
COMMAND = commands.HEALTH
PREFIX = "sk"
VERBS = ("rec", "view", "note")  # record checks, read them, write a notice


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not may_open(turn.actor):
        await refuse(turn, "health")
        return
    if not allowed(turn.actor, Action.RECORD_HEALTH):  # a reader: straight to the classes
        await _choose_class(update, turn, "view", 0)
        return
    keyboard = column([button(turn.t(f"health.menu.{verb}"), PREFIX, verb, 0) for verb in VERBS])
    show(update, turn, turn.t("health.menu.title"), keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    numbers = [int(p) for p in parts[1:] if is_number(p)]
    if not may_open(turn.actor) or len(numbers) != len(parts) - 1:
        await refuse(turn, "health", update.callback_query.data)
    elif parts == ["start"]:
        await start(update, context)
    elif parts[0] in VERBS and len(numbers) == 1:
        await _choose_class(update, turn, parts[0], numbers[0])
    elif parts[0] in ("c" + verb for verb in VERBS) and len(numbers) == 1:
        await PICKED[parts[0]](update, turn, numbers[0])
    elif parts[0] == "n" and len(numbers) == 2:
        await _write_notice(update, turn, numbers[0], numbers[1] or None)
    else:
        await refuse(turn, "health", update.callback_query.data)


async def _choose_class(update: Update, turn: Turn, verb: str, page: int) -> None:
    actor = turn.actor
    if verb != "view" and not allowed(actor, Action.RECORD_HEALTH):
        await refuse(turn, "health", f"{verb}:{page}")
        return
    classes = await turn.uow.views.classes()
    items = [
        (name, f"{PREFIX}:c{verb}:{class_id}")
        for class_id, name, _ in classes
        if allowed(actor, Action.VIEW_HEALTH, Target(class_id=class_id))
    ]
    back = (PREFIX, "start") if allowed(actor, Action.RECORD_HEALTH) else ("menu",)
    keyboard = paged(turn.t, items, page, f"{PREFIX}:{verb}", back=back, per_row=3)
    show(update, turn, turn.t("health.choose_class"), keyboard)


async def _record_class(update: Update, turn: Turn, class_id: int) -> None:
    try:
        await health.notice_reach(turn.uow, turn.actor, class_id, None)  # the nurse, a class of this year
        view = await health.class_health(turn.uow, turn.actor, class_id)
    except PermissionDenied:
        await refuse(turn, "health", update.callback_query.data)
        return
    await save_dialog(turn, Dialog(FLOW, "checks", {"class_id": class_id}))
    names = "\n".join(f"{n}. {name}" for n, name, _ in view.rows)
    text = turn.t("health.ask_checks", class_name=view.class_name, day=school_date(turn.now), names=names)
    pieces = split_for_telegram(text)
    answer_and_show(turn, update.callback_query, pieces[0], None)
    for piece in pieces[1:]:
        turn.send(piece)


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    if dialog.step != "checks":
        turn.say("health.use_buttons")
        return
    message = update.effective_message.text or ""
    try:
        saved = await health.record_from_chat(
            turn.uow, turn.actor, dialog.data["class_id"], message, school_date(turn.now), turn.now
        )
    except PermissionDenied:
        await end_dialog(turn)
        await refuse(turn, "health", "record")
        return
    except ImportRejected as rejected:
        turn.send(_problems(turn.t, rejected.problems))
        return
    await _saved(turn, dialog, saved)


async def _saved(turn: Turn, dialog: Dialog, saved: health.Saved) -> None:
    await end_dialog(turn)
    again = column([button(turn.t("health.record_more"), PREFIX, "crec", dialog.data["class_id"])])
    turn.say(
        "health.saved",
        again,
        count=len(saved.names),
        added=saved.added,
        replaced=saved.replaced,
        names=", ".join(saved.names),
    )


async def on_other(update: Update, dialog: Dialog) -> None:
    """A sheet sent while the nurse records a class: imported as ``sodiem health import`` would."""
    turn, document = current_turn(), update.effective_message.document
    if dialog.step != "checks" or document is None:
        turn.say("health.text_expected")
        return
    if (document.file_size or 0) > MAX_FILE_MB * 1024 * 1024:
        turn.say("import.error.too_big", size=round(document.file_size / 2**20, 1), limit=MAX_FILE_MB)
        return
    class_name = await turn.uow.views.class_name(dialog.data["class_id"])
    content = bytes(await (await document.get_file()).download_as_bytearray())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(document.file_name or "sheet.xlsx").name
        path.write_bytes(content)
        try:
            saved = await health.import_sheet(
                turn.uow, turn.actor, path, class_name or "", school_date(turn.now), turn.now
            )
        except PermissionDenied:
            await end_dialog(turn)
            await refuse(turn, "health", "sheet")
            return
        except ImportRejected as rejected:
            turn.send(_problems(turn.t, rejected.problems))
            return
    await _saved(turn, dialog, saved)


def _problems(t: Translator, problems: list[Problem]) -> str:
    lines = [t("health.rejected", count=len(problems))]
    for problem in problems:
        message = t(problem.key, **problem.params)
        if problem.line is not None and problem.column:
            message = t("import.where.line_column", line=problem.line, column=problem.column, message=message)
        elif problem.line is not None:
            message = t("import.where.line", line=problem.line, message=message)
        lines.append(message)
    return split_for_telegram("\n".join(lines))[0]


def check_text(t: Translator, check: Check) -> str:
    notes = t("health.check.notes", notes=check.notes) if check.notes else ""
    return t(
        "health.check",
        day=check.checked_on,
        height=check.height_cm,
        weight=check.weight_kg,
        bmi=check.bmi,
        left=check.eye_left,
        right=check.eye_right,
        notes=notes,
    )


async def _view_class(update: Update, turn: Turn, class_id: int) -> None:
    try:
        view = await health.class_health(turn.uow, turn.actor, class_id)
    except PermissionDenied:
        await refuse(turn, "health-view", update.callback_query.data)
        return
    t = turn.t
    lines = [t("health.class_title", class_name=view.class_name)]
    for number, name, check in view.rows:
        found = check_text(t, check) if check else t("health.no_check")
        lines.append(t("health.class_line", number=number, name=name, check=found))
    pieces = split_for_telegram("\n".join(lines))
    answer_and_show(turn, update.callback_query, pieces[0], None)
    for piece in pieces[1:]:
        turn.send(piece)


async def _note_class(update: Update, turn: Turn, class_id: int) -> None:
    """The nurse chooses the child (or the whole class) a health notice is for."""
    try:
        view = await health.class_health(turn.uow, turn.actor, class_id)
        await health.notice_reach(turn.uow, turn.actor, class_id, None)
    except PermissionDenied:
        await refuse(turn, "health", update.callback_query.data)
        return
    students = await turn.uow.roster.class_list(view.class_name)
    items = [(turn.t("health.notice.whole_class"), f"{PREFIX}:n:{class_id}:0")]
    items += [(f"{n}. {s.full_name}", f"{PREFIX}:n:{class_id}:{s.id}") for n, s in enumerate(students, 1)]
    keyboard = paged(turn.t, items, 0, f"{PREFIX}:note", back=(PREFIX, "note", 0), per_row=1, page_size=60)
    answer_and_show(turn, update.callback_query, turn.t("health.notice.choose_child"), keyboard)


async def _write_notice(update: Update, turn: Turn, class_id: int, student_id: int | None) -> None:
    try:
        class_name, student = await health.notice_reach(turn.uow, turn.actor, class_id, student_id)
    except PermissionDenied:
        await refuse(turn, "health", update.callback_query.data)
        return
    reach = Reach(Scope.CLASS, class_id=class_id, student_id=student_id)
    prompt = await notices.start_writing(turn, reach, Kind.HEALTH, class_name, student)
    answer_and_show(turn, update.callback_query, prompt, None)


PICKED = {"crec": _record_class, "cview": _view_class, "cnote": _note_class}
