"""/suadiem: a teacher asks to correct one of their saved values — the electronic "Phiếu ghi nhận
việc chỉnh điểm"; /lichsu: the history of one value. Both pick the value the same way:

class → subject → semester → column → student. Then /suadiem asks for the new value, the reason and
the evidence (a photo; for mid-term and end-of-term tests required, with the examiner's name), shows
the slip with its deadline, and sends it to the leadership (bot/conversations/approvals.py).
/lichsu shows every change of the value: who, when, old → new, why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations import approvals
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.review import value_text
from bot.conversations.shared import class_students, offered_for, show
from bot.handlers.common import refuse
from bot.keyboards import button, column, grid, is_number, paged
from bot.turn import Turn, current_turn
from domain.attendance import MARKS, next_month
from domain.columns import Offered, current_semester
from domain.corrections import (
    MAX_EXAMINER,
    MAX_REASON,
    Status,
    Target,
    deadline,
    is_late,
    is_periodic_test,
    read_mark_change,
    same_value,
)
from domain.entry import Student, one_value
from domain.errors import DomainError
from domain.permissions import Action, Actor, allowed
from domain.permissions import Target as Scope
from domain.text import visible_text
from locales import SCHOOL_TZ
from storage.changes import Author, score_key
from storage.db import as_utc
from storage.models import CorrectionRow

FLOW = "correction"
COMMAND = commands.CORRECT
PREFIX = "cr"
FIX, HISTORY = "fix", "history"
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def handlers() -> list:
    return [
        CommandHandler(commands.CORRECT.names, start_correction),
        CommandHandler(commands.HISTORY.names, start_history),
        CallbackQueryHandler(press, pattern=rf"^{PREFIX}:"),
    ]


@dataclass(frozen=True)
class Pick:
    """The value being picked, as far as chosen; read from the dialog, checked against the database."""

    mode: str
    class_id: int | None = None
    subject_id: int | None = None
    semester: int | None = None
    option: int | None = None
    student_id: int | None = None


def _pick(dialog: Dialog) -> Pick:
    data = dialog.data
    return Pick(
        data.get("mode", FIX),
        data.get("class_id"),
        data.get("subject_id"),
        data.get("semester"),
        data.get("option"),
        data.get("student_id"),
    )


def _may(actor: Actor, mode: str, class_id: int, subject_id: int | None = None) -> bool:
    """Corrections: only one's own class and subject. History: whatever results one may see."""
    if mode == FIX:
        return subject_id is not None and allowed(actor, Action.ENTER_SCORES, Scope(class_id, subject_id))
    if subject_id is None:
        return allowed(actor, Action.VIEW_CLASS, Scope(class_id))
    return allowed(actor, Action.VIEW_RESULTS, Scope(class_id)) or allowed(
        actor, Action.VIEW_RESULTS, Scope(class_id, subject_id)
    )


