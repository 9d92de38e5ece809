"""/suadiem once the value is picked: the new value, the reason, the evidence (the test paper's photo and
the examiner's name where required), the slip shown and sent to the leadership."""

from __future__ import annotations

from bot.conversations import approvals
from bot.conversations.base import Dialog, end_dialog, save_dialog
from bot.conversations.correction_slip import slip_text
from bot.conversations.corrections_absence import absence_request
from bot.conversations.corrections_pick import (
    FIX,
    PREFIX,
    cancel_button,
    column_values,
    may_pick,
    offered_columns,
    pick_of,
)
from bot.handlers.common import refuse
from bot.keyboards import button, column
from bot.turn import Turn
from domain.corrections import (
    MAX_EXAMINER,
    MAX_REASON,
    Target,
    is_periodic_test,
    same_value,
)
from domain.entry import Student, one_value
from domain.errors import DomainError, PermissionDenied
from domain.permissions import Action, allowed
from domain.permissions import Target as Scope
from services import corrections
from services.corrections import ScoreChange
from storage.changes import Author
from storage.models import CorrectionRow


async def value_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    pick = pick_of(dialog)
    option = (await offered_columns(turn, pick))[pick.option]
    old = (await column_values(turn, pick)).get(pick.student_id)
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
    turn.say("correction.ask_reason", keyboard=column([cancel_button(turn)]), limit=MAX_REASON)


async def reason_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    if not 3 <= len(text) <= MAX_REASON:
        turn.say("correction.bad_reason", limit=MAX_REASON)
        return
    dialog.step, dialog.data["reason"] = "evidence", text
    await save_dialog(turn, dialog)
    await _ask_evidence(turn, dialog)


async def _ask_evidence(turn: Turn, dialog: Dialog) -> None:
    if await _needs_paper(turn, dialog):
        turn.say("correction.ask_photo_required", keyboard=column([cancel_button(turn)]))
        return
    turn.say(
        "correction.ask_photo",
        keyboard=column([button(turn.t("correction.skip_photo"), PREFIX, "np"), cancel_button(turn)]),
    )


async def examiner_typed(turn: Turn, dialog: Dialog, text: str) -> None:
    if not 2 <= len(text) <= MAX_EXAMINER:
        turn.say("correction.bad_examiner", limit=MAX_EXAMINER)
        return
    dialog.data["examiner"] = text
    await _show_slip(turn, dialog)


async def no_photo_pressed(update, turn, dialog, args) -> None:
    if dialog.step != "evidence" or await _needs_paper(turn, dialog):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    turn.answer_press()
    await after_photo(turn, dialog)


async def after_photo(turn: Turn, dialog: Dialog) -> None:
    if await _needs_paper(turn, dialog):
        dialog.step = "examiner"
        await save_dialog(turn, dialog)
        turn.say("correction.ask_examiner", limit=MAX_EXAMINER)
        return
    await _show_slip(turn, dialog)


async def _show_slip(turn: Turn, dialog: Dialog) -> None:
    try:
        request = await _request(turn, dialog)
    except DomainError as error:  # the value was taken away meanwhile
        await end_dialog(turn)
        turn.say(error.key, **error.params)
        return
    dialog.step = "confirm"
    await save_dialog(turn, dialog)
    text = await slip_text(turn.t, turn.uow, request, len(dialog.data.get("evidence", [])))
    keyboard = column([button(turn.t("correction.send"), PREFIX, "ok"), cancel_button(turn)])
    turn.send(text, keyboard)


async def _request(turn: Turn, dialog: Dialog) -> CorrectionRow:
    """The request as the dialog describes it, with today's deadline check."""
    if dialog.data.get("target") == Target.ABSENCE:
        return await absence_request(turn, dialog)
    pick = pick_of(dialog)
    column_ = (await offered_columns(turn, pick))[pick.option].column
    data = dialog.data
    change = ScoreChange(
        pick.class_id,
        pick.student_id,
        pick.subject_id,
        pick.semester,
        column_.kind,
        column_.position,
        data["old"],
        data["new"],
        data["reason"],
        data.get("examiner", ""),
    )
    return await corrections.score_request(turn.uow, change, turn.actor.person.id, turn.now)


async def send_pressed(update, turn, dialog, args) -> None:
    if dialog.step != "confirm" or not await _may_request(turn, dialog):
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    try:
        request = await _request(turn, dialog)
        author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
        evidence = dialog.data.get("evidence", [])
        await corrections.submit(turn.uow, request, evidence, author, await _needs_paper(turn, dialog))
    except PermissionDenied:
        await refuse(turn, "request-correction", update.callback_query.data)
        return
    except DomainError as error:
        turn.answer_press()
        turn.say(error.key, **error.params)
        return
    await end_dialog(turn)
    turn.answer_press()
    turn.later(lambda _bot: update.callback_query.edit_message_reply_markup(None))
    sent_to = await approvals.send_to_leaders(turn, request)
    if sent_to:
        turn.say("correction.sent", id=request.id, leaders=sent_to)
    else:
        turn.say("correction.sent_nobody", id=request.id)


async def _may_request(turn: Turn, dialog: Dialog) -> bool:
    class_id = dialog.data.get("class_id")
    if dialog.data.get("target") == Target.ABSENCE:
        return allowed(turn.actor, Action.TAKE_ATTENDANCE, Scope(class_id))
    return may_pick(turn.actor, FIX, class_id, dialog.data.get("subject_id"))


async def _needs_paper(turn: Turn, dialog: Dialog) -> bool:
    """Mid-term and end-of-term scores need the test paper's photo and the examiner's name."""
    if dialog.data.get("target") == Target.ABSENCE:
        return False
    pick = pick_of(dialog)
    return is_periodic_test((await offered_columns(turn, pick))[pick.option].column.kind)


async def text_instead_of_photo(turn: Turn, dialog: Dialog, text: str) -> None:
    turn.say("correction.photo_expected")
