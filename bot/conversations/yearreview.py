"""/xetlenlop: the year-end review (xét lên lớp) and, after it, the summer lists.

The homeroom teacher opens it once every required value of the class is in: the counts first, then
the numbered list; a number shows a student's line, where the teacher adds a flag or decides a case
the rules leave to people, always with a reason; then submits. The lists go to every vice-principal
and principal, who look at the counts and any student, approve, or send them back with a comment.
One decision counts (a conditional update in the store). Approved year lists lock the class's year;
the summer lists (re-tests and summer conduct training) follow the same way. The draft lives in the
dialog; the lists are written only on submission. This module is the flow and the teacher's steps; the
leadership's are in yearreview_leaders.py, the screens in yearreview_screens.py, the lists computed in
services/year_end.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.conversations.yearreview_leaders import (
    LEADER_PRESSES,
    leader_detail,
    return_with,
    send_to_leaders,
    waiting_lists,
)
from bot.conversations.yearreview_screens import (
    COMMAND,
    FLAGS,
    FLOW,
    OUTCOMES,
    PREFIX,
    counts_text,
    detail_keyboard,
    detail_text,
    say_not_ready,
    show_list,
    title_of,
)
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, column, is_number
from bot.turn import Turn, current_turn
from domain.errors import DomainError
from domain.permissions import Action, Target, allowed
from domain.year_end import (
    Flag,
    Outcome,
    ReviewState,
    Stage,
    StudentLine,
    add_flag,
    check_submittable,
    counts,
    decide,
    with_people,
)
from services.year_end import current_stage, missing_values, proposed_lines, stored_lines
from storage.changes import Author
from storage.year_end_store import Submitted


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is None or not (turn.actor.homeroom_classes or allowed(turn.actor, Action.APPROVE)):
        await refuse(turn, "year-review")
        return
    if turn.actor.homeroom_classes:
        classes = await turn.uow.views.classes(turn.actor.homeroom_classes)
        if len(classes) == 1:
            await _open_class(update, turn, classes[0][0])
            return
        keyboard = column([button(name, PREFIX, "c", cid) for cid, name, _ in classes])
        show(update, turn, turn.t("year_end.choose_class"), keyboard)
        return
    await waiting_lists(update, turn)


async def _open_class(update: Update, turn: Turn, class_id: int) -> None:
    if not allowed(turn.actor, Action.PROPOSE_YEAR_LISTS, Target(class_id)):
        await refuse(turn, "year-review", str(class_id))
        return
    turn.answer_press()
    stage, state = await current_stage(turn.uow, class_id)
    title = await title_of(turn.t, turn.uow, class_id, stage)
    if state in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        lines = await stored_lines(turn.uow, class_id, stage)
        key = "year_end.waiting" if state is ReviewState.SUBMITTED else "year_end.approved_already"
        text = "\n\n".join([counts_text(turn.t, title, counts(lines)), turn.t(key)])
        turn.send(text)
        return
    missing = await missing_values(turn.uow, class_id, stage)
    if missing:
        await say_not_ready(turn, class_id, missing)
        return
    dialog = await current_dialog(turn)
    same = dialog and dialog.flow == FLOW and dialog.data.get("class_id") == class_id
    if same and dialog.data.get("stage") == stage.value:  # the draft being prepared goes on
        dialog.step = "draft"
        dialog.data.pop("ask", None)
        await save_dialog(turn, dialog)
        await _show_counts(turn, dialog)
        return
    dialog = Dialog(FLOW, "draft", {"class_id": class_id, "stage": stage.value, "flags": {}, "decisions": {}})
    if state is ReviewState.RETURNED:  # start from what was sent back
        review = await turn.uow.year_end.review(class_id, stage)
        for line in await turn.uow.year_end.lines(class_id, stage):
            dialog.data["flags"][str(line.student_id)] = dict(line.flags)
            if line.decision:
                dialog.data["decisions"][str(line.student_id)] = line.decision.value
        turn.say("year_end.returned_with", comment=review.comment)
    await save_dialog(turn, dialog)
    await _show_counts(turn, dialog)


async def draft_lines(turn: Turn, dialog: Dialog) -> list[StudentLine]:
    """The engine's lines with what the teacher added so far."""
    stage = Stage(dialog.data["stage"])
    lines = await proposed_lines(turn.uow, dialog.data["class_id"], stage)
    flags, decisions = dialog.data["flags"], dialog.data["decisions"]
    return [
        with_people(
            line,
            flags.get(str(line.student_id), {}),
            Outcome(decisions[str(line.student_id)]) if str(line.student_id) in decisions else None,
        )
        for line in lines
    ]