async def start_correction(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is None or not (turn.actor.teaching or turn.actor.homeroom_classes):
        await refuse(turn, "request-correction")
        return
    await _start(update, turn, FIX)


async def start_history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is None or not turn.actor.is_staff:
        await refuse(turn, "value-history")
        return
    await _start(update, turn, HISTORY)


async def _start(update: Update, turn: Turn, mode: str) -> None:
    await save_dialog(turn, Dialog(FLOW, "class", {"mode": mode}))
    await _show_classes(update, turn, mode, 0)


async def _classes(turn: Turn, mode: str) -> list[tuple[int, str, int]]:
    actor = turn.actor
    if mode == FIX:
        return await turn.uow.views.classes(actor.taught_classes)
    if actor.sees_every_class:
        return await turn.uow.views.classes()
    return await turn.uow.views.classes(actor.taught_classes | actor.homeroom_classes)


async def _show_classes(update: Update, turn: Turn, mode: str, page: int) -> None:
    items = [(name, f"{PREFIX}:c:{class_id}") for class_id, name, _ in await _classes(turn, mode)]
    items += [
        (turn.t(f"correction.{mode}.attendance_of", name=name), f"{PREFIX}:am:{cid}")
        for cid, name, _ in await _attendance_classes(turn, mode)
    ]
    keyboard = paged(turn.t, items, page, f"{PREFIX}:cp", back=(PREFIX, "x"), per_row=3)
    show(update, turn, turn.t(f"correction.{mode}.choose_class"), keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if parts == ["start"]:
        await start_correction(update, context)
        return
    dialog = await current_dialog(turn)
    if turn.actor is None or dialog is None or dialog.flow != FLOW:
        turn.answer_press()
        if turn.actor is None:
            await refuse(turn, "request-correction", update.callback_query.data)
        else:
            turn.say("correction.nothing_in_progress")
        return
    action = PRESSES.get(parts[0])
    if (
        action is None
        or not all(is_number(p) for p in parts[1:])
        or not _still_allowed(turn, dialog, parts[0])
    ):
        await refuse(turn, _refused_action(dialog), update.callback_query.data)
        return
    await action(update, turn, dialog, [int(p) for p in parts[1:]])


SCORE_PRESSES = {"sb", "s", "k", "sp", "st"}
ABSENCE_PRESSES = {"mo", "as"}


def _still_allowed(turn: Turn, dialog: Dialog, verb: str) -> bool:
    """Every press is checked against the place the dialog holds: an old button of another class, or of
    the other kind of request, cannot carry a choice over."""
    absence = dialog.data.get("target") == Target.ABSENCE
    if (verb in SCORE_PRESSES and absence) or (verb in ABSENCE_PRESSES and not absence):
        return False
    class_id, subject_id = dialog.data.get("class_id"), dialog.data.get("subject_id")
    if absence:
        return _may_see_attendance(turn.actor, _pick(dialog).mode, class_id)
    if class_id is None or verb in ("c", "cp", "am", "sb"):  # these check the choice they make
        return True
    return _may(turn.actor, _pick(dialog).mode, class_id, subject_id)


def _refused_action(dialog: Dialog) -> str:
    return "value-history" if _pick(dialog).mode == HISTORY else "request-correction"


async def _class_page(update, turn, dialog, args) -> None:
    await _show_classes(update, turn, _pick(dialog).mode, args[0] if args else 0)


async def _class_chosen(update, turn, dialog, args) -> None:
    mode = _pick(dialog).mode
    if len(args) != 1 or (mode == HISTORY and not _may(turn.actor, HISTORY, args[0])):
        await refuse(turn, _refused_action(dialog), update.callback_query.data)
        return
    subjects = await _subjects(turn, mode, args[0])
    if not subjects and mode == FIX:
        await refuse(turn, _refused_action(dialog), update.callback_query.data)
        return
    dialog.step, dialog.data = "subject", {"mode": mode, "class_id": args[0]}  # nothing carried over
    await save_dialog(turn, dialog)
    if not subjects:
        name = await turn.uow.views.class_name(args[0])
        show(update, turn, turn.t("correction.no_subjects", name=name), grid([], [_back(turn, "cp", 0)]))
        return
    names = await turn.uow.views.subject_names()
    buttons = [button(names[s], PREFIX, "sb", s) for s in sorted(subjects, key=lambda s: names[s])]
    title = await turn.uow.views.class_name(args[0])
    show(
        update, turn, turn.t("correction.choose_subject", title=title), grid(buttons, [_back(turn, "cp", 0)])
    )


async def _subjects(turn: Turn, mode: str, class_id: int) -> set[int]:
    if mode == FIX:
        return {s for c, s in turn.actor.teaching if c == class_id}
    year = await turn.uow.school.year_row()
    with_values = await turn.uow.gradebook.subjects_with_values(class_id, year.id)
    return {s for s in with_values if _may(turn.actor, HISTORY, class_id, s)}


async def _subject_chosen(update, turn, dialog, args) -> None:
    pick = _pick(dialog)
    if len(args) != 1 or pick.class_id is None or not _may(turn.actor, pick.mode, pick.class_id, args[0]):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.step = "semester"
    dialog.data = {"mode": pick.mode, "class_id": pick.class_id, "subject_id": args[0]}
    await save_dialog(turn, dialog)
    year = await turn.uow.school.year()
    buttons = [
        button(turn.t("entry.semester", number=s.number), PREFIX, "s", s.number) for s in year.semesters
    ]
    keyboard = column([*buttons, _back(turn, "c", pick.class_id)])
    show(update, turn, turn.t("entry.choose_semester", title=await _title(turn, _pick(dialog))), keyboard)


async def _semester_chosen(update, turn, dialog, args) -> None:
    pick = _pick(dialog)
    if pick.subject_id is None or len(args) != 1 or args[0] not in (1, 2):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.step, dialog.data["semester"] = "column", args[0]
    await save_dialog(turn, dialog)
    pick = _pick(dialog)
    year = await turn.uow.school.year_row()
    filled = await turn.uow.gradebook.filled_columns(pick.class_id, pick.subject_id, year.id, {pick.semester})
    buttons = [
        button(turn.t(option.label_key, **option.label_params), PREFIX, "k", index)
        for index, option in enumerate(await _offered(turn, pick))
        if (pick.semester, option.column.kind.value, option.column.position) in filled
    ]
    text = turn.t(
        "correction.choose_column" if buttons else "correction.no_values", title=await _title(turn, pick)
    )
    show(update, turn, text, grid(buttons, [_back(turn, "sb", pick.subject_id)]))


async def _column_chosen(update, turn, dialog, args) -> None:
    pick = _pick(dialog)
    offered = await _offered(turn, pick) if pick.semester else []
    if not args or not 0 <= args[0] < len(offered):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.step, dialog.data["option"] = "student", args[0]
    await save_dialog(turn, dialog)
    await _show_students(update, turn, _pick(dialog), 0)


async def _show_students(update: Update, turn: Turn, pick: Pick, page: int) -> None:
    saved = await _column_values(turn, pick)
    items = [
        (f"{n}. {s.name}: {value_text(turn.t, saved[s.id])}", f"{PREFIX}:st:{s.id}")
        for n, s in enumerate(await class_students(turn, pick.class_id), start=1)
        if s.id in saved
    ]
    keyboard = paged(turn.t, items, page, f"{PREFIX}:sp", back=(PREFIX, "s", pick.semester), per_row=1)
    show(update, turn, turn.t("correction.choose_student", title=await _title(turn, pick)), keyboard)


async def _student_page(update, turn, dialog, args) -> None:
    pick = _pick(dialog)
    if pick.option is None or len(args) != 1:
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    await _show_students(update, turn, pick, args[0])


async def _student_chosen(update, turn, dialog, args) -> None:
    pick = _pick(dialog)
    saved = await _column_values(turn, pick) if pick.option is not None else {}
    if len(args) != 1 or args[0] not in saved:
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.data["student_id"] = args[0]
    pick = _pick(dialog)
    title = await _title(turn, pick)
    if pick.mode == HISTORY:
        await end_dialog(turn)
        show(update, turn, await _history_text(turn, pick, title), None)
        return
    dialog.step, dialog.data["old"] = "value", saved[args[0]]
    await save_dialog(turn, dialog)
    option = (await _offered(turn, pick))[pick.option]
    hint = ", ".join(option.column.marks) if option.column.marks else turn.t("correction.score_hint")
    old = value_text(turn.t, saved[args[0]])
    show(
        update, turn, turn.t("correction.ask_value", title=title, old=old, hint=hint), column([_cancel(turn)])
    )


async def _history_text(turn: Turn, pick: Pick, title: str) -> str:
    year = await turn.uow.school.year_row()
    column_ = (await _offered(turn, pick))[pick.option].column
    key = score_key(pick.student_id, pick.subject_id, year.id, pick.semester, column_.kind, column_.position)
    entries = await turn.uow.corrections.history("score", key)
    lines = [turn.t("correction.history.title", title=title)]
    lines += [
        _history_line(turn, entry, value_text(turn.t, entry.old), value_text(turn.t, entry.new))
        for entry in entries
    ]
    return "\n".join(lines)


async def _attendance_history_text(turn: Turn, student_id: int, name: str, year: int, month: int) -> str:
    """Every change of the student's attendance marks in the month, day by day."""
    lines = [turn.t("correction.history.attendance_title", name=name, month=f"{month:02d}/{year}")]
    for day, session, entry in await turn.uow.corrections.absence_history(student_id, year, month):
        place = f"{day:%d/%m}{_session_text(turn, session)}"
        lines.append(
            f"{place}: "
            + _history_line(turn, entry, _mark_text(turn, entry.old), _mark_text(turn, entry.new))
        )
    if len(lines) == 1:
        lines.append(turn.t("correction.history.no_attendance_changes"))
    return "\n".join(lines)


def _history_line(turn: Turn, entry, old: str, new: str) -> str:
    reason = turn.t("correction.history.reason", reason=entry.reason) if entry.reason else ""
    author = entry.author or turn.t("correction.history.system")
    return turn.t("correction.history.line", at=entry.at, author=author, old=old, new=new, reason=reason)


def _mark_text(turn: Turn, mark: str | None) -> str:
    return mark or turn.t("correction.history.present")


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    text = visible_text(update.effective_message.text or "").strip()
    step = TEXT_STEPS.get(dialog.step)
    if step is None:
        turn.say("correction.use_buttons")
        return
    await step(turn, dialog, text)


async def _value_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    pick = _pick(dialog)
    option = (await _offered(turn, pick))[pick.option]
    old = (await _column_values(turn, pick)).get(pick.student_id)
    try:
        cell = one_value(text, 1, Student(pick.student_id, ""), option.column, [])
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    if cell.problem:
        turn.say(cell.problem[0], **{k: v for k, v in cell.problem[1].items() if v is not None})
        return
    if cell.value == "v":
        turn.say("correction.no_makeup")
        return
    if same_value(cell.value, old):
        turn.say("correction.same_value")
        return
    dialog.step, dialog.data["new"] = "reason", cell.value
    await save_dialog(turn, dialog)
    turn.say("correction.ask_reason", keyboard=column([_cancel(turn)]), limit=MAX_REASON)


async def _reason_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    if not 3 <= len(text) <= MAX_REASON:
        turn.say("correction.bad_reason", limit=MAX_REASON)
        return
    dialog.step, dialog.data["reason"] = "evidence", text
    await save_dialog(turn, dialog)
    await _ask_evidence(turn, dialog)


async def _ask_evidence(turn: Turn, dialog: Dialog) -> None:
    if await _needs_paper(turn, dialog):
        turn.say("correction.ask_photo_required", keyboard=column([_cancel(turn)]))
        return
    turn.say(
        "correction.ask_photo",
        keyboard=column([button(turn.t("correction.skip_photo"), PREFIX, "np"), _cancel(turn)]),
    )


async def _examiner_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    if not 2 <= len(text) <= MAX_EXAMINER:
        turn.say("correction.bad_examiner", limit=MAX_EXAMINER)
        return
    dialog.data["examiner"] = text
    await _show_slip(turn, dialog)


async def on_other(update: Update, dialog: Dialog) -> None:
    """A photo of the test paper or the mark book, while the request asks for evidence."""
    turn = current_turn()
    message = update.effective_message
    if dialog.step != "evidence" or not message.photo:
        turn.say(
            "correction.photo_not_expected" if dialog.step != "evidence" else "correction.photo_expected"
        )
        return
    largest = message.photo[-1]
    if largest.file_size and largest.file_size > MAX_PHOTO_BYTES:
        turn.say("correction.photo_too_big", limit=MAX_PHOTO_BYTES // (1024 * 1024))
        return
    content = bytes(await (await largest.get_file()).download_as_bytearray())
    evidence_id = await turn.uow.corrections.add_evidence(
        turn.actor.person.id, content, "image/jpeg", largest.file_id, turn.now
    )
    dialog.data.setdefault("evidence", []).append(evidence_id)
    await _after_photo(turn, dialog)


async def _no_photo(update, turn, dialog, args) -> None:
    if dialog.step != "evidence" or await _needs_paper(turn, dialog):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    turn.answer_press()
    await _after_photo(turn, dialog)


async def _after_photo(turn: Turn, dialog: Dialog) -> None:
    if await _needs_paper(turn, dialog):
        dialog.step = "examiner"
        await save_dialog(turn, dialog)
        turn.say("correction.ask_examiner", limit=MAX_EXAMINER)
        return
    await _show_slip(turn, dialog)


async def _show_slip(turn: Turn, dialog: Dialog) -> None:
    request = await _request(turn, dialog)
    dialog.step = "confirm"
    await save_dialog(turn, dialog)
    text = await approvals.slip_text(turn.t, turn.uow, request, len(dialog.data.get("evidence", [])))
    keyboard = column([button(turn.t("correction.send"), PREFIX, "ok"), _cancel(turn)])
    turn.send(text, keyboard)


async def _request(turn: Turn, dialog: Dialog) -> CorrectionRow:
    """The request as the dialog describes it, with today's deadline check."""
    if dialog.data.get("target") == Target.ABSENCE:
        return await _absence_request(turn, dialog)
    pick = _pick(dialog)
    year = await turn.uow.school.year()
    year_row = await turn.uow.school.year_row()
    column_ = (await _offered(turn, pick))[pick.option].column
    saved = await turn.uow.gradebook.saved_value(
        pick.student_id, pick.subject_id, year_row.id, pick.semester, column_.kind, column_.position
    )
    semester = next(s for s in year.semesters if s.number == pick.semester)
    entered_on = as_utc(saved.entered_at).astimezone(SCHOOL_TZ).date()
    limit = deadline(semester, column_.kind, column_.position, entered_on)
    today = turn.now.astimezone(SCHOOL_TZ).date()
    return CorrectionRow(
        year_id=year_row.id,
        semester=pick.semester,
        class_id=pick.class_id,
        student_id=pick.student_id,
        target=Target.SCORE,
        subject_id=pick.subject_id,
        kind=column_.kind.value,
        position=column_.position,
        old_value=dialog.data["old"],
        new_value=dialog.data["new"],
        reason=dialog.data["reason"],
        examiner=dialog.data.get("examiner", ""),
        deadline=limit.last_day if limit else None,
        late=is_late(limit, today),
        requested_by=turn.actor.person.id,
        requested_at=turn.now,
        status=Status.PENDING,
        decision_note="",
    )


async def _send(update, turn, dialog, args) -> None:
    if dialog.step != "confirm" or not await _may_request(turn, dialog):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    request = await _request(turn, dialog)
    if await turn.uow.year_end.year_fixed(request.class_id):
        turn.answer_press()
        turn.say("year_end.correction.lists_fixed", name=await turn.uow.views.class_name(request.class_id))
        return
    if not same_value(await turn.uow.corrections.current_value(request), request.old_value):
        turn.answer_press()
        turn.say("correction.value_moved")
        return
    waiting = await turn.uow.corrections.pending_for(request)
    if waiting is not None:
        turn.answer_press()
        turn.say("correction.already_pending", id=waiting)
        return
    if not _complete(request, dialog, await _needs_paper(turn, dialog)):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    await turn.uow.corrections.submit(request, dialog.data.get("evidence", []), author)
    await end_dialog(turn)
    turn.answer_press()
    turn.later(lambda _bot: update.callback_query.edit_message_reply_markup(None))
    sent_to = await approvals.send_to_leaders(turn, request)
    if sent_to:
        turn.say("correction.sent", id=request.id, leaders=sent_to)
    else:
        turn.say("correction.sent_nobody", id=request.id)


async def _cancel_pressed(update, turn, dialog, args) -> None:
    await end_dialog(turn)
    show(update, turn, turn.t("correction.cancelled"), None)


# --- an attendance mark of a submitted month ---------------------------------------------------


async def _attendance_classes(turn: Turn, mode: str) -> list[tuple[int, str, int]]:
    """Corrections: the homeroom teacher's classes. History: those too, or every class for who sees all."""
    if mode == HISTORY and turn.actor.sees_every_class:
        return await turn.uow.views.classes()
    return await turn.uow.views.classes(turn.actor.homeroom_classes)


def _may_see_attendance(actor: Actor, mode: str, class_id: int | None) -> bool:
    if class_id is None:
        return False
    if mode == HISTORY and actor.sees_every_class:
        return True
    return allowed(actor, Action.TAKE_ATTENDANCE, Scope(class_id))


async def _attendance_months(turn: Turn, mode: str, class_id: int) -> list[tuple[int, int]]:
    """Corrections: the submitted months (a month not submitted is changed in /diemdanh). History: every
    month of the school year so far. Latest first."""
    if mode == FIX:
        return sorted(await turn.uow.attendance.submitted_months(class_id), reverse=True)
    year = await turn.uow.school.year_row()
    last = min(turn.now.astimezone(SCHOOL_TZ).date(), year.end)
    months, month = [], (year.start.year, year.start.month)
    while month <= (last.year, last.month):
        months.append(month)
        month = next_month(*month)
    return months[::-1]


async def _attendance_class(update, turn, dialog, args) -> None:
    mode = _pick(dialog).mode
    if len(args) != 1 or not _may_see_attendance(turn.actor, mode, args[0]):
        await refuse(turn, _refused_action(dialog), update.callback_query.data)
        return
    months = await _attendance_months(turn, mode, args[0])
    dialog.data = {"mode": mode, "target": Target.ABSENCE.value, "class_id": args[0]}
    dialog.step = "month"
    await save_dialog(turn, dialog)
    buttons = [button(f"{month:02d}/{year}", PREFIX, "mo", year * 100 + month) for year, month in months]
    name = await turn.uow.views.class_name(args[0])
    key = f"correction.{mode}.choose_month" if months else f"correction.{mode}.no_months"
    show(update, turn, turn.t(key, name=name), grid(buttons, [_cancel(turn)], per_row=3))


async def _month_chosen(update, turn, dialog, args) -> None:
    class_id, mode = dialog.data.get("class_id"), _pick(dialog).mode
    months = await _attendance_months(turn, mode, class_id) if class_id else []
    if dialog.step != "month" or len(args) != 1 or divmod(args[0], 100) not in months:
        await refuse(turn, _refused_action(dialog), update.callback_query.data)
        return
    dialog.step, dialog.data["month"] = "absence_student", args[0]
    await save_dialog(turn, dialog)
    buttons = [
        button(f"{n}. {s.name}", PREFIX, "as", s.id)
        for n, s in enumerate(await class_students(turn, class_id), start=1)
    ]
    year, month = divmod(args[0], 100)
    text = turn.t("correction.choose_absence_student", month=f"{month:02d}/{year}")
    show(update, turn, text, column([*buttons, _cancel(turn)]))


async def _absence_student(update, turn, dialog, args) -> None:
    students = {s.id: s.name for s in await class_students(turn, dialog.data.get("class_id"))}
    if dialog.step != "absence_student" or len(args) != 1 or args[0] not in students:
        await refuse(turn, _refused_action(dialog), update.callback_query.data)
        return
    if _pick(dialog).mode == HISTORY:
        await end_dialog(turn)
        year, month = divmod(dialog.data["month"], 100)
        show(
            update, turn, await _attendance_history_text(turn, args[0], students[args[0]], year, month), None
        )
        return
    dialog.step, dialog.data["student_id"] = "mark", args[0]
    await save_dialog(turn, dialog)
    year, month = divmod(dialog.data["month"], 100)
    absences = [
        f"{a.day:%d/%m}{_session_text(turn, a.session)} {a.mark}"
        for a in await turn.uow.attendance.month_absences(dialog.data["class_id"], year, month)
        if a.student_id == args[0]
    ]
    two = await turn.uow.attendance.sessions_per_day() == 2
    key = "correction.ask_mark_sessions" if two else "correction.ask_mark"
    text = turn.t(
        key, name=students[args[0]], absences=", ".join(absences) or turn.t("correction.no_absences")
    )
    show(update, turn, text, column([_cancel(turn)]))


async def _mark_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    year, month = divmod(dialog.data["month"], 100)
    two = await turn.uow.attendance.sessions_per_day() == 2
    try:
        change = read_mark_change(text, year, month, two)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    old = (await turn.uow.attendance.marks([dialog.data["student_id"]], change.day, change.session)).get(
        dialog.data["student_id"]
    )
    if old == change.mark:
        turn.say("correction.same_mark")
        return
    dialog.data.update(day=change.day.isoformat(), session=change.session, new=change.mark, old=old)
    dialog.step = "reason"
    await save_dialog(turn, dialog)
    turn.say("correction.ask_reason", keyboard=column([_cancel(turn)]), limit=MAX_REASON)


async def _absence_request(turn: Turn, dialog: Dialog) -> CorrectionRow:
    data = dialog.data
    day = date.fromisoformat(data["day"])
    year = await turn.uow.school.year()
    return CorrectionRow(
        year_id=(await turn.uow.school.year_row()).id,
        semester=current_semester(year, day).number,
        class_id=data["class_id"],
        student_id=data["student_id"],
        target=Target.ABSENCE,
        day=day,
        session=data["session"],
        old_value=data["old"],
        new_value=data["new"],
        reason=data["reason"],
        examiner="",
        late=False,
        requested_by=turn.actor.person.id,
        requested_at=turn.now,
        status=Status.PENDING,
        decision_note="",
    )


def _session_text(turn: Turn, session: int) -> str:
    return f" {turn.t(f'correction.session.{session}')}" if session else ""


async def _may_request(turn: Turn, dialog: Dialog) -> bool:
    class_id = dialog.data.get("class_id")
    if dialog.data.get("target") == Target.ABSENCE:
        return allowed(turn.actor, Action.TAKE_ATTENDANCE, Scope(class_id))
    return _may(turn.actor, FIX, class_id, dialog.data.get("subject_id"))


# --- helpers ---------------------------------------------------------------------------------


def _complete(request: CorrectionRow, dialog: Dialog, needs_paper: bool) -> bool:
    """The request as a whole, checked once more before it is stored: a reason, and for a test column
    the paper's photo and the examiner; an attendance mark only P, K or present."""
    if not request.reason or (needs_paper and not (dialog.data.get("evidence") and request.examiner)):
        return False
    if request.target == Target.ABSENCE:
        return request.new_value in (*MARKS, None) and request.day is not None
    return request.subject_id is not None and request.new_value is not None


def _back(turn: Turn, *parts: object):
    return button(turn.t("bot.back"), PREFIX, *parts)


def _cancel(turn: Turn):
    return button(turn.t("correction.cancel"), PREFIX, "x")


async def _offered(turn: Turn, pick: Pick) -> list[Offered]:
    return await offered_for(turn.uow, pick.class_id, pick.subject_id)


async def _column_values(turn: Turn, pick: Pick) -> dict[int, str]:
    year = await turn.uow.school.year_row()
    column_ = (await _offered(turn, pick))[pick.option].column
    return await turn.uow.gradebook.column_values(
        pick.class_id, pick.subject_id, year.id, pick.semester, column_
    )


async def _needs_paper(turn: Turn, dialog: Dialog) -> bool:
    """Mid-term and end-of-term scores need the test paper's photo and the examiner's name."""
    if dialog.data.get("target") == Target.ABSENCE:
        return False
    pick = _pick(dialog)
    return is_periodic_test((await _offered(turn, pick))[pick.option].column.kind)


async def _title(turn: Turn, pick: Pick) -> str:
    subjects = await turn.uow.views.subject_names()
    parts = [await turn.uow.views.class_name(pick.class_id), subjects.get(pick.subject_id, "?")]
    if pick.semester:
        parts.append(turn.t("entry.semester", number=pick.semester))
    if pick.option is not None:
        option = (await _offered(turn, pick))[pick.option]
        parts.append(turn.t(option.label_key, **option.label_params))
    if pick.student_id is not None:
        students = {s.id: s.name for s in await class_students(turn, pick.class_id)}
        parts.append(students.get(pick.student_id, "?"))
    return " · ".join(parts)


PRESSES = {
    "cp": _class_page,
    "c": _class_chosen,
    "sb": _subject_chosen,
    "s": _semester_chosen,
    "k": _column_chosen,
    "sp": _student_page,
    "st": _student_chosen,
    "am": _attendance_class,
    "mo": _month_chosen,
    "as": _absence_student,
    "np": _no_photo,
    "ok": _send,
    "x": _cancel_pressed,
}


async def _text_instead_of_photo(turn: Turn, dialog: Dialog, text: str) -> None:
    turn.say("correction.photo_expected")


TEXT_STEPS = {
    "value": _value_typed,
    "reason": _reason_typed,
    "mark": _mark_typed,
    "evidence": _text_instead_of_photo,
    "examiner": _examiner_typed,
}
