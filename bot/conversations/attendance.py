"""/diemdanh: a homeroom teacher takes the attendance of their class; /thang: the month.

class (skipped when there is one) → day (today unless another is chosen) → session (only where the
school teaches two) → the class list as buttons, each tap cycling present → P → K → the summary →
confirm. The month: each absent student's P/K totals and "submit the month".

The marks toggled so far live in the dialog row, written at every tap, so a restart loses nothing.
Every press is re-authorised: the class comes from the dialog (the database) or, on the month
screens, is checked with the policy; a student id counts only if it is on that class's list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations import attendance_month
from bot.conversations.attendance_common import (
    FLOW,
    PREFIX,
    REFUSED,
    Sheet,
    class_pupils,
    homeroom_classes,
    keep,
    not_homeroom,
    refuse_press,
    school_today,
    sheet_of,
)
from bot.conversations.attendance_days import day_from_digits, day_problem, problem_params, show_days
from bot.conversations.attendance_month import month_button, month_command
from bot.conversations.attendance_sheet import PAGE_SIZE, pages_of, show_sheet, summary_text
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, is_number
from bot.turn import Turn, current_turn
from domain import attendance as rules
from domain.permissions import Action, Target, allowed
from storage.changes import Author

COMMAND = commands.ATTENDANCE
MONTH_COMMAND = commands.ATTENDANCE_MONTH


def handlers() -> list:
    return [
        CommandHandler(COMMAND.names, start),
        CommandHandler(MONTH_COMMAND.names, month_command),
        CallbackQueryHandler(press, pattern=rf"^{PREFIX}:"),
    ]


# --- starting ------------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _begin(update, current_turn())


async def _begin(update: Update, turn: Turn) -> None:
    classes = await homeroom_classes(turn)
    if not classes:
        await not_homeroom(update, turn)
        return
    if len(classes) == 1:
        await _open_class(update, turn, classes[0][0])
        return
    await save_dialog(turn, Dialog(FLOW, "class"))
    rows = [[button(name, PREFIX, "c", class_id)] for class_id, name in classes]
    rows.append([button(turn.t("attendance.cancel"), PREFIX, "x")])
    show(update, turn, turn.t("attendance.choose_class"), InlineKeyboardMarkup(rows))


async def _open_class(update: Update, turn: Turn, class_id: int) -> None:
    """Today's list straight away, unless today cannot be entered: then the choice of a day."""
    problem = await day_problem(turn, class_id, school_today(turn))
    if problem:
        await save_dialog(turn, Dialog(FLOW, "day", {"class_id": class_id}))
        await show_days(update, turn, class_id, turn.t(problem, **problem_params(turn, school_today(turn))))
        return
    await _open_day(update, turn, class_id, school_today(turn))


async def _open_day(update: Update, turn: Turn, class_id: int, day: date) -> None:
    if await turn.uow.attendance.sessions_per_day() == 2:
        await save_dialog(turn, Dialog(FLOW, "session", {"class_id": class_id, "day": day.isoformat()}))
        rows = [
            [
                button(turn.t("attendance.session.morning"), PREFIX, "s", 1),
                button(turn.t("attendance.session.afternoon"), PREFIX, "s", 2),
            ],
            [button(turn.t("attendance.other_day"), PREFIX, "days")],
        ]
        name = await turn.uow.views.class_name(class_id)
        text = turn.t("attendance.choose_session", class_name=name, date=day)
        show(update, turn, text, InlineKeyboardMarkup(rows))
        return
    await _open_sheet(update, turn, class_id, day, rules.WHOLE_DAY)


async def _open_sheet(update: Update, turn: Turn, class_id: int, day: date, session: int) -> None:
    """The class list of that day with the marks saved before, if any: taking it again edits them."""
    pupils = await class_pupils(turn, class_id, day)
    marks = await turn.uow.attendance.marks([p.id for p in pupils], day, session)
    sheet = Sheet(class_id, day, session, marks)
    await keep(turn, sheet, "marks")
    await show_sheet(update, turn, sheet, pupils)


# --- button presses ------------------------------------------------------------------------------


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    query = update.callback_query
    verb, *parts = query.data.split(":")[1:]
    known = PRESSES.get(verb)
    if (
        turn.actor is None
        or not turn.actor.is_staff
        or known is None
        or len(parts) != known[1]
        or not all(is_number(part) for part in parts)
    ):
        await refuse_press(turn, update)
        return
    action, _, needs_dialog = known
    args = [int(part) for part in parts]
    if not needs_dialog:
        await action(update, turn, args)
        return
    dialog = await current_dialog(turn)
    if dialog is None or dialog.flow != FLOW:
        _nothing_in_progress(update, turn)
        return
    class_id = dialog.data.get("class_id")
    if class_id is not None and not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=class_id)):
        await refuse_press(turn, update)
        return
    await action(update, turn, dialog, args)


async def _go(update: Update, turn: Turn, args: list[int]) -> None:
    await _begin(update, turn)


async def _class_chosen(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    if not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=args[0])):
        await refuse_press(turn, update)
        return
    await _open_class(update, turn, args[0])


