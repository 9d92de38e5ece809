"""Which day /diemdanh takes: the recent days as buttons (today first when it can be entered), a day
button read back, and why a day cannot be entered (in the future, outside the school year, its month
submitted, the class's year-end lists submitted or approved)."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardMarkup, Update

from bot.conversations.attendance_common import PREFIX, school_today
from bot.conversations.shared import show
from bot.keyboards import button
from bot.turn import Turn
from domain import attendance as rules
from domain.year_end import Stage

WEEKDAY_KEYS = (
    "attendance.weekday.mon",
    "attendance.weekday.tue",
    "attendance.weekday.wed",
    "attendance.weekday.thu",
    "attendance.weekday.fri",
    "attendance.weekday.sat",
    "attendance.weekday.sun",
)


async def show_days(update: Update, turn: Turn, class_id: int, problem: str) -> None:
    year = await turn.uow.school.year()
    submitted = await turn.uow.attendance.submitted_months(class_id)
    today = school_today(turn)
    days_off = await turn.uow.calendar.closed_days(year.name)
    days = rules.recent_days(today, year.start, year.end, submitted, days_off=days_off)
    if rules.day_problem(today, today, year.start, year.end, submitted) is None:
        days.insert(0, today)
    labels = [_day_label(turn, day, today) for day in days]
    day_buttons = [
        button(label, PREFIX, "d", day.strftime("%Y%m%d")) for label, day in zip(labels, days, strict=True)
    ]
    rows = [day_buttons[i : i + 2] for i in range(0, len(day_buttons), 2)]
    if not problem:  # came from the list: its marks are kept in the dialog for going back
        rows.append([button(turn.t("bot.back"), PREFIX, "back")])
    rows.append([button(turn.t("attendance.cancel"), PREFIX, "x")])
    name = await turn.uow.views.class_name(class_id)
    text = turn.t("attendance.choose_day", class_name=name)
    show(update, turn, f"{problem}\n\n{text}" if problem else text, InlineKeyboardMarkup(rows))


def _day_label(turn: Turn, day: date, today: date) -> str:
    if day == today:
        return turn.t("attendance.today", date=day)
    return turn.t("attendance.day_button", weekday=turn.t(WEEKDAY_KEYS[day.weekday()]), date=day)


async def day_problem(turn: Turn, class_id: int, day: date) -> str | None:
    year = await turn.uow.school.year()
    submitted = await turn.uow.attendance.submitted_months(class_id)
    locked = (await turn.uow.year_end.states(class_id)).get(Stage.YEAR)
    return rules.day_problem(day, school_today(turn), year.start, year.end, submitted, locked)


def problem_params(turn: Turn, day: date) -> dict:
    return {"date": day, "month": day.month, "year": day.year}


def day_from_digits(digits: int) -> date | None:
    try:
        return date(digits // 10000, digits // 100 % 100, digits % 100)
    except ValueError:
        return None
