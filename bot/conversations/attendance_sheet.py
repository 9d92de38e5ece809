"""The class list of a day as buttons (each tap cycles present → P → K), its page row, and the
summary the teacher confirms. Students with an accepted leave request are named with its reason."""

from __future__ import annotations

from datetime import date
from textwrap import shorten

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.conversations.attendance_common import PREFIX, WHEN_KEYS, Sheet
from bot.conversations.attendance_month import month_button
from bot.conversations.shared import show
from bot.keyboards import button
from bot.turn import Turn
from domain import attendance as rules
from domain.attendance import Pupil
from services import leave

PAGE_SIZE = 24  # eight rows of three: a class of 40 fits on two pages
PER_ROW = 3
REASON_SHOWN = 60  # characters of a leave request's reason on the list: 40 students fit a message
LABEL_KEYS = {
    None: "attendance.student.present",
    rules.EXCUSED: "attendance.student.excused",
    rules.UNEXCUSED: "attendance.student.unexcused",
}


async def show_sheet(update: Update, turn: Turn, sheet: Sheet, pupils: list[Pupil]) -> None:
    name = await turn.uow.views.class_name(sheet.class_id)
    when = when_text(turn, sheet.day, sheet.session)
    lines = [turn.t("attendance.sheet.title", class_name=name, when=when, count=len(pupils))]
    taken_at = await turn.uow.attendance.taken_at(sheet.class_id, sheet.day, sheet.session)
    if taken_at:
        lines.append(turn.t("attendance.sheet.taken", at=taken_at))
    lines.append(turn.t("attendance.sheet.how"))
    absent = rules.absentees(pupils, sheet.marks)
    if absent:
        names = ", ".join(f"{short} ({mark})" for short, mark in absent)
        lines.append(turn.t("attendance.sheet.absent", count=len(absent), names=names))
    else:
        lines.append(turn.t("attendance.sheet.nobody_absent"))
    lines += await _asked_for_leave(turn, sheet, pupils)
    show(update, turn, "\n".join(lines), _sheet_keyboard(turn, sheet, pupils))


async def _asked_for_leave(turn: Turn, sheet: Sheet, pupils: list[Pupil]) -> list[str]:
    """The students whose leave request for the day was accepted, with its reason (shortened)."""
    reasons = await leave.excused_reasons(turn.uow, [p.id for p in pupils], sheet.day, sheet.session)
    if not reasons:
        return []
    names = rules.short_names([p.full_name for p in pupils])
    shown = [
        turn.t("leave.sheet.excused_one", name=name, reason=shorten(reasons[pupil.id], REASON_SHOWN))
        for pupil, name in zip(pupils, names, strict=True)
        if pupil.id in reasons
    ]
    return [turn.t("leave.sheet.excused", names="; ".join(shown))]


def _sheet_keyboard(turn: Turn, sheet: Sheet, pupils: list[Pupil]) -> InlineKeyboardMarkup:
    t = turn.t
    names = rules.short_names([p.full_name for p in pupils])
    page = min(sheet.page, pages_of(pupils) - 1)
    first = page * PAGE_SIZE
    shown = [
        button(
            t(LABEL_KEYS[sheet.marks.get(pupil.id)], number=first + i + 1, name=names[first + i]),
            PREFIX,
            "t",
            pupil.id,
        )
        for i, pupil in enumerate(pupils[first : first + PAGE_SIZE])
    ]
    rows = [shown[i : i + PER_ROW] for i in range(0, len(shown), PER_ROW)]
    if pages_of(pupils) > 1:
        rows.append(_page_row(turn, page, pages_of(pupils)))
    year, month = rules.month_of(sheet.day)
    rows += [
        [
            button(t("attendance.everyone_present"), PREFIX, "all"),
            button(t("attendance.save"), PREFIX, "save"),
        ],
        [button(t("attendance.other_day"), PREFIX, "days"), month_button(turn, sheet.class_id, year, month)],
        [button(t("attendance.cancel"), PREFIX, "x")],
    ]
    return InlineKeyboardMarkup(rows)


def _page_row(turn: Turn, page: int, pages: int) -> list[InlineKeyboardButton]:
    row = [button(turn.t("bot.page.previous"), PREFIX, "p", page - 1)] if page > 0 else []
    row.append(button(turn.t("bot.page.of", page=page + 1, pages=pages), PREFIX, "p", page))
    if page < pages - 1:
        row.append(button(turn.t("bot.page.next"), PREFIX, "p", page + 1))
    return row


def pages_of(pupils: list[Pupil]) -> int:
    return max(1, -(-len(pupils) // PAGE_SIZE))


async def summary_text(turn: Turn, sheet: Sheet, pupils: list[Pupil]) -> str:
    """The confirmation line: the class, the day, how many are absent and who (P or K)."""
    name = await turn.uow.views.class_name(sheet.class_id)
    when = when_text(turn, sheet.day, sheet.session)
    absent = rules.absentees(pupils, sheet.marks)
    if not absent:
        return turn.t("attendance.summary.all_present", class_name=name, when=when, count=len(pupils))
    names = ", ".join(f"{short} ({mark})" for short, mark in absent)
    return turn.t("attendance.summary.absent", class_name=name, when=when, count=len(absent), names=names)


def when_text(turn: Turn, day: date, session: int) -> str:
    return turn.t(WHEN_KEYS[session], date=day)
