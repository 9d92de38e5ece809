"""/diemdanh: a homeroom teacher takes the attendance of their class; /thang: the month.

class (skipped when there is one) → day (today unless another is chosen) → session (only where the
school teaches two) → the class list as buttons, each tap cycling present → P → K → the summary →
confirm. The month: each absent student's P/K totals and "submit the month".

The marks toggled so far live in the dialog row, written at every tap, so a restart loses nothing.
Every press is re-authorised: the class comes from the dialog (the database) or, on the month
screens, is checked with the policy; a student id counts only if it is on that class's list."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, is_number
from bot.turn import Turn, current_turn
from domain import attendance as rules
from domain.attendance import Pupil
from domain.names import told_apart
from domain.permissions import Action, Target, allowed
from domain.year_end import Stage
from locales import SCHOOL_TZ
from storage.changes import Author

FLOW = "attendance"
COMMAND = commands.ATTENDANCE
MONTH_COMMAND = commands.ATTENDANCE_MONTH
PREFIX = "att"
PAGE_SIZE = 24  # eight rows of three: a class of 40 fits on two pages
PER_ROW = 3
REFUSED = Action.TAKE_ATTENDANCE.value
WHEN_KEYS = ("attendance.when.day", "attendance.when.morning", "attendance.when.afternoon")
LABEL_KEYS = {
    None: "attendance.student.present",
    rules.EXCUSED: "attendance.student.excused",
    rules.UNEXCUSED: "attendance.student.unexcused",
}
WEEKDAY_KEYS = (
    "attendance.weekday.mon",
    "attendance.weekday.tue",
    "attendance.weekday.wed",
    "attendance.weekday.thu",
    "attendance.weekday.fri",
    "attendance.weekday.sat",
    "attendance.weekday.sun",
)


def handlers() -> list:
    return [
        CommandHandler(COMMAND.names, start),
        CommandHandler(MONTH_COMMAND.names, month_command),
        CallbackQueryHandler(press, pattern=rf"^{PREFIX}:"),
    ]


@dataclass(frozen=True)
class Sheet:
    """The attendance being taken, as kept in the dialog row."""

    class_id: int
    day: date
    session: int = rules.WHOLE_DAY
    marks: dict[int, str] = field(default_factory=dict)
    page: int = 0

    def as_data(self) -> dict:
        return {
            "class_id": self.class_id,
            "day": self.day.isoformat(),
            "session": self.session,
            "marks": {str(student): mark for student, mark in self.marks.items()},
            "page": self.page,
        }


def _sheet(dialog: Dialog | None) -> Sheet | None:
    data = dialog.data if dialog and dialog.flow == FLOW else {}
    if "class_id" not in data or "day" not in data or "session" not in data:
        return None
    marks = {int(student): mark for student, mark in data.get("marks", {}).items() if mark in rules.MARKS}
    return Sheet(
        data["class_id"], date.fromisoformat(data["day"]), data["session"], marks, data.get("page", 0)
    )


# --- starting ------------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _begin(update, current_turn())


async def _begin(update: Update, turn: Turn) -> None:
    classes = await _homeroom_classes(turn)
    if not classes:
        await _not_homeroom(update, turn)
        return
    if len(classes) == 1:
        await _open_class(update, turn, classes[0][0])
        return
    await save_dialog(turn, Dialog(FLOW, "class"))
    rows = [[button(name, PREFIX, "c", class_id)] for class_id, name in classes]
    rows.append([button(turn.t("attendance.cancel"), PREFIX, "x")])
    show(update, turn, turn.t("attendance.choose_class"), InlineKeyboardMarkup(rows))


async def _homeroom_classes(turn: Turn) -> list[tuple[int, str]]:
    actor = turn.actor
    if actor is None or not actor.is_staff or not actor.homeroom_classes:
        return []
    return [(cid, name) for cid, name, _ in await turn.uow.views.classes(actor.homeroom_classes)]


async def _not_homeroom(update: Update, turn: Turn) -> None:
    if update.callback_query:
        turn.answer_press()
    if turn.actor is None:
        await refuse(turn, REFUSED)
        return
    await turn.uow.identity.record_refusal(turn.channel, turn.account, REFUSED, "no homeroom class", turn.now)
    turn.say("attendance.only_homeroom")


async def _open_class(update: Update, turn: Turn, class_id: int) -> None:
    """Today's list straight away, unless today cannot be entered: then the choice of a day."""
    problem = await _day_problem(turn, class_id, _today(turn))
    if problem:
        await save_dialog(turn, Dialog(FLOW, "day", {"class_id": class_id}))
        await _show_days(update, turn, class_id, turn.t(problem, **_problem_params(turn, _today(turn))))
        return
    await _open_day(update, turn, class_id, _today(turn))


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
    pupils = await _pupils(turn, class_id, day)
    marks = await turn.uow.attendance.marks([p.id for p in pupils], day, session)
    sheet = Sheet(class_id, day, session, marks)
    await _keep(turn, sheet, "marks")
    await _show_sheet(update, turn, sheet, pupils)


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
        await _refuse(turn, update)
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
        await _refuse(turn, update)
        return
    await action(update, turn, dialog, args)


