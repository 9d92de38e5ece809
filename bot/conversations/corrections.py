"""/suadiem: a teacher asks to correct one of their saved values — the electronic "Phiếu ghi nhận
việc chỉnh điểm"; /lichsu: the history of one value. Both pick the value the same way:

class → subject → semester → column → student. Then /suadiem asks for the new value, the reason and
the evidence (a photo; for mid-term and end-of-term tests required, with the examiner's name), shows
the slip with its deadline, and sends it to the leadership (bot/conversations/approvals.py).
/lichsu shows every change of the value: who, when, old → new, why.
This module keeps the commands, the presses and the picking steps; corrections_pick.py what the pick
holds, corrections_request.py the request's steps, corrections_absence.py an attendance mark,
corrections_history.py /lichsu's texts."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.corrections_absence import (
    absence_student_chosen,
    attendance_class_chosen,
    attendance_classes,
    mark_typed,
    may_see_attendance,
    month_chosen,
)
from bot.conversations.corrections_history import score_history_text
from bot.conversations.corrections_pick import (
    FIX,
    HISTORY,
    PREFIX,
    Pick,
    back_button,
    cancel_button,
    column_values,
    may_pick,
    offered_columns,
    pick_of,
    refused_action,
    title_of,
)
from bot.conversations.corrections_request import (
    after_photo,
    examiner_typed,
    no_photo_pressed,
    reason_typed,
    send_pressed,
    text_instead_of_photo,
    value_typed,
)
from bot.conversations.review import value_text
from bot.conversations.shared import class_students, show
from bot.handlers.common import refuse
from bot.keyboards import button, column, grid, is_number, paged
from bot.turn import Turn, current_turn
from domain.corrections import Target
from domain.text import visible_text

FLOW = "correction"
COMMAND = commands.CORRECT
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def handlers() -> list:
    return [
        CommandHandler(commands.CORRECT.names, start_correction),
        CommandHandler(commands.HISTORY.names, start_history),
        CallbackQueryHandler(press, pattern=rf"^{PREFIX}:"),
    ]


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
        for cid, name, _ in await attendance_classes(turn, mode)
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
        await refuse(turn, refused_action(dialog), update.callback_query.data)
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
        return may_see_attendance(turn.actor, pick_of(dialog).mode, class_id)
    if class_id is None or verb in ("c", "cp", "am", "sb"):  # these check the choice they make
        return True
    return may_pick(turn.actor, pick_of(dialog).mode, class_id, subject_id)


async def _class_page(update, turn, dialog, args) -> None:
    await _show_classes(update, turn, pick_of(dialog).mode, args[0] if args else 0)


async def _class_chosen(update, turn, dialog, args) -> None:
    mode = pick_of(dialog).mode
    if len(args) != 1 or (mode == HISTORY and not may_pick(turn.actor, HISTORY, args[0])):
        await refuse(turn, refused_action(dialog), update.callback_query.data)
        return
    subjects = await _subjects(turn, mode, args[0])
    if not subjects and mode == FIX:
        await refuse(turn, refused_action(dialog), update.callback_query.data)
        return
    dialog.step, dialog.data = "subject", {"mode": mode, "class_id": args[0]}  # nothing carried over
    await save_dialog(turn, dialog)
    if not subjects:
        name = await turn.uow.views.class_name(args[0])
        show(
            update, turn, turn.t("correction.no_subjects", name=name), grid([], [back_button(turn, "cp", 0)])
        )
        return
    names = await turn.uow.views.subject_names()
    buttons = [button(names[s], PREFIX, "sb", s) for s in sorted(subjects, key=lambda s: names[s])]
    title = await turn.uow.views.class_name(args[0])
    show(
        update,
        turn,
        turn.t("correction.choose_subject", title=title),
        grid(buttons, [back_button(turn, "cp", 0)]),
    )


async def _subjects(turn: Turn, mode: str, class_id: int) -> set[int]:
    if mode == FIX:
        return {s for c, s in turn.actor.teaching if c == class_id}
    year = await turn.uow.school.year_row()
    with_values = await turn.uow.gradebook.subjects_with_values(class_id, year.id)
    return {s for s in with_values if may_pick(turn.actor, HISTORY, class_id, s)}


async def _subject_chosen(update, turn, dialog, args) -> None:
    pick = pick_of(dialog)
    if len(args) != 1 or pick.class_id is None or not may_pick(turn.actor, pick.mode, pick.class_id, args[0]):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.step = "semester"
    dialog.data = {"mode": pick.mode, "class_id": pick.class_id, "subject_id": args[0]}
    await save_dialog(turn, dialog)
    year = await turn.uow.school.year()
    buttons = [
        button(turn.t("entry.semester", number=s.number), PREFIX, "s", s.number) for s in year.semesters
    ]
    keyboard = column([*buttons, back_button(turn, "c", pick.class_id)])
    show(update, turn, turn.t("entry.choose_semester", title=await title_of(turn, pick_of(dialog))), keyboard)


async def _semester_chosen(update, turn, dialog, args) -> None:
    pick = pick_of(dialog)
    if pick.subject_id is None or len(args) != 1 or args[0] not in (1, 2):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.step, dialog.data["semester"] = "column", args[0]
    await save_dialog(turn, dialog)
    pick = pick_of(dialog)
    year = await turn.uow.school.year_row()
    filled = await turn.uow.gradebook.filled_columns(pick.class_id, pick.subject_id, year.id, {pick.semester})
    buttons = [
        button(turn.t(option.label_key, **option.label_params), PREFIX, "k", index)
        for index, option in enumerate(await offered_columns(turn, pick))
        if (pick.semester, option.column.kind.value, option.column.position) in filled
    ]
    text = turn.t(
        "correction.choose_column" if buttons else "correction.no_values", title=await title_of(turn, pick)
    )
    show(update, turn, text, grid(buttons, [back_button(turn, "sb", pick.subject_id)]))


async def _column_chosen(update, turn, dialog, args) -> None:
    pick = pick_of(dialog)
    offered = await offered_columns(turn, pick) if pick.semester else []
    if not args or not 0 <= args[0] < len(offered):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.step, dialog.data["option"] = "student", args[0]
    await save_dialog(turn, dialog)
    await _show_students(update, turn, pick_of(dialog), 0)


async def _show_students(update: Update, turn: Turn, pick: Pick, page: int) -> None:
    saved = await column_values(turn, pick)
    items = [
        (f"{n}. {s.name}: {value_text(turn.t, saved[s.id])}", f"{PREFIX}:st:{s.id}")
        for n, s in enumerate(await class_students(turn, pick.class_id), start=1)
        if s.id in saved
    ]
    keyboard = paged(turn.t, items, page, f"{PREFIX}:sp", back=(PREFIX, "s", pick.semester), per_row=1)
    show(update, turn, turn.t("correction.choose_student", title=await title_of(turn, pick)), keyboard)


async def _student_page(update, turn, dialog, args) -> None:
    pick = pick_of(dialog)
    if pick.option is None or len(args) != 1:
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    await _show_students(update, turn, pick, args[0])


async def _student_chosen(update, turn, dialog, args) -> None:
    pick = pick_of(dialog)
    saved = await column_values(turn, pick) if pick.option is not None else {}
    if len(args) != 1 or args[0] not in saved:
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    dialog.data["student_id"] = args[0]
    pick = pick_of(dialog)
    title = await title_of(turn, pick)
    if pick.mode == HISTORY:
        await end_dialog(turn)
        show(update, turn, await score_history_text(turn, pick, title), None)
        return
    dialog.step, dialog.data["old"] = "value", saved[args[0]]
    await save_dialog(turn, dialog)
    option = (await offered_columns(turn, pick))[pick.option]
    hint = ", ".join(option.column.marks) if option.column.marks else turn.t("correction.score_hint")
    old = value_text(turn.t, saved[args[0]])
    show(
        update,
        turn,
        turn.t("correction.ask_value", title=title, old=old, hint=hint),
        column([cancel_button(turn)]),
    )


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    text = visible_text(update.effective_message.text or "").strip()
    step = TEXT_STEPS.get(dialog.step)
    if step is None:
        turn.say("correction.use_buttons")
        return
    await step(turn, dialog, text)


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
    await after_photo(turn, dialog)


async def _cancel_pressed(update, turn, dialog, args) -> None:
    await end_dialog(turn)
    show(update, turn, turn.t("correction.cancelled"), None)


PRESSES = {
    "cp": _class_page,
    "c": _class_chosen,
    "sb": _subject_chosen,
    "s": _semester_chosen,
    "k": _column_chosen,
    "sp": _student_page,
    "st": _student_chosen,
    "am": attendance_class_chosen,
    "mo": month_chosen,
    "as": absence_student_chosen,
    "np": no_photo_pressed,
    "ok": send_pressed,
    "x": _cancel_pressed,
}


TEXT_STEPS = {
    "value": value_typed,
    "reason": reason_typed,
    "mark": mark_typed,
    "evidence": text_instead_of_photo,
    "examiner": examiner_typed,
}
