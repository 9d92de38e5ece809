"""/nhanxet: a subject teacher writes a comment for each student of a class, for each semester's mid-term
(the mid-term report card) and end: free text, or one tap on a common phrase; the homeroom teacher,
choosing "<class> · Chủ nhiệm", writes the homeroom comment the report card prints. Stored in Vietnamese,
as report cards print it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.shared import book_open, class_students, show
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, column, is_number, paged
from bot.turn import Turn, current_turn
from domain.columns import current_semester
from domain.names import given_name
from domain.permissions import Action, Target, allowed
from domain.text import visible_text
from domain.windows import ColumnKind
from locales import SCHOOL_TZ, translator
from storage.changes import Author

FLOW = "comments"
COMMAND = commands.COMMENTS
PREFIX = "nx"
QUICK_PICKS = (
    "comments.pick.progress",
    "comments.pick.good",
    "comments.pick.try_harder",
    "comments.pick.homework",
)
MAX_COMMENT = 1000
HOMEROOM = 0  # in a class button's data, in place of the subject: the homeroom teacher's comment


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is None or not (turn.actor.teaching or turn.actor.homeroom_classes):
        await refuse(turn, "comments")
        return
    await save_dialog(turn, Dialog(FLOW, "class"))
    show(update, turn, turn.t("comments.choose_class"), await _class_keyboard(turn, 0))


async def _class_keyboard(turn: Turn, page: int):
    subjects = await turn.uow.views.subject_names()
    homeroom = turn.actor.homeroom_classes
    classes = await turn.uow.views.classes(frozenset(turn.actor.taught_classes) | homeroom)
    names = {cid: name for cid, name, _ in classes}
    items = sorted(
        (f"{names[c]} · {subjects[s]}", f"{PREFIX}:c:{c}:{s}") for c, s in turn.actor.teaching if c in names
    )
    items += sorted(
        (f"{names[c]} · {turn.t('comments.homeroom')}", f"{PREFIX}:c:{c}:{HOMEROOM}")
        for c in homeroom
        if c in names
    )
    return paged(turn.t, items, page, f"{PREFIX}:cp", back=("menu",))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if parts == ["start"]:
        await start(update, context)
        return
    dialog = await current_dialog(turn)
    if (
        turn.actor is None
        or not parts
        or not all(is_number(p) for p in parts[1:])
        or dialog is None
        or dialog.flow != FLOW
    ):
        await refuse(turn, "comments", update.callback_query.data)
        return
    numbers = [int(p) for p in parts[1:]]
    if parts[0] == "c" and len(numbers) == 2:
        await _class_chosen(update, turn, dialog, *numbers)
    elif parts[0] == "cp" and len(numbers) == 1:
        show(update, turn, turn.t("comments.choose_class"), await _class_keyboard(turn, numbers[0]))
    elif parts[0] == "s" and len(numbers) in (1, 2) and "class_id" in dialog.data:
        await _list(update, turn, dialog, 0, *numbers)
    elif parts[0] == "l" and len(numbers) == 1 and "semester" in dialog.data:
        await _list(
            update,
            turn,
            dialog,
            numbers[0],
            None,
        )
    elif parts[0] == "st" and len(numbers) == 1 and "semester" in dialog.data:
        await _ask(update, turn, dialog, numbers[0])
    elif (
        parts[0] == "q"
        and len(numbers) == 2
        and numbers[1] < len(QUICK_PICKS)
        and dialog.step == "text"
        and dialog.data.get("student_id") == numbers[0]
    ):  # a pick on an older student's screen: refused
        turn.answer_press()
        await _save(turn, dialog, translator("vi")(QUICK_PICKS[numbers[1]]))
    elif parts[0] == "x":
        await end_dialog(turn)
        answer_and_show(turn, update.callback_query, turn.t("comments.done"), None)
    else:
        await refuse(turn, "comments", update.callback_query.data)


def _may_comment(turn: Turn, class_id: int, subject_id: int | None) -> bool:
    """A subject's teacher on their subject; the homeroom teacher (``subject_id`` None) on the class."""
    if subject_id is None:
        return allowed(turn.actor, Action.PREPARE_REPORT_CARDS, Target(class_id))
    return allowed(turn.actor, Action.ENTER_SCORES, Target(class_id, subject_id))


