"""/xetlenlop for the leadership: the submitted lists sent to every vice-principal and principal, looked
at (the counts, the list, any student's line), approved or sent back with a comment; the teacher is told.
One decision counts (a conditional update in the store)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

from bot.conversations.base import Dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.conversations.yearreview_screens import (
    COMMAND,
    FLOW,
    PREFIX,
    counts_text,
    detail_text,
    show_list,
    title_of,
)
from bot.handlers.common import refuse
from bot.keyboards import button, is_number
from bot.turn import Turn
from domain.permissions import Action, allowed
from domain.year_end import MAX_COMMENT, MIN_COMMENT, ReviewState, Stage, counts
from locales import Translator, translator
from services import elsewhere
from services.year_end import stored_lines
from storage.changes import Author
from storage.models import ClassReviewRow
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def _decision_keyboard(t: Translator, review_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(t("year_end.leader.list"), PREFIX, "vl", review_id)],
            [
                button(t("year_end.leader.approve"), PREFIX, "ok", review_id),
                button(t("year_end.leader.return"), PREFIX, "no", review_id),
            ],
        ]
    )


async def _card(t: Translator, uow: UnitOfWork, review: ClassReviewRow) -> str:
    stage = Stage(review.stage)
    lines = await stored_lines(uow, review.class_id, stage)
    title = await title_of(t, uow, review.class_id, stage)
    who = await uow.corrections.staff_name(review.submitted_by)
    return "\n".join([t("year_end.leader.from", teacher=who), counts_text(t, title, counts(lines))])


async def send_to_leaders(turn: Turn, review: ClassReviewRow) -> str:
    """The counts to every leader but the teacher (on another channel: through the outbox); returns the
    names reached."""
    leaders = await turn.uow.corrections.approvers(but=review.submitted_by)
    here, others = elsewhere.split(turn.channel, leaders)
    for leader in here:
        t = translator(leader.language)
        turn.send(
            await _card(t, turn.uow, review), _decision_keyboard(t, review.id), chat_id=int(leader.account)
        )

    async def text(t: Translator) -> str:
        command = t("year_end.open_elsewhere", command=f"/{COMMAND.vi}")
        return f"{await _card(t, turn.uow, review)}\n\n{command}"

    await elsewhere.tell(
        turn.uow, others, f"year-review:{review.id}:{turn.now.isoformat()}:leader", text, turn.now
    )
    return ", ".join(dict.fromkeys(leader.person for leader in leaders))


async def waiting_lists(update: Update, turn: Turn) -> None:
    waiting = await turn.uow.year_end.submitted()
    if not waiting:
        show(update, turn, turn.t("year_end.leader.none_waiting"), None)
        return
    for review in waiting:
        turn.send(await _card(turn.t, turn.uow, review), _decision_keyboard(turn.t, review.id))


async def _review_row(turn: Turn, review_id: int) -> ClassReviewRow | None:
    review = await turn.uow.session.get(ClassReviewRow, review_id)
    if review is None:
        await refuse(turn, "approve-year-lists", str(review_id))
    return review


async def _leader_list(update, turn: Turn, review_id: int) -> None:
    review = await _review_row(turn, review_id)
    if review is None:
        return
    turn.answer_press()
    stage = Stage(review.stage)
    await save_dialog(turn, Dialog(FLOW, "look", {"class_id": review.class_id, "stage": stage.value}))
    lines = await stored_lines(turn.uow, review.class_id, stage)
    title = await title_of(turn.t, turn.uow, review.class_id, stage)
    keyboard = _decision_keyboard(turn.t, review.id) if review.state == ReviewState.SUBMITTED else None
    await show_list(turn, lines, title, keyboard)


async def leader_detail(turn: Turn, dialog: Dialog, text: str) -> None:
    if not allowed(turn.actor, Action.APPROVE):
        await end_dialog(turn)
        await refuse(turn, "approve-year-lists")
        return
    lines = await stored_lines(turn.uow, dialog.data["class_id"], Stage(dialog.data["stage"]))
    if not is_number(text) or not 1 <= int(text) <= len(lines):
        turn.say("year_end.list.bad_number", count=len(lines))
        return
    turn.send(detail_text(turn.t, lines[int(text) - 1]))


async def _decidable(turn: Turn, review_id: int) -> ClassReviewRow | None:
    review = await _review_row(turn, review_id)
    if review is None:
        return None
    turn.answer_press()
    if review.state != ReviewState.SUBMITTED:
        await _already(turn, review)
        return None
    return review


async def _already(turn: Turn, review: ClassReviewRow) -> None:
    title = await title_of(turn.t, turn.uow, review.class_id, Stage(review.stage))
    who = await turn.uow.corrections.staff_name(review.decided_by)
    turn.say(ALREADY[ReviewState(review.state)], title=title, who=who)


async def _approve(update, turn: Turn, review_id: int) -> None:
    review = await _decidable(turn, review_id)
    if review is not None and review.submitted_by == turn.actor.person.id:  # the class's own lists
        log.warning("refused approve-own-year-lists to telegram:%s (%s)", turn.account, review_id)
        await turn.uow.identity.record_refusal(
            turn.channel, turn.account, "approve-own-year-lists", str(review_id), turn.now
        )
        turn.say("year_end.leader.own_class")
    elif review is not None:
        await _decide(turn, review, ReviewState.APPROVED)


async def _ask_comment(update, turn: Turn, review_id: int) -> None:
    review = await _decidable(turn, review_id)
    if review is None:
        return
    await save_dialog(turn, Dialog(FLOW, "comment", {"review": review_id}))
    turn.say(
        "year_end.leader.ask_comment",
        title=await title_of(turn.t, turn.uow, review.class_id, Stage(review.stage)),
    )


async def return_with(turn: Turn, dialog: Dialog, comment: str) -> None:
    if not allowed(turn.actor, Action.APPROVE):
        await end_dialog(turn)
        await refuse(turn, "approve-year-lists")
        return
    if not MIN_COMMENT <= len(comment) <= MAX_COMMENT:
        turn.say("year_end.leader.bad_comment", low=MIN_COMMENT, high=MAX_COMMENT)
        return
    await end_dialog(turn)
    review = await _decidable(turn, dialog.data["review"])
    if review is not None:
        await _decide(turn, review, ReviewState.RETURNED, comment)


async def _decide(turn: Turn, review: ClassReviewRow, state: ReviewState, comment: str = "") -> None:
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    stage = Stage(review.stage)
    if not await turn.uow.year_end.decide(review.class_id, stage, state, author, comment):
        await _already(turn, await turn.uow.session.get(ClassReviewRow, review.id, populate_existing=True))
        return
    title = await title_of(turn.t, turn.uow, review.class_id, stage)
    turn.say(DONE[state], title=title)
    leader = turn.actor.name

    async def text(t: Translator) -> str:
        title = await title_of(t, turn.uow, review.class_id, stage)
        return t(f"year_end.teacher.{state.value}", title=title, who=leader, comment=comment)

    here, others = elsewhere.split(turn.channel, await turn.uow.corrections.accounts_of(review.submitted_by))
    for account in here:
        turn.send(await text(translator(account.language)), chat_id=int(account.account))
    key = f"year-review:{review.id}:{turn.now.isoformat()}:{state.value}"
    await elsewhere.tell(turn.uow, others, key, text, turn.now)


ALREADY = {
    ReviewState.APPROVED: "year_end.leader.already_approved",
    ReviewState.RETURNED: "year_end.leader.already_returned",
    ReviewState.SUBMITTED: "year_end.leader.already_submitted",
}
DONE = {
    ReviewState.APPROVED: "year_end.leader.done_approved",
    ReviewState.RETURNED: "year_end.leader.done_returned",
}
LEADER_PRESSES = {"vl": _leader_list, "ok": _approve, "no": _ask_comment}