async def _go(update: Update, turn: Turn, args: list[int]) -> None:
    await _begin(update, turn)


async def _class_chosen(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    if not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=args[0])):
        await _refuse(turn, update)
        return
    await _open_class(update, turn, args[0])


async def _toggle(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = _sheet(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    pupils = await _pupils(turn, sheet.class_id, sheet.day)
    ids = [p.id for p in pupils]
    if args[0] not in ids:
        await _refuse(turn, update)
        return
    marks = dict(sheet.marks)
    mark = rules.next_mark(marks.pop(args[0], None))
    if mark:
        marks[args[0]] = mark
    sheet = replace(sheet, marks=marks, page=ids.index(args[0]) // PAGE_SIZE)
    await _keep(turn, sheet, "marks")
    await _show_sheet(update, turn, sheet, pupils)


async def _page(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = _sheet(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    pupils = await _pupils(turn, sheet.class_id, sheet.day)
    if args[0] == sheet.page or args[0] >= _pages(pupils):  # the page counter itself: nothing to show
        turn.answer_press()
        return
    sheet = replace(sheet, page=args[0])
    await _keep(turn, sheet, "marks")
    await _show_sheet(update, turn, sheet, pupils)


async def _everyone_present(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = _sheet(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    await _ask_to_confirm(update, turn, replace(sheet, marks={}))


async def _save(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = _sheet(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    await _ask_to_confirm(update, turn, sheet)


async def _ask_to_confirm(update: Update, turn: Turn, sheet: Sheet) -> None:
    await _keep(turn, sheet, "confirm")
    pupils = await _pupils(turn, sheet.class_id, sheet.day)
    text = turn.t("attendance.confirm", summary=await _summary(turn, sheet, pupils))
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
    sheet = _sheet(dialog)
    if sheet is None:
        _nothing_in_progress(update, turn)
        return
    await _keep(turn, sheet, "marks")
    await _show_sheet(update, turn, sheet, await _pupils(turn, sheet.class_id, sheet.day))


async def _confirm(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    sheet = _sheet(dialog)
    if sheet is None or dialog.step != "confirm":
        _nothing_in_progress(update, turn)
        return
    if args != [_stamp(sheet)]:  # the button of an older confirmation, for another day or session
        turn.answer_press()
        turn.say("entry.stale")
        return
    problem = await _day_problem(turn, sheet.class_id, sheet.day)
    if problem:  # the month was submitted (or the day left the school year) since the list was opened
        turn.answer_press()
        turn.say(problem, **_problem_params(turn, sheet.day))
        return
    pupils = await _pupils(turn, sheet.class_id, sheet.day)
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    saved = await turn.uow.attendance.save_day(
        sheet.class_id, sheet.day, sheet.session, [p.id for p in pupils], sheet.marks, author
    )
    await end_dialog(turn)
    lines = [turn.t("attendance.saved", summary=await _summary(turn, sheet, pupils))]
    if not saved.changed and not saved.first:
        lines.append(turn.t("attendance.unchanged"))
    year, month = rules.month_of(sheet.day)
    keyboard = InlineKeyboardMarkup([[_month_button(turn, sheet.class_id, year, month)]])
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
    await _show_days(update, turn, class_id, "")


async def _show_days(update: Update, turn: Turn, class_id: int, problem: str) -> None:
    year = await turn.uow.school.year()
    submitted = await turn.uow.attendance.submitted_months(class_id)
    today = _today(turn)
    days = rules.recent_days(today, year.start, year.end, submitted)
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


async def _day_chosen(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    class_id = dialog.data.get("class_id")
    day = _day_from_digits(args[0])
    if class_id is None or day is None:
        await _refuse(turn, update)
        return
    await _enter_day(update, turn, class_id, day)


async def _enter_day(update: Update, turn: Turn, class_id: int, day: date) -> None:
    problem = await _day_problem(turn, class_id, day)
    if problem:
        if update.callback_query:
            turn.answer_press()
        turn.say(problem, **_problem_params(turn, day))
        return
    await _open_day(update, turn, class_id, day)


async def _session_chosen(update: Update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    data = dialog.data
    if dialog.step != "session" or "day" not in data or args[0] not in (1, 2):
        await _refuse(turn, update)
        return
    day = date.fromisoformat(data["day"])
    problem = await _day_problem(turn, data["class_id"], day)
    if problem:
        turn.answer_press()
        turn.say(problem, **_problem_params(turn, day))
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
    day = rules.parse_day(text, _today(turn))
    if day is None:
        turn.say("attendance.error.bad_day", text=text[:40])
        return
    await _enter_day(update, turn, class_id, day)


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("attendance.use_buttons")


def _nothing_in_progress(update: Update, turn: Turn) -> None:
    turn.answer_press()
    turn.say("attendance.nothing_in_progress")


async def _refuse(turn: Turn, update: Update) -> None:
    turn.answer_press()
    await refuse(turn, REFUSED, update.callback_query.data or "")


# --- the month -------------------------------------------------------------------------------------


async def month_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/thang: this month of the homeroom class (or the choice of the class)."""
    turn = current_turn()
    classes = await _homeroom_classes(turn)
    if not classes:
        await _not_homeroom(update, turn)
        return
    year, month = rules.month_of(_today(turn))
    if len(classes) == 1:
        await _show_month(update, turn, classes[0][0], year, month)
        return
    rows = [[button(name, PREFIX, "m", class_id, year * 100 + month)] for class_id, name in classes]
    turn.send(turn.t("attendance.choose_class"), InlineKeyboardMarkup(rows))


async def _month(update: Update, turn: Turn, args: list[int]) -> None:
    target = _month_target(args)
    if target is None or not await _may_view(turn, target[0]):
        await _refuse(turn, update)
        return
    await _show_month(update, turn, *target)


async def _ask_submit(update: Update, turn: Turn, args: list[int]) -> None:
    target = _month_target(args)
    if target is None or not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=target[0])):
        await _refuse(turn, update)
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


async def _submit(update: Update, turn: Turn, args: list[int]) -> None:
    target = _month_target(args)
    if target is None or not allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=target[0])):
        await _refuse(turn, update)
        return
    class_id, year, month = target
    problem = await _month_problem(turn, class_id, year, month)
    if problem:  # a second press, or a month not begun
        turn.answer_press()
        turn.say(problem, month=month, year=year)
        return
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    await turn.uow.attendance.submit_month(class_id, year, month, author)
    await _show_month(update, turn, class_id, year, month, turn.t("attendance.month.done"))


async def _show_month(
    update: Update, turn: Turn, class_id: int, year: int, month: int, first_line: str = ""
) -> None:
    store = turn.uow.attendance
    name = await turn.uow.views.class_name(class_id)
    order = await _pupils(turn, class_id, None)
    sheet = rules.month_sheet(await store.month_absences(class_id, year, month), order)
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
        late = _today(turn) > due
        lines.append(turn.t("attendance.month.late" if late else "attendance.month.due", due=due))
    keyboard = await _month_keyboard(turn, class_id, year, month)
    pieces = split_for_telegram("\n".join(lines))
    show(update, turn, pieces[0], keyboard if len(pieces) == 1 else None)
    for number, piece in enumerate(pieces[1:], start=2):
        turn.send(piece, keyboard if number == len(pieces) else None)


async def _month_keyboard(turn: Turn, class_id: int, year: int, month: int) -> InlineKeyboardMarkup:
    school_year = await turn.uow.school.year()
    today = _today(turn)
    previous, following = rules.previous_month(year, month), rules.next_month(year, month)
    moves = []
    if previous >= rules.month_of(school_year.start):
        moves.append(_month_button(turn, class_id, *previous, "attendance.month.previous"))
    if following <= min(rules.month_of(today), rules.month_of(school_year.end)):
        moves.append(_month_button(turn, class_id, *following, "attendance.month.next"))
    rows = [moves] if moves else []
    may_submit = allowed(turn.actor, Action.TAKE_ATTENDANCE, Target(class_id=class_id))
    if may_submit and not await _month_problem(turn, class_id, year, month):
        rows.append([button(turn.t("attendance.month.submit"), PREFIX, "sm", class_id, year * 100 + month)])
    sheet = _sheet(await current_dialog(turn))
    if sheet is not None and sheet.class_id == class_id:
        rows.append([button(turn.t("attendance.back_to_list"), PREFIX, "back")])
    else:
        rows.append([button(turn.t("bot.back"), "menu")])
    return InlineKeyboardMarkup(rows)


def _month_button(
    turn: Turn, class_id: int, year: int, month: int, key: str = "attendance.month.button"
) -> InlineKeyboardButton:
    return button(turn.t(key, month=month, year=year), PREFIX, "m", class_id, year * 100 + month)


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
    return rules.month_problem(year, month, _today(turn), submitted)


PRESSES = {  # verb: (handler, number of ids, needs the dialog)
    "go": (_go, 0, False),
    "m": (_month, 2, False),
    "sm": (_ask_submit, 2, False),
    "so": (_submit, 2, False),
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


# --- showing the list ------------------------------------------------------------------------------


async def _show_sheet(update: Update, turn: Turn, sheet: Sheet, pupils: list[Pupil]) -> None:
    name = await turn.uow.views.class_name(sheet.class_id)
    when = _when(turn, sheet.day, sheet.session)
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
    show(update, turn, "\n".join(lines), _sheet_keyboard(turn, sheet, pupils))


def _sheet_keyboard(turn: Turn, sheet: Sheet, pupils: list[Pupil]) -> InlineKeyboardMarkup:
    t = turn.t
    names = rules.short_names([p.full_name for p in pupils])
    page = min(sheet.page, _pages(pupils) - 1)
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
    if _pages(pupils) > 1:
        rows.append(_page_row(turn, page, _pages(pupils)))
    year, month = rules.month_of(sheet.day)
    rows += [
        [
            button(t("attendance.everyone_present"), PREFIX, "all"),
            button(t("attendance.save"), PREFIX, "save"),
        ],
        [button(t("attendance.other_day"), PREFIX, "days"), _month_button(turn, sheet.class_id, year, month)],
        [button(t("attendance.cancel"), PREFIX, "x")],
    ]
    return InlineKeyboardMarkup(rows)


def _page_row(turn: Turn, page: int, pages: int) -> list[InlineKeyboardButton]:
    row = [button(turn.t("bot.page.previous"), PREFIX, "p", page - 1)] if page > 0 else []
    row.append(button(turn.t("bot.page.of", page=page + 1, pages=pages), PREFIX, "p", page))
    if page < pages - 1:
        row.append(button(turn.t("bot.page.next"), PREFIX, "p", page + 1))
    return row


def _pages(pupils: list[Pupil]) -> int:
    return max(1, -(-len(pupils) // PAGE_SIZE))


async def _summary(turn: Turn, sheet: Sheet, pupils: list[Pupil]) -> str:
    """The confirmation line: the class, the day, how many are absent and who (P or K)."""
    name = await turn.uow.views.class_name(sheet.class_id)
    when = _when(turn, sheet.day, sheet.session)
    absent = rules.absentees(pupils, sheet.marks)
    if not absent:
        return turn.t("attendance.summary.all_present", class_name=name, when=when, count=len(pupils))
    names = ", ".join(f"{short} ({mark})" for short, mark in absent)
    return turn.t("attendance.summary.absent", class_name=name, when=when, count=len(absent), names=names)


def _when(turn: Turn, day: date, session: int) -> str:
    return turn.t(WHEN_KEYS[session], date=day)


# --- helpers ---------------------------------------------------------------------------------------


def _today(turn: Turn) -> date:
    return turn.now.astimezone(SCHOOL_TZ).date()


async def _keep(turn: Turn, sheet: Sheet, step: str) -> None:
    await save_dialog(turn, Dialog(FLOW, step, sheet.as_data()))


async def _pupils(turn: Turn, class_id: int, day: date | None) -> list[Pupil]:
    """The class list of that day (or of now), from the database, in class-list order."""
    name = await turn.uow.views.class_name(class_id)
    year = await turn.uow.school.year_row()
    entries = await turn.uow.roster.class_list(name, year.name, on=day)
    shown = told_apart([(s.full_name, s.date_of_birth, s.code) for s in entries])
    return [Pupil(entry.id, label) for entry, label in zip(entries, shown, strict=True)]


async def _day_problem(turn: Turn, class_id: int, day: date) -> str | None:
    year = await turn.uow.school.year()
    submitted = await turn.uow.attendance.submitted_months(class_id)
    locked = (await turn.uow.year_end.states(class_id)).get(Stage.YEAR)
    return rules.day_problem(day, _today(turn), year.start, year.end, submitted, locked)


def _problem_params(turn: Turn, day: date) -> dict:
    return {"date": day, "month": day.month, "year": day.year}


def _day_from_digits(digits: int) -> date | None:
    try:
        return date(digits // 10000, digits // 100 % 100, digits % 100)
    except ValueError:
        return None