async def _class_chosen(update: Update, turn: Turn, dialog: Dialog, class_id: int, chosen: int) -> None:
    subject_id = None if chosen == HOMEROOM else chosen
    if not _may_comment(turn, class_id, subject_id):
        await refuse(turn, "comments", f"{class_id}:{chosen}")
        return
    year = await turn.uow.school.year()
    now = current_semester(year, turn.now.astimezone(SCHOOL_TZ).date()).number
    dialog.step, dialog.data = "semester", {"class_id": class_id, "subject_id": subject_id}
    await save_dialog(turn, dialog)
    periods = [(False, "entry.semester")]
    if subject_id is not None:  # a subject's mid-term comment is printed on the mid-term card
        periods.insert(0, (True, "comments.midterm"))
    buttons = [
        button(
            turn.t(key, number=s.number) + (" •" if s.number == now else ""),
            PREFIX,
            "s",
            s.number,
            int(midterm),
        )
        for s in year.semesters
        for midterm, key in periods
    ]
    show(update, turn, turn.t("comments.choose_semester"), column(buttons))


async def _list(
    update: Update, turn: Turn, dialog: Dialog, page: int, semester: int | None, midterm: int = 0
) -> None:
    if semester is not None:
        if (
            semester not in (1, 2)
            or midterm not in (0, 1)
            or (midterm and dialog.data["subject_id"] is None)
            or not await book_open(
                turn, dialog.data["class_id"], dialog.data["subject_id"], semester, ColumnKind.COMMENT
            )
        ):
            turn.answer_press()
            return
        dialog.data["semester"], dialog.data["midterm"] = semester, bool(midterm)
    dialog.step = "list"
    await save_dialog(turn, dialog)
    text, keyboard = await _list_screen(turn, dialog, page)
    show(update, turn, text, keyboard)


async def _list_screen(turn: Turn, dialog: Dialog, page: int):
    students = await class_students(turn, dialog.data["class_id"])
    year = await turn.uow.school.year_row()
    done = await turn.uow.gradebook.comments(
        dialog.data["subject_id"],
        year.id,
        dialog.data["semester"],
        [s.id for s in students],
        dialog.data.get("midterm", False),
    )
    items = [
        (f"{n}. {given_name(s.name)}{' ✓' if s.id in done else ''}", f"{PREFIX}:st:{s.id}")
        for n, s in enumerate(students, start=1)
    ]
    keyboard = paged(turn.t, items, page, f"{PREFIX}:l", back=(PREFIX, "x"), per_row=3)
    return turn.t("comments.list", done=len(done), count=len(students)), keyboard


async def _ask(update: Update, turn: Turn, dialog: Dialog, student_id: int) -> None:
    students = {s.id: s for s in await class_students(turn, dialog.data["class_id"])}
    if student_id not in students:
        await refuse(turn, "comments", update.callback_query.data)
        return
    dialog.step, dialog.data["student_id"] = "text", student_id
    await save_dialog(turn, dialog)
    picks = [button(turn.t(key), PREFIX, "q", student_id, index) for index, key in enumerate(QUICK_PICKS)]
    keyboard = column([*picks, button(turn.t("bot.back"), PREFIX, "l", 0)])
    show(update, turn, turn.t("comments.ask", name=students[student_id].name), keyboard)


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    text = " ".join(visible_text(update.effective_message.text or "").split())
    if dialog.step != "text":
        turn.say("entry.use_buttons")
    elif not text or len(text) > MAX_COMMENT:
        turn.say("comments.bad_length", limit=MAX_COMMENT)
    else:
        await _save(turn, dialog, text)


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("comments.text_expected")


async def _save(turn: Turn, dialog: Dialog, text: str) -> None:
    class_id, subject_id, semester = (
        dialog.data["class_id"],
        dialog.data["subject_id"],
        dialog.data["semester"],
    )
    if not _may_comment(turn, class_id, subject_id):
        await refuse(turn, "comments", f"{class_id}:{subject_id}")
        return
    if not await book_open(turn, class_id, subject_id, semester, ColumnKind.COMMENT):
        return
    names = {s.id: s.name for s in await class_students(turn, class_id)}
    name = names.get(dialog.data["student_id"])
    if name is None:  # no longer in the class (a transfer since the screen was opened)
        await refuse(turn, "comments", str(dialog.data["student_id"]))
        return
    year = await turn.uow.school.year_row()
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    await turn.uow.gradebook.save_comment(
        dialog.data["student_id"],
        subject_id,
        year.id,
        semester,
        text,
        author,
        dialog.data.get("midterm", False),
    )
    dialog.step = "list"
    await save_dialog(turn, dialog)
    turn.say("comments.saved", name=name, text=text)
    list_text, keyboard = await _list_screen(turn, dialog, 0)
    turn.send(list_text, keyboard)
