"""/nhapdiem: a subject teacher enters one column for one of their classes.

class and subject → semester → column → the whole class in one message (or student by student) →
the column as a table with everything wrong or odd → fixes → confirm → the saved column.
Buttons carry short ids; each press and the final save are re-authorised and checked against the
book's open/lock windows. scores_place.py reads what the entry holds from the dialog; scores_save.py saves
the reviewed column."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.review import review_lines, shown, stamp_review
from bot.conversations.scores_place import (
    Place,
    column_of,
    draft_of,
    offered_columns,
    place_of,
    students_of,
    title_of,
)
from bot.conversations.scores_save import confirm_pressed
from bot.conversations.shared import book_open, show
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, column, grid, is_number, paged
from bot.turn import Turn, current_turn
from domain.class_record import SUMMER_TERM
from domain.columns import current_semester
from domain.entry import Draft, Student, one_value, read_message
from domain.errors import DomainError
from domain.names import given_name
from domain.permissions import Action, Target, allowed
from domain.windows import ColumnKind
from locales import SCHOOL_TZ

FLOW = "scores"
COMMAND = commands.SCORES
PREFIX = "sc"


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is None or not turn.actor.teaching:
        await refuse(turn, "enter-scores")
        return
    pairs = sorted(turn.actor.teaching)
    if len(pairs) == 1:
        await _choose_semester(update, turn, Place(*pairs[0]))
        return
    await save_dialog(turn, Dialog(FLOW, "class"))
    await _show_classes(update, turn, 0)


async def _show_classes(update: Update, turn: Turn, page: int) -> None:
    subjects = await turn.uow.views.subject_names()
    names = {cid: name for cid, name, _ in await turn.uow.views.classes(turn.actor.taught_classes)}
    items = sorted(
        (f"{names[c]} · {subjects[s]}", f"{PREFIX}:c:{c}:{s}") for c, s in turn.actor.teaching if c in names
    )
    keyboard = paged(turn.t, items, page, f"{PREFIX}:cp", back=(PREFIX, "x"))
    show(update, turn, turn.t("entry.choose_class"), keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if parts == ["start"]:  # the menu's button
        await start(update, context)
        return
    dialog = await current_dialog(turn)
    if turn.actor is None or dialog is None or dialog.flow != FLOW:
        turn.answer_press()
        if turn.actor is None:
            await refuse(turn, "enter-scores", update.callback_query.data)
        else:
            turn.say("entry.nothing_in_progress")
        return
    action = PRESSES.get(parts[0])
    if action is None or not all(is_number(p) for p in parts[1:]):
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    await action(update, turn, dialog, [int(p) for p in parts[1:]])


async def _class_page(update, turn, dialog, args) -> None:
    await _show_classes(update, turn, args[0] if args else 0)


async def _class_chosen(update, turn, dialog, args) -> None:
    if len(args) != 2:
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    await _choose_semester(update, turn, Place(args[0], args[1]))


async def _choose_semester(update: Update, turn: Turn, place: Place) -> None:
    if not allowed(turn.actor, Action.ENTER_SCORES, Target(place.class_id, place.subject_id)):
        await refuse(turn, "enter-scores", f"{place.class_id}:{place.subject_id}")
        return
    year = await turn.uow.school.year()
    current = current_semester(year, turn.now.astimezone(SCHOOL_TZ).date()).number
    await save_dialog(
        turn, Dialog(FLOW, "semester", {"class_id": place.class_id, "subject_id": place.subject_id})
    )
    labels = [
        button(
            turn.t("entry.semester", number=s.number) + (" •" if s.number == current else ""),
            PREFIX,
            "s",
            s.number,
        )
        for s in year.semesters
    ]
    keyboard = column([*labels, button(turn.t("bot.back"), PREFIX, "cp", 0)])
    title = await title_of(turn, place)
    show(update, turn, turn.t("entry.choose_semester", title=title), keyboard)


async def _semester_chosen(update, turn, dialog, args) -> None:
    place = place_of(dialog)
    if place is None or len(args) != 1 or args[0] not in (1, 2):
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    dialog.step, dialog.data["semester"] = "column", args[0]
    await save_dialog(turn, dialog)
    await _show_columns(update, turn, place_of(dialog))


async def _show_columns(update: Update, turn: Turn, place: Place) -> None:
    offered = await offered_columns(turn, place)
    year = await turn.uow.school.year_row()
    terms = [SUMMER_TERM if option.column.kind is ColumnKind.RETEST else place.semester for option in offered]
    filled = await turn.uow.gradebook.filled_columns(place.class_id, place.subject_id, year.id, set(terms))
    buttons = []
    for index, (option, term) in enumerate(zip(offered, terms, strict=True)):
        column = option.column
        mark = " ✓" if (term, column.kind.value, column.position) in filled else ""
        buttons.append(button(turn.t(option.label_key, **option.label_params) + mark, PREFIX, "k", index))
    keyboard = grid(buttons, [button(turn.t("bot.back"), PREFIX, "c", place.class_id, place.subject_id)])
    show(update, turn, turn.t("entry.choose_column", title=await title_of(turn, place)), keyboard)


async def _column_chosen(update, turn, dialog, args) -> None:
    place = place_of(dialog)
    offered = await offered_columns(turn, place) if place and place.semester else []
    if not args or not 0 <= args[0] < len(offered):
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    chosen = offered[args[0]].column
    if not await book_open(turn, place.class_id, place.subject_id, place.semester, chosen.kind):
        turn.answer_press()
        return
    if chosen.kind is ColumnKind.RETEST:
        dialog.data["semester"] = SUMMER_TERM  # the summer's values are kept apart from semester 2
    dialog.data["kind"] = chosen.kind.value
    students = await students_of(turn, dialog, place.class_id)
    dialog.step = "marks" if chosen.marks else "values"
    dialog.data.update(
        position=chosen.position,
        marks=list(chosen.marks),
        integer=chosen.integer,
        option=args[0],
        raws=None,
        given=0,
    )
    if chosen.marks:  # Đ/CĐ or T/H/C: every student starts at the first mark; a tap moves to the next
        dialog.data.update(raws=[chosen.marks[0]] * len(students), given=len(students))
    await save_dialog(turn, dialog)
    title = await title_of(turn, place_of(dialog), offered[args[0]])
    if chosen.marks:
        show(
            update,
            turn,
            turn.t("entry.ask_marks", title=title, marks=", ".join(chosen.marks)),
            _marks_keyboard(turn, dialog, students, 0),
        )
        return
    lines = [turn.t("entry.ask_values", title=title, count=len(students))]
    lines += [f"{n}. {s.name}" for n, s in enumerate(students, start=1)]
    keyboard = column(
        [
            button(turn.t("entry.one_by_one"), PREFIX, "one"),
            button(turn.t("bot.back"), PREFIX, "s", place.semester),
        ]
    )
    show(update, turn, "\n".join(lines), keyboard)


MARKS_PAGE = 24


def _marks_keyboard(turn: Turn, dialog: Dialog, students: list[Student], page: int):
    raws = dialog.data["raws"]
    items = [
        (f"{n}. {given_name(s.name)}: {raws[n - 1]}", f"{PREFIX}:m:{n - 1}:{page}")
        for n, s in enumerate(students, start=1)
    ]
    keyboard = paged(
        turn.t, items, page, f"{PREFIX}:mp", back=(PREFIX, "rv"), per_row=3, page_size=MARKS_PAGE
    )
    rows = list(keyboard.inline_keyboard)
    rows[-1] = [button(turn.t("entry.review_marks"), PREFIX, "rv")]  # the way on is the review
    rows.append([button(turn.t("entry.cancel"), PREFIX, "x")])
    return InlineKeyboardMarkup(rows)


async def _toggle_mark(update, turn, dialog, args) -> None:
    if dialog.step != "marks" or len(args) != 2 or not 0 <= args[0] < len(dialog.data["raws"]):
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    marks = dialog.data["marks"]
    current = dialog.data["raws"][args[0]]
    cycle = [*marks, "v"]
    dialog.data["raws"][args[0]] = (
        cycle[(cycle.index(current) + 1) % len(cycle)] if current in cycle else marks[0]
    )
    await save_dialog(turn, dialog)
    students = await students_of(turn, dialog, dialog.data["class_id"])
    title = await title_of(
        turn, place_of(dialog), (await offered_columns(turn, place_of(dialog)))[dialog.data["option"]]
    )
    show(
        update,
        turn,
        turn.t("entry.ask_marks", title=title, marks=", ".join(marks)),
        _marks_keyboard(turn, dialog, students, args[1]),
    )


async def _marks_page(update, turn, dialog, args) -> None:
    if dialog.step != "marks" or len(args) != 1:
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    students = await students_of(turn, dialog, dialog.data["class_id"])
    title = await title_of(
        turn, place_of(dialog), (await offered_columns(turn, place_of(dialog)))[dialog.data["option"]]
    )
    show(
        update,
        turn,
        turn.t("entry.ask_marks", title=title, marks=", ".join(dialog.data["marks"])),
        _marks_keyboard(turn, dialog, students, args[0]),
    )


async def _review_marks(update, turn, dialog, args) -> None:
    if dialog.step != "marks":
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    students = await students_of(turn, dialog, dialog.data["class_id"])
    dialog.step = "review"
    turn.answer_press()
    await _show_review(turn, dialog, draft_of(dialog, students, column_of(dialog), {}))


async def _one_by_one(update, turn, dialog, args) -> None:
    place = place_of(dialog)
    if place is None or dialog.step != "values":
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    dialog.step, dialog.data["raws"], dialog.data["index"] = "one", [], 0
    await save_dialog(turn, dialog)
    students = await students_of(turn, dialog, place.class_id)
    turn.answer_press()
    turn.say("entry.ask_one", number=1, name=students[0].name, count=len(students))


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    place = place_of(dialog)
    if place is None or dialog.step not in ("values", "marks", "review", "one") or place.kind is None:
        turn.say("entry.use_buttons")
        return
    column_ = column_of(dialog)
    if not await book_open(turn, place.class_id, place.subject_id, place.semester, column_.kind):
        return
    students = await students_of(turn, dialog, place.class_id)
    year = await turn.uow.school.year_row()
    earlier = await turn.uow.gradebook.earlier_scores(place.subject_id, year.id, [s.id for s in students])
    text = update.effective_message.text or ""
    if dialog.step == "one":
        await _next_one(turn, dialog, students, column_, earlier, text)
        return
    try:
        draft = read_message(text, students, column_, earlier, draft_of(dialog, students, column_, earlier))
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    dialog.step, dialog.data["raws"], dialog.data["given"] = "review", draft.raws, draft.given
    await _show_review(turn, dialog, draft)


async def _next_one(turn, dialog, students, column_, earlier, text) -> None:
    index = dialog.data["index"]
    cell = one_value(text, index + 1, students[index], column_, earlier.get(students[index].id, []))
    if cell.problem:
        turn.say(cell.problem[0], **shown(cell.problem[1]))
        return
    dialog.data["raws"].append(cell.raw)
    dialog.data["index"] = dialog.data["given"] = index + 1
    if index + 1 < len(students):
        await save_dialog(turn, dialog)
        turn.say("entry.ask_one", number=index + 2, name=students[index + 1].name, count=len(students))
        return
    dialog.step = "review"
    await _show_review(turn, dialog, draft_of(dialog, students, column_, earlier))


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("entry.text_expected")


async def _show_review(turn: Turn, dialog: Dialog, draft: Draft) -> None:
    """Shows the review and saves the dialog (once: a save before it would cost a second UPDATE)."""
    place = place_of(dialog)
    offered = (await offered_columns(turn, place))[dialog.data["option"]]
    revision = stamp_review(dialog, draft)
    await save_dialog(turn, dialog)
    lines = review_lines(turn, await title_of(turn, place, offered), draft)
    buttons = [button(turn.t("entry.save"), PREFIX, "ok", revision)] if draft.ready else []
    buttons.append(button(turn.t("entry.cancel"), PREFIX, "x"))
    pieces = split_for_telegram("\n".join(lines))
    for number, piece in enumerate(pieces, start=1):
        turn.send(piece, column(buttons) if number == len(pieces) else None)


async def _cancel(update, turn, dialog, args) -> None:
    await end_dialog(turn)
    answer_and_show(turn, update.callback_query, turn.t("entry.cancelled"), None)


PRESSES = {
    "m": _toggle_mark,
    "mp": _marks_page,
    "rv": _review_marks,
    "cp": _class_page,
    "c": _class_chosen,
    "s": _semester_chosen,
    "k": _column_chosen,
    "one": _one_by_one,
    "ok": confirm_pressed,
    "x": _cancel,
}
