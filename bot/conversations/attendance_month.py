"""/thang: the month of a homeroom class: each absent student's P/K totals, moving between months,
and "submit the month" (the homeroom teacher's statement that it is complete)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.conversations.attendance_common import (
    PREFIX,
    class_pupils,
    homeroom_classes,
    not_homeroom,
    refuse_press,
    school_today,
    sheet_of,
)
from bot.conversations.base import current_dialog
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, split_for_telegram
from bot.keyboards import button
from bot.turn import Turn, current_turn
from domain import attendance as rules
from domain.permissions import Action, Target, allowed
from storage.changes import Author


async def month_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/thang: this month of the homeroom class (or the choice of the class)."""
    turn = current_turn()
    classes = await homeroom_classes(turn)
    if not classes:
        await not_homeroom(update, turn)
        return
    year, month = rules.month_of(school_today(turn))
    if len(classes) == 1:
        await show_month(update, turn, classes[0][0], year, month)
        return
    rows = [[button(name, PREFIX, "m", class_id, year * 100 + month)] for class_id, name in classes]
    turn.send(turn.t("attendance.choose_class"), InlineKeyboardMarkup(rows))


async def open_month(update: Update, turn: Turn, args: list[int]) -> None:
    target = _month_target(args)
    if target is None or not await _may_view(turn, target[0]):
        await refuse_press(turn, update)
        return
    await show_month(update, turn, *target)


async def ask_submit(update: Update, turn: Turn, args: list[int]) -> None:
    target = _month_target(args)
    if target is None or not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=target[0])):
        await refuse_press(turn, update)
        return
    class_id, year, month = target
    problem = await _month_problem(turn, class_id, year, month)
    if problem:
        turn.answer_press()
        turn.say(problem, month=month, year=year)
        return
    name = await turn.uow.views.class_name(class_id)
    keyboard = InlineKeyboardMarkup(
        [
            [button(turn.t("attendance.month.submit_confirm"), PREFIX, "so", class_id, year * 100 + month)],
            [button(turn.t("bot.back"), PREFIX, "m", class_id, year * 100 + month)],
        ]
    )
    text = turn.t("attendance.month.ask_submit", class_name=name, month=month, year=year)
    answer_and_show(turn, update.callback_query, text, keyboard)


async def submit(update: Update, turn: Turn, args: list[int]) -> None:
    target = _month_target(args)
    if target is None or not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=target[0])):
        await refuse_press(turn, update)
        return
    class_id, year, month = target
    problem = await _month_problem(turn, class_id, year, month)
    if problem:  # a second press, or a month not begun
        turn.answer_press()
        turn.say(problem, month=month, year=year)
        return
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    await turn.uow.attendance.submit_month(class_id, year, month, author)
    await show_month(update, turn, class_id, year, month, turn.t("attendance.month.done"))


async def show_month(
    update: Update, turn: Turn, class_id: int, year: int, month: int, first_line: str = ""
) -> None:
    store = turn.uow.attendance
    name = await turn.uow.views.class_name(class_id)
    order = await class_pupils(turn, class_id, None)
    sheet = rules.month_sheet(
        await store.month_absences(class_id, year, month), order, await store.absence_unit()
    )
    days = await store.days_taken(class_id, year, month)
    lines = [first_line] if first_line else []
    lines.append(turn.t("attendance.month.title", class_name=name, month=month, year=year, days=days))
    lines += [
        turn.t(
            "attendance.month.line",
            name=student.full_name,
            excused=student.excused,
            unexcused=student.unexcused,
            days=", ".join(_absence_text(turn, a) for a in student.absences),
        )
        for student in sheet.students
    ] or [turn.t("attendance.month.nobody")]
    lines.append(turn.t("attendance.month.total", excused=sheet.excused, unexcused=sheet.unexcused))
    submitted_at = await store.submitted_at(class_id, year, month)
    due = rules.month_due(year, month)
    if submitted_at:
        lines.append(turn.t("attendance.month.submitted", at=submitted_at))
    else:
        late = school_today(turn) > due
        lines.append(turn.t("attendance.month.late" if late else "attendance.month.due", due=due))
    keyboard = await _month_keyboard(turn, class_id, year, month)
    pieces = split_for_telegram("\n".join(lines))
    show(update, turn, pieces[0], keyboard if len(pieces) == 1 else None)
    for number, piece in enumerate(pieces[1:], start=2):
        turn.send(piece, keyboard if number == len(pieces) else None)


async def _month_keyboard(turn: Turn, class_id: int, year: int, month: int) -> InlineKeyboardMarkup:
    school_year = await turn.uow.school.year()
    today = school_today(turn)
    previous, following = rules.previous_month(year, month), rules.next_month(year, month)
    moves = []
    if previous >= rules.month_of(school_year.start):
        moves.append(month_button(turn, class_id, *previous, "attendance.month.previous"))
    if following <= min(rules.month_of(today), rules.month_of(school_year.end)):
        moves.append(month_button(turn, class_id, *following, "attendance.month.next"))
    rows = [moves] if moves else []
    may_submit = allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=class_id))
    if may_submit and not await _month_problem(turn, class_id, year, month):
        rows.append([button(turn.t("attendance.month.submit"), PREFIX, "sm", class_id, year * 100 + month)])
    sheet = sheet_of(await current_dialog(turn))
    if sheet is not None and sheet.class_id == class_id:
        rows.append([button(turn.t("attendance.back_to_list"), PREFIX, "back")])
    else:
        rows.append([button(turn.t("bot.back"), "menu")])
    return InlineKeyboardMarkup(rows)


def _absence_text(turn: Turn, absence: rules.Absence) -> str:
    key = ("attendance.month.day", "attendance.month.morning", "attendance.month.afternoon")
    return turn.t(key[absence.session], day=absence.day.day, mark=absence.mark)


def _month_target(args: list[int]) -> tuple[int, int, int] | None:
    class_id, (year, month) = args[0], divmod(args[1], 100)
    return (class_id, year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


async def _may_view(turn: Turn, class_id: int) -> bool:
    known = await turn.uow.views.class_name(class_id) is not None
    return known and allowed(turn.actor, Action.VIEW_CLASS, Target(class_id=class_id))


async def _month_problem(turn: Turn, class_id: int, year: int, month: int) -> str | None:
    submitted = await turn.uow.attendance.submitted_months(class_id)
    return rules.month_problem(year, month, school_today(turn), submitted)


def month_button(
    turn: Turn, class_id: int, year: int, month: int, key: str = "attendance.month.button"
) -> InlineKeyboardButton:
    return button(turn.t(key, month=month, year=year), PREFIX, "m", class_id, year * 100 + month)