async def _show_counts(turn: Turn, dialog: Dialog) -> None:
    lines = await draft_lines(turn, dialog)
    stage = Stage(dialog.data["stage"])
    title = await title_of(turn.t, turn.uow, dialog.data["class_id"], stage)
    keyboard = column(
        [
            button(turn.t("year_end.show_list"), PREFIX, "l"),
            button(turn.t("year_end.submit"), PREFIX, "s"),
            button(turn.t("year_end.cancel"), PREFIX, "x"),
        ]
    )
    turn.send(counts_text(turn.t, title, counts(lines)), keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if parts == ["start"]:
        await start(update, context)
        return
    if not parts or not all(is_number(p) for p in parts[1:]):
        await refuse(turn, "year-review", update.callback_query.data)
        return
    args = [int(p) for p in parts[1:]]
    if parts[0] in LEADER_PRESSES:
        if len(args) != 1 or not allowed(turn.actor, Action.APPROVE):
            await refuse(turn, "approve-year-lists", update.callback_query.data)
            return
        await LEADER_PRESSES[parts[0]](update, turn, args[0])
        return
    if parts[0] == "c" and len(args) == 1:
        await _open_class(update, turn, args[0])
        return
    dialog = await current_dialog(turn)
    action = TEACHER_PRESSES.get(parts[0])
    if action is None or turn.actor is None:
        await refuse(turn, "year-review", update.callback_query.data)
        return
    if dialog is None or dialog.flow != FLOW or dialog.step not in ("draft", "reason"):
        turn.answer_press()
        turn.say("year_end.nothing_in_progress")
        return
    if not allowed(turn.actor, Action.PROPOSE_YEAR_LISTS, Target(dialog.data["class_id"])):
        await refuse(turn, "year-review", update.callback_query.data)
        return
    await action(update, turn, dialog, args)


async def _list(update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    turn.answer_press()
    title = await title_of(turn.t, turn.uow, dialog.data["class_id"], Stage(dialog.data["stage"]))
    back = column([button(turn.t("year_end.back_to_counts"), PREFIX, "h")])
    await show_list(turn, await draft_lines(turn, dialog), title, back)


async def _home(update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    turn.answer_press()
    dialog.step = "draft"
    dialog.data.pop("ask", None)
    await save_dialog(turn, dialog)
    await _show_counts(turn, dialog)


async def _ask_flag(update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    await _ask_reason(turn, dialog, args, "flag", FLAGS)


async def _ask_decision(update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    await _ask_reason(turn, dialog, args, "outcome", OUTCOMES)


async def _ask_reason(turn: Turn, dialog: Dialog, args: list[int], what: str, choices: tuple) -> None:
    line = await _line_of(turn, dialog, args[0]) if len(args) == 2 else None
    if line is None or not 0 <= args[1] < len(choices) or (what == "outcome" and not line.marked):
        await refuse(turn, "year-review", f"{what}:{args}")
        return
    turn.answer_press()
    choice = choices[args[1]]
    dialog.step, dialog.data["ask"] = "reason", {"student": line.student_id, what: choice.value}
    await save_dialog(turn, dialog)
    label = turn.t(f"year_end.flag.{choice.value}" if what == "flag" else f"year_end.outcome.{choice.value}")
    turn.say("year_end.ask_reason", name=line.name, what=label)


async def _line_of(turn: Turn, dialog: Dialog, student_id: int) -> StudentLine | None:
    return next((line for line in await draft_lines(turn, dialog) if line.student_id == student_id), None)


async def _submit(update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    turn.answer_press()
    class_id, stage = dialog.data["class_id"], Stage(dialog.data["stage"])
    missing = await missing_values(turn.uow, class_id, stage)
    if missing:  # something changed since the lists were opened
        await say_not_ready(turn, class_id, missing)
        return
    lines = await draft_lines(turn, dialog)
    try:
        check_submittable(lines)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    done = await turn.uow.year_end.submit(class_id, stage, lines, author)
    if done is not Submitted.DONE:
        await end_dialog(turn)
        turn.say("year_end.waiting" if done is Submitted.WAITING else "year_end.approved_already")
        return
    await end_dialog(turn)
    review = await turn.uow.year_end.review(class_id, stage)
    reached = await send_to_leaders(turn, review)
    turn.say("year_end.submitted", leaders=reached or "-")


async def _cancel(update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    await end_dialog(turn)
    answer_and_show(turn, update.callback_query, turn.t("year_end.cancelled"), None)


TEACHER_PRESSES = {"l": _list, "h": _home, "f": _ask_flag, "o": _ask_decision, "s": _submit, "x": _cancel}


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    text = (update.effective_message.text or "").strip()
    if dialog.step == "comment":
        await return_with(turn, dialog, text)
        return
    if dialog.step == "look":
        await leader_detail(turn, dialog, text)
        return
    if not allowed(turn.actor, Action.PROPOSE_YEAR_LISTS, Target(dialog.data.get("class_id"))):
        await end_dialog(turn)
        await refuse(turn, "year-review")
        return
    if dialog.step == "reason":
        await _reason_given(turn, dialog, text)
        return
    lines = await draft_lines(turn, dialog)
    if not is_number(text) or not 1 <= int(text) <= len(lines):
        turn.say("year_end.list.bad_number", count=len(lines))
        return
    line = lines[int(text) - 1]
    turn.send(detail_text(turn.t, line), detail_keyboard(turn.t, line))


async def _reason_given(turn: Turn, dialog: Dialog, text: str) -> None:
    ask = dialog.data.get("ask") or {}
    line = await _line_of(turn, dialog, ask.get("student", 0))
    if line is None:
        dialog.step = "draft"
        await save_dialog(turn, dialog)
        turn.say("year_end.nothing_in_progress")
        return
    try:
        if "flag" in ask:
            changed = add_flag(line, Flag(ask["flag"]), text)
        else:
            changed = decide(line, Outcome(ask["outcome"]), text)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    key = str(line.student_id)
    dialog.data["flags"][key] = dict(changed.flags)
    if changed.decision:
        dialog.data["decisions"][key] = changed.decision.value
    dialog.step = "draft"
    dialog.data.pop("ask", None)
    await save_dialog(turn, dialog)
    turn.send(detail_text(turn.t, changed), detail_keyboard(turn.t, changed))


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("year_end.text_expected")
