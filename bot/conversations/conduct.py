"""/renluyen: the homeroom teacher enters the class's conduct for a semester in one message (the
circular's levels or their initials), sees it as a table, fixes, and saves. In a primary class:
one quality or competency at a time, rated T, Đ or C."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.review import review_lines, stamp_review, still_current
from bot.conversations.shared import book_open, class_students, grade_of, show
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, column, grid, is_number
from bot.turn import Turn, current_turn
from domain.class_record import SUMMER_TERM
from domain.columns import PRIMARY_RATINGS, conduct_levels, current_semester
from domain.entry import Column, Draft, Student, from_raws, read_message
from domain.errors import DomainError
from domain.evaluation import rules_for
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.permissions import Action, Target, allowed
from domain.windows import ColumnKind
from domain.year_end import Outcome
from locales import SCHOOL_TZ
from storage.changes import Author

FLOW = "conduct"
COMMAND = commands.CONDUCT
PREFIX = "cd"
PRIMARY_ASPECTS = QUALITIES + COMPETENCIES  # TT27: rated T (Tốt), Đ (Đạt), C (Cần cố gắng)
PRIMARY_MARKS = PRIMARY_RATINGS


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is None or not turn.actor.homeroom_classes:
        await refuse(turn, "conduct")
        return
    classes = await turn.uow.views.classes(turn.actor.homeroom_classes)
    if len(classes) == 1:
        await _choose_semester(update, turn, classes[0][0])
        return
    keyboard = column([button(name, PREFIX, "c", cid) for cid, name, _ in classes])
    show(update, turn, turn.t("conduct.choose_class"), keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if parts == ["start"]:
        await start(update, context)
        return
    numbers = [int(p) for p in parts[1:] if is_number(p)]
    dialog = await current_dialog(turn)
    if turn.actor is None or len(numbers) != len(parts) - 1:
        await refuse(turn, "conduct", update.callback_query.data)
    elif parts[0] == "c" and len(numbers) == 1:
        await _choose_semester(update, turn, numbers[0])
    elif (
        parts[0] == "a"
        and len(numbers) == 1
        and dialog
        and dialog.flow == FLOW
        and numbers[0] < len(PRIMARY_ASPECTS)
        and "class_id" in dialog.data
        and await _levels(turn, dialog.data["class_id"]) == PRIMARY_MARKS
    ):
        dialog.step = "semester"
        dialog.data = {"class_id": dialog.data["class_id"], "aspect": PRIMARY_ASPECTS[numbers[0]]}
        await save_dialog(turn, dialog)
        await _semester_buttons(update, turn, dialog)
    elif (
        parts[0] == "s" and len(numbers) == 1 and dialog and dialog.flow == FLOW and "class_id" in dialog.data
    ):
        await _ask(update, turn, dialog, numbers[0])
    elif parts[0] == "ok" and dialog and dialog.flow == FLOW and dialog.step == "review":
        if await still_current(turn, dialog, numbers, await _students(turn, dialog)):
            await _save(update, turn, dialog)
    elif parts[0] == "x" and dialog and dialog.flow == FLOW:
        await end_dialog(turn)
        answer_and_show(turn, update.callback_query, turn.t("entry.cancelled"), None)
    else:
        turn.answer_press()
        turn.say("entry.nothing_in_progress")


async def _choose_semester(update: Update, turn: Turn, class_id: int) -> None:
    if not allowed(turn.actor, Action.ENTER_CONDUCT, Target(class_id)):
        await refuse(turn, "conduct", str(class_id))
        return
    dialog = Dialog(FLOW, "semester", {"class_id": class_id, "aspect": "conduct"})
    if await _levels(turn, class_id) == PRIMARY_MARKS:
        await save_dialog(turn, dialog)
        buttons = [button(name, PREFIX, "a", index) for index, name in enumerate(PRIMARY_ASPECTS)]
        name = await turn.uow.views.class_name(class_id)
        show(update, turn, turn.t("conduct.choose_aspect", name=name), grid(buttons))
        return
    await save_dialog(turn, dialog)
    await _semester_buttons(update, turn, dialog)


async def _semester_buttons(update: Update, turn: Turn, dialog: Dialog) -> None:
    year = await turn.uow.school.year()
    now = current_semester(year, turn.now.astimezone(SCHOOL_TZ).date()).number
    buttons = [
        button(
            turn.t("entry.semester", number=s.number) + (" •" if s.number == now else ""),
            PREFIX,
            "s",
            s.number,
        )
        for s in year.semesters
    ]
    if dialog.data.get("aspect") == "conduct" and await _summer_students(turn, dialog.data["class_id"]):
        buttons.append(button(turn.t("year_end.summer"), PREFIX, "s", SUMMER_TERM))
    show(update, turn, turn.t("conduct.choose_semester", title=await _title(turn, dialog)), column(buttons))


async def _ask(update: Update, turn: Turn, dialog: Dialog, semester: int) -> None:
    class_id = dialog.data["class_id"]
    summer = semester == SUMMER_TERM and bool(await _summer_students(turn, class_id))
    if (semester not in (1, 2) and not summer) or not await book_open(
        turn, class_id, None, semester, _kind(semester)
    ):
        turn.answer_press()
        return
    dialog.step, dialog.data["semester"] = "values", semester
    for stale in ("raws", "given", "revision", "ids"):  # a draft belongs to one semester and aspect
        dialog.data.pop(stale, None)
    await save_dialog(turn, dialog)
    students = await _students(turn, dialog)
    levels = await _levels(turn, class_id)
    lines = [
        turn.t("conduct.ask", title=await _title(turn, dialog), count=len(students), levels=", ".join(levels))
    ]
    lines += [f"{n}. {s.name}" for n, s in enumerate(students, start=1)]
    answer_and_show(turn, update.callback_query, "\n".join(lines), None)


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    if dialog.step not in ("values", "review"):
        turn.say("entry.use_buttons")
        return
    class_id = dialog.data["class_id"]
    students = await _students(turn, dialog)
    column_ = Column(ColumnKind.CONDUCT, 1, await _levels(turn, class_id))
    try:
        draft = read_message(
            update.effective_message.text or "", students, column_, {}, _draft(dialog, students, column_)
        )
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    dialog.step, dialog.data["raws"], dialog.data["given"] = "review", draft.raws, draft.given
    await save_dialog(turn, dialog)
    revision = stamp_review(dialog, draft)
    await save_dialog(turn, dialog)
    buttons = [button(turn.t("entry.save"), PREFIX, "ok", revision)] if draft.ready else []
    buttons.append(button(turn.t("entry.cancel"), PREFIX, "x"))
    pieces = split_for_telegram("\n".join(review_lines(turn, await _title(turn, dialog), draft)))
    for number, piece in enumerate(pieces, start=1):
        turn.send(piece, column(buttons) if number == len(pieces) else None)


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("entry.text_expected")


async def _save(update: Update, turn: Turn, dialog: Dialog) -> None:
    class_id, semester = dialog.data["class_id"], dialog.data["semester"]
    if not allowed(turn.actor, Action.ENTER_CONDUCT, Target(class_id)):
        await refuse(turn, "conduct", update.callback_query.data)
        return
    if not await book_open(turn, class_id, None, semester, _kind(semester)):
        turn.answer_press()
        return
    students = await _students(turn, dialog)
    draft = _draft(dialog, students, Column(ColumnKind.CONDUCT, 1, await _levels(turn, class_id)))
    if draft is None or not draft.ready:
        turn.say("entry.not_ready")
        return
    year = await turn.uow.school.year_row()
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    aspect = dialog.data.get("aspect", "conduct")
    result = await turn.uow.gradebook.save_conduct(
        year.id, semester, {c.student.id: c.value for c in draft.cells}, author, aspect
    )
    await end_dialog(turn)
    saved = await turn.uow.gradebook.conduct_levels(year.id, semester, [s.id for s in students], aspect)
    lines = [
        turn.t(
            "entry.saved", title=await _title(turn, dialog), saved=result.saved, unchanged=result.unchanged
        )
    ]
    lines += [f"{n}. {s.name} — {saved.get(s.id, '—')}" for n, s in enumerate(students, start=1)]
    if result.kept:
        lines += ["", turn.t("entry.kept", names=", ".join(s.name for s in students if s.id in result.kept))]
    answer_and_show(turn, update.callback_query, "\n".join(lines)[:4096], None)


def _draft(dialog: Dialog, students: list[Student], column_: Column) -> Draft | None:
    raws = dialog.data.get("raws")
    return None if raws is None else from_raws(raws, students, column_, {}, dialog.data.get("given"))


async def _levels(turn: Turn, class_id: int) -> tuple[str, ...] | None:
    grade = await grade_of(turn, class_id)
    year = await turn.uow.school.year()
    return conduct_levels(rules_for(year.name, grade))


def _kind(semester: int) -> ColumnKind:
    return ColumnKind.SUMMER_CONDUCT if semester == SUMMER_TERM else ColumnKind.CONDUCT


async def _summer_students(turn: Turn, class_id: int) -> set[int]:
    """Who trains in the summer, by the class's approved year lists."""
    lines = await turn.uow.year_end.approved_year_lines(class_id, Outcome.SUMMER_TRAINING)
    return {line.student_id for line in lines}


async def _students(turn: Turn, dialog: Dialog) -> list[Student]:
    """The class list; after the summer only the students who trained in it."""
    students = await class_students(turn, dialog.data["class_id"])
    if dialog.data.get("semester") != SUMMER_TERM:
        return students
    training = await _summer_students(turn, dialog.data["class_id"])
    return [student for student in students if student.id in training]


async def _title(turn: Turn, dialog: Dialog) -> str:
    name = await turn.uow.views.class_name(dialog.data["class_id"])
    aspect = dialog.data.get("aspect", "conduct")
    what = turn.t("conduct.what") if aspect == "conduct" else aspect
    if dialog.data.get("semester") == SUMMER_TERM:
        return turn.t("year_end.summer_conduct_title", name=name)
    return turn.t("conduct.title", what=what, name=name, semester=dialog.data.get("semester", "-"))
