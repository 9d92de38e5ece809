"""The leadership's side of corrections: every vice-principal and principal receives each request
at once with Approve and Reject; /duyet lists what is waiting. One decision settles a request: the
store's conditional update lets exactly one of two simultaneous presses count, and the other leader
is told who decided. Approving writes the value even in a locked book and tells the teacher;
rejecting asks the leader why and tells the teacher."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.correction_slip import (
    SlipTexts,
    outcome,
    slip_key,
    slip_name,
    slip_paper,
    slip_text,
    value_of,
)
from bot.conversations.review import value_text
from bot.handlers.common import answer_and_show, refuse
from bot.keyboards import button, is_number, paged
from bot.turn import Turn, current_turn
from domain.corrections import MAX_REASON, Status
from domain.errors import DomainError
from domain.permissions import Action, allowed, may_approve
from exports.signed_papers import sign_and_keep, slip_stamp
from exports.signing_setting import setting_from
from locales import Translator, translator
from services import elsewhere
from storage.changes import Author
from storage.correction_store import Decision
from storage.models import CorrectionRow, SignedPaperRow

FLOW = "approval"
COMMAND = commands.APPROVALS
PREFIX = "ap"


def handlers() -> list:
    return [CommandHandler(COMMAND.names, waiting), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


def decision_keyboard(t: Translator, correction_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("correction.approve"), PREFIX, "ok", correction_id),
                button(t("correction.reject"), PREFIX, "no", correction_id),
            ]
        ]
    )


async def send_to_leaders(turn: Turn, request: CorrectionRow) -> str:
    """Sends the request, its photos first, to every leader but its author (on another channel than the
    turn's: the text through the outbox, with /duyet); returns their names."""
    leaders = await turn.uow.corrections.approvers(but=request.requested_by)
    here, others = elsewhere.split(turn.channel, leaders)
    for leader in here:
        await _send_card(turn, int(leader.account), translator(leader.language), request)

    async def text(t: Translator) -> str:
        slip = await slip_text(t, turn.uow, request, await turn.uow.corrections.evidence_count(request.id))
        if request.status != Status.PENDING:
            return slip
        return f"{slip}\n\n{t('correction.open_elsewhere', command=f'/{COMMAND.vi}')}"

    await elsewhere.tell(turn.uow, others, f"correction:{request.id}:leader", text, turn.now)
    return ", ".join(dict.fromkeys(leader.person for leader in leaders))


async def _send_card(turn: Turn, chat_id: int, t: Translator, request: CorrectionRow) -> None:
    photos = await turn.uow.corrections.evidence(request.id)
    for photo in photos:
        caption = t("correction.photo_caption", id=request.id)
        content = photo.content
        turn.later(
            lambda bot, content=content, caption=caption: bot.send_photo(chat_id, content, caption=caption)
        )
    text = await slip_text(t, turn.uow, request, len(photos))
    keyboard = (
        decision_keyboard(t, request.id) if request.status == Status.PENDING else _print_button(t, request)
    )
    turn.send(text, keyboard, chat_id=chat_id)


async def waiting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not allowed(turn.actor, Action.APPROVE):
        await refuse(turn, "approve")
        return
    await _show_waiting(update, turn, 0)


async def _show_waiting(update: Update, turn: Turn, page: int) -> None:
    pending = await turn.uow.corrections.pending()
    if not pending:
        turn.answer_press()
        turn.say("correction.none_waiting")
        return
    names = await turn.uow.views.subject_names()
    items = []
    for request in pending:
        class_name = await turn.uow.views.class_name(request.class_id)
        late = " ⚠" if request.late else ""
        change = f"{value_text(turn.t, request.old_value)} → {value_text(turn.t, request.new_value)}"
        label = f"#{request.id} {class_name} {names.get(request.subject_id, '')}: {change}{late}"
        items.append((label, f"{PREFIX}:v:{request.id}"))
    keyboard = paged(turn.t, items, page, f"{PREFIX}:p", back=("menu",), per_row=1)
    text = turn.t("correction.waiting", count=len(pending))
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, keyboard)
    else:
        turn.send(text, keyboard)


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if parts == ["start"]:
        await waiting(update, context)
        return
    action = PRESSES.get(parts[0])
    if action is None or len(parts) != 2 or not is_number(parts[1]):
        await refuse(turn, "approve", update.callback_query.data)
        return
    if parts[0] == "pdf":
        await _print_slip(update, turn, int(parts[1]))
        return
    if not allowed(turn.actor, Action.APPROVE):
        await refuse(turn, "approve", update.callback_query.data)
        return
    await action(update, turn, int(parts[1]))


async def _page(update, turn: Turn, page: int) -> None:
    await _show_waiting(update, turn, page)


async def _view(update, turn: Turn, correction_id: int) -> None:
    request = await turn.uow.corrections.get(correction_id)
    if request is None:
        await refuse(turn, "approve", str(correction_id))
        return
    turn.answer_press()
    await _send_card(turn, turn.chat_id, turn.t, request)


async def _approve(update, turn: Turn, correction_id: int) -> None:
    await _decide(update, turn, correction_id, Status.APPROVED)