async def _toggle(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = sheet_of(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    pupils = await class_pupils(turn, sheet.class_id, sheet.day)
    ids = [p.id for p in pupils]
    if args[0] not in ids:
        await refuse_press(turn, update)
        return
    marks = dict(sheet.marks)
    mark = rules.next_mark(marks.pop(args[0], None))
    if mark:
        marks[args[0]] = mark
    sheet = replace(sheet, marks=marks, page=ids.index(args[0]) // PAGE_SIZE)
    await keep(turn, sheet, "marks")
    await show_sheet(update, turn, sheet, pupils)


async def _page(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = sheet_of(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    pupils = await class_pupils(turn, sheet.class_id, sheet.day)
    if args[0] == sheet.page or args[0] >= pages_of(pupils):  # the page counter itself: nothing to show
        turn.answer_press()
        return
    sheet = replace(sheet, page=args[0])
    await keep(turn, sheet, "marks")
    await show_sheet(update, turn, sheet, pupils)


async def _everyone_present(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = sheet_of(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    await _ask_to_confirm(update, turn, replace(sheet, marks={}))


async def _save(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = sheet_of(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    await _ask_to_confirm(update, turn, sheet)


async def _ask_to_confirm(update: Update, turn: Turn, sheet: Sheet) -> None:
    await keep(turn, sheet, "confirm")
    pupils = await class_pupils(turn, sheet.class_id, sheet.day)
    text = turn.t("attendance.confirm", summary=await summary_text(turn, sheet, pupils))
    keyboard = InlineKeyboardMarkup(
        [
            [button(turn.t("attendance.confirm_button"), PREFIX, "ok", _stamp(sheet))],
            [button(turn.t("attendance.edit_more"), PREFIX, "back")],
        ]
    )
    show(update, turn, text, keyboard)


def _stamp(sheet: Sheet) -> int:
    """What a confirm button confirms: the day and the session."""
    return sheet.day.toordinal() * 10 + sheet.session


async def _back(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = sheet_of(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    await keep(turn, sheet, "marks")
    await show_sheet(update, turn, sheet, await class_pupils(turn, sheet.class_id, sheet.day))


async def _confirm(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = sheet_of(dialog)
    if sheet is None or dialog.step != "confirm":
        _nothing_in_progress(update, turn)
        return
    if args != [_stamp(sheet)]:  # the button of an older confirmation, for another day or session
        turn.answer_press()
        turn.say("entry.stale")
        return
    problem = await day_problem(turn, sheet.class_id, sheet.day)
    if problem:  # the month was submitted (or the day left the school year) since the list was opened
        turn.answer_press()
        turn.say(problem, **problem_params(turn, sheet.day))
        return
    pupils = await class_pupils(turn, sheet.class_id, sheet.day)
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    saved = await turn.uow.attendance.save_day(
        sheet.class_id, sheet.day, sheet.session, [p.id for p in pupils], sheet.marks, author
    )
    await end_dialog(turn)
    lines = [turn.t("attendance.saved", summary=await summary_text(turn, sheet, pupils))]
    if not saved.changed and not saved.first:
        lines.append(turn.t("attendance.unchanged"))
    year, month = rules.month_of(sheet.day)
    keyboard = InlineKeyboardMarkup([[month_button(turn, sheet.class_id, year, month)]])
    answer_and_show(turn, update.callback_query, "\n".join(lines), keyboard)


async def _cancel(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    await end_dialog(turn)
    answer_and_show(turn, update.callback_query, turn.t("attendance.cancelled"), None)


# --- another day, the session ------------------------------------------------------------------------


async def _choose_day(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    class_id = dialog.data.get("class_id")
    if class_id is None:
        _nothing_in_progress(update, turn)
        return
    await save_dialog(turn, Dialog(FLOW, "day", dialog.data))  # the marks stay for ⬅ back
    await show_days(update, turn, class_id, "")


async def _day_chosen(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    class_id = dialog.data.get("class_id")
    day = day_from_digits(args[0])
    if class_id is None or day is None:
        await refuse_press(turn, update)
        return
    await _enter_day(update, turn, class_id, day)


async def _enter_day(update: Update, turn: Turn, class_id: int, day: date) -> None:
    problem = await day_problem(turn, class_id, day)
    if problem:
        if update.callback_query:
            turn.answer_press()
        turn.say(problem, **problem_params(turn, day))
        return
    await _open_day(update, turn, class_id, day)


async def _session_chosen(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    data = dialog.data
    if dialog.step != "session" or "day" not in data or args[0] not in (1, 2):
        await refuse_press(turn, update)
        return
    day = date.fromisoformat(data["day"])
    problem = await day_problem(turn, data["class_id"], day)
    if problem:
        turn.answer_press()
        turn.say(problem, **problem_params(turn, day))
        return
    await _open_sheet(update, turn, data["class_id"], day, args[0])


# --- messages in the flow ---------------------------------------------------------------------------


async def on_text(update: Update, dialog: Dialog) -> None:
    """A typed day where a day is asked for; anything else gets a hint and changes nothing."""
    turn = current_turn()
    class_id = dialog.data.get("class_id")
    text = update.effective_message.text or ""
    if dialog.step != "day" or class_id is None:
        turn.say("attendance.use_buttons")
        return
    if not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=class_id)):
        await refuse(turn, REFUSED, "typed day")
        return
    day = rules.parse_day(text, school_today(turn))
    if day is None:
        turn.say("attendance.error.bad_day", text=text[:40])
        return
    await _enter_day(update, turn, class_id, day)


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("attendance.use_buttons")


def _nothing_in_progress(update: Update, turn: Turn) -> None:
    turn.answer_press()
    turn.say("attendance.nothing_in_progress")


PRESSES = {  # verb: (handler, number of ids, needs the dialog)
    "go": (_go, 0, False),
    "m": (attendance_month.open_month, 2, False),
    "sm": (attendance_month.ask_submit, 2, False),
    "so": (attendance_month.submit, 2, False),
    "c": (_class_chosen, 1, True),
    "t": (_toggle, 1, True),
    "p": (_page, 1, True),
    "all": (_everyone_present, 0, True),
    "save": (_save, 0, True),
    "back": (_back, 0, True),
    "ok": (_confirm, 1, True),
    "x": (_cancel, 0, True),
    "days": (_choose_day, 0, True),
    "d": (_day_chosen, 1, True),
    "s": (_session_chosen, 1, True),
}