async def _reject(update, turn: Turn, correction_id: int) -> None:
    request = await _decidable(turn, correction_id)
    if request is None:
        return
    await save_dialog(turn, Dialog(FLOW, "reason", {"id": correction_id}))
    turn.answer_press()
    cancel = InlineKeyboardMarkup([[button(turn.t("correction.cancel"), PREFIX, "x", correction_id)]])
    turn.say("correction.ask_reject_reason", cancel, id=correction_id, limit=MAX_REASON)


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    note = (update.effective_message.text or "").strip()
    if dialog.step != "reason" or not allowed(turn.actor, Action.APPROVE):
        await end_dialog(turn)
        await refuse(turn, "approve")
        return
    if not 3 <= len(note) <= MAX_REASON:
        turn.say("correction.bad_reason", limit=MAX_REASON)
        return
    await end_dialog(turn)
    await _decide(update, turn, dialog.data["id"], Status.REJECTED, note)


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("correction.reason_expected")


async def _decidable(turn: Turn, correction_id: int) -> CorrectionRow | None:
    """The request if this leader may still decide it; else they are told why not."""
    request = await turn.uow.corrections.get(correction_id)
    if request is None:
        await refuse(turn, "approve", str(correction_id))
        return None
    turn.answer_press()
    if not may_approve(turn.actor, request.requested_by):
        turn.say("correction.own_request")
        return None
    if request.status != Status.PENDING:
        await _already_decided(turn, request)
        return None
    return request


async def _decide(update: Update, turn: Turn, correction_id: int, status: Status, note: str = "") -> None:
    request = await _decidable(turn, correction_id)
    if request is None:
        return
    if status is Status.APPROVED and await turn.uow.year_end.year_fixed(request.class_id):
        turn.say("year_end.correction.lists_fixed", name=await turn.uow.views.class_name(request.class_id))
        return
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    decision = await turn.uow.corrections.decide(correction_id, status, author, note)
    if decision is Decision.ALREADY:
        await _already_decided(turn, await turn.uow.corrections.get(correction_id))
        return
    if decision is Decision.MOVED:
        now = await turn.uow.corrections.current_value(request)
        turn.say("correction.moved_since", id=correction_id, now=value_of(turn.t, request, now))
        return
    if status is Status.APPROVED:  # ``request`` carries the decision: ``decide`` wrote it there
        await _sign_slip(turn, request, author)
    decided = await outcome(turn.t, turn.uow, request)
    slips = SlipTexts(turn.uow, request, await turn.uow.corrections.evidence_count(request.id))
    if update.callback_query:
        text = await slips.text(turn.t)
        answer_and_show(turn, update.callback_query, f"{text}\n\n{decided}", _print_button(turn.t, request))
    else:
        turn.send(decided, _print_button(turn.t, request))
    await _tell_author(turn, request, slips)


async def _tell_author(turn: Turn, request: CorrectionRow, slips: SlipTexts) -> None:
    """The decision to the teacher who asked, on every channel they are linked on."""

    async def text(t: Translator) -> str:
        return f"{await outcome(t, turn.uow, request)}\n\n{await slips.text(t)}"

    here, others = elsewhere.split(turn.channel, await turn.uow.corrections.accounts_of(request.requested_by))
    for account in here:
        t = translator(account.language)
        turn.send(await text(t), _print_button(t, request), chat_id=int(account.account))
    await elsewhere.tell(turn.uow, others, f"correction:{request.id}:{request.status}", text, turn.now)


def _print_button(t: Translator, request: CorrectionRow) -> InlineKeyboardMarkup | None:
    if request.status != Status.APPROVED:
        return None
    return InlineKeyboardMarkup([[button(t("correction.print"), PREFIX, "pdf", request.id)]])


async def _print_slip(update: Update, turn: Turn, correction_id: int) -> None:
    """The approved slip as a PDF, for the leadership and the teacher who asked."""
    request = await turn.uow.corrections.get(correction_id)
    mine = request is not None and turn.actor is not None and request.requested_by == turn.actor.person.id
    if (
        request is None
        or request.status != Status.APPROVED
        or not (mine or allowed(turn.actor, Action.APPROVE))
    ):
        await refuse(turn, "print-correction", str(correction_id))
        return
    await turn.answer_press_now()  # the slip may be drawn next
    signed = await turn.uow.signed.current(await slip_key(turn.uow, request))
    content = signed.data if signed is not None else (await slip_paper(turn.t, turn.uow, request)).data
    chat = turn.chat_id
    turn.later(lambda bot: bot.send_document(chat, content, filename=slip_name(request)))


async def _sign_slip(turn: Turn, request: CorrectionRow, author: Author) -> SignedPaperRow | None:
    """An approved slip signed with the school's certificate when a signer is configured, and kept; a
    signing fault is said to the approver, and the approval stands with the slip unsigned."""
    try:
        setting = setting_from()
        if setting is None:
            return None
        await turn.answer_press_now()  # the slip is drawn and signed next
        slip = await slip_paper(turn.t, turn.uow, request)
        year = (await turn.uow.school.year()).name
        approver = await turn.uow.corrections.staff_name(request.decided_by)
        reason = f"correction {request.id} approved"
        return await sign_and_keep(
            turn.uow, slip, year, setting, turn.t, author, True, reason, slip_stamp(approver)
        )
    except DomainError as error:
        turn.say("correction.slip_unsigned", problem=turn.t(error.key, **error.params))
        return None


async def _already_decided(turn: Turn, request: CorrectionRow) -> None:
    turn.say("correction.already_decided", outcome=await outcome(turn.t, turn.uow, request))


async def _cancel(update, turn: Turn, _: int) -> None:
    dialog = await current_dialog(turn)
    if dialog is not None and dialog.flow == FLOW:
        await end_dialog(turn)
    answer_and_show(turn, update.callback_query, turn.t("correction.cancelled"), None)


PRESSES = {"p": _page, "v": _view, "ok": _approve, "no": _reject, "x": _cancel, "pdf": _print_slip}
