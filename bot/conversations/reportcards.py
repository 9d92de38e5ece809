"""/phieulienlac: the homeroom teacher prepares the class's report cards for a period (the class's PDF to
review), submits them; a vice-principal approves, which releases the period's results to the parents:
each parent receives their child's card as a message and as a PDF (reportcards_delivery.py), and /ketqua
shows it afterwards.

Every button carries only ids and is re-authorised: the class must be the teacher's, the decision a
leader's, the child the parent's own and the period released."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.notices import submit_label, tell_author
from bot.conversations.reportcards_delivery import card_messages, cards_pdf
from bot.conversations.shared import show
from bot.delivery import zalo_pictures
from bot.handlers.common import answer_and_show, refuse, refuse_decision, split_for_telegram
from bot.keyboards import button, column, is_number
from bot.turn import Turn, current_turn
from domain.errors import PermissionDenied
from domain.notices import Audience, Kind, Notice, Reach, Scope, Status, may_decide
from domain.permissions import Action, Target, allowed, may_approve
from domain.report_card import Period, ReportCard
from domain.school import file_stem
from exports.card_text import period_name
from exports.released import cards_now, freeze, out_of_date
from locales import Translator, translator
from services import elsewhere
from services.results import REFUSED, released_card, released_periods
from storage.released_store import ReleasedPeriod

FLOW = "reportcards"
COMMAND = commands.REPORT_CARDS
PREFIX = "rc"
PERIODS = (Period.MIDTERM_1, Period.SEMESTER_1, Period.MIDTERM_2, Period.SEMESTER_2, Period.YEAR)


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def on_text(update: Update, dialog) -> None:  # every step is a button
    current_turn().say("notices.use_buttons")


async def on_other(update: Update, dialog) -> None:
    current_turn().say("notices.use_buttons")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if turn.actor is not None and await _show_waiting(turn) and not turn.actor.homeroom_classes:
        return
    if turn.actor is None or not turn.actor.homeroom_classes:
        await refuse(turn, "report-cards")
        return
    classes = await turn.uow.views.classes(turn.actor.homeroom_classes)
    if len(classes) == 1:
        _period_buttons(update, turn, classes[0][0], classes[0][1])
        return
    keyboard = column([button(name, PREFIX, "c", class_id) for class_id, name, _ in classes])
    show(update, turn, turn.t("notices.card.choose_class"), keyboard)


def _period_buttons(update: Update, turn: Turn, class_id: int, name: str) -> None:
    buttons = [button(period_name(p, turn.t), PREFIX, "p", class_id, i) for i, p in enumerate(PERIODS)]
    show(update, turn, turn.t("notices.card.choose_period", name=name), column(buttons))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    numbers = [int(p) for p in parts[1:] if is_number(p)]
    if parts == ["start"]:
        await start(update, context)
    elif turn.actor is None or len(numbers) != len(parts) - 1 or not numbers:
        await refuse(turn, "report-cards", update.callback_query.data)
    elif parts[0] == "v" and len(numbers) == 2:
        await _parent_view(turn, *numbers)
    elif not turn.actor.is_staff:
        await refuse(turn, "report-cards", update.callback_query.data)
    elif parts[0] == "c" and len(numbers) == 1 and _homeroom(turn, numbers[0]):
        _period_buttons(update, turn, numbers[0], await turn.uow.views.class_name(numbers[0]))
    elif (
        parts[0] in ("p", "s")
        and len(numbers) == 2
        and numbers[1] < len(PERIODS)
        and _homeroom(turn, numbers[0])
    ):
        if parts[0] == "p":
            await _prepare(update, turn, numbers[0], PERIODS[numbers[1]])
        else:
            await _submit(update, turn, numbers[0], PERIODS[numbers[1]])
    elif parts[0] in ("ok", "no") and len(numbers) == 1:
        await _decide(update, context, turn, parts[0], numbers[0])
    else:
        await refuse(turn, "report-cards", update.callback_query.data)


def _homeroom(turn: Turn, class_id: int) -> bool:
    return allowed(turn.actor, Action.PREPARE_REPORT_CARDS, Target(class_id))


def _send_pdf(turn: Turn, pdf: bytes, name: str, chat_id: int) -> None:
    turn.later(lambda bot: bot.send_document(chat_id, pdf, filename=name))


def _file_name(t: Translator, class_name: str, period: Period) -> str:
    return t("notices.card.file", class_name=file_stem(class_name), period=period.value) + ".pdf"


async def _existing(turn: Turn, class_id: int, period: Period) -> Notice | None:
    found = [
        n
        for n in await turn.uow.notices.find(Kind.REPORT_CARD, class_id, period.value)
        if n.status is not Status.REJECTED
    ]
    return found[-1] if found else None


async def _already_done(turn: Turn, class_id: int, period: Period, name: str) -> bool:
    """Whether the class's cards of the period are submitted or sent already; if so, the person is told.
    Released cards that no longer match the book may be submitted again."""
    existing = await _existing(turn, class_id, period)
    released = existing is not None and existing.status is Status.APPROVED
    if released and await out_of_date(turn.uow, ReleasedPeriod(existing.id, class_id, period.value)):
        return False
    if existing is not None:
        turn.answer_press()
        turn.say(
            f"notices.card.already.{existing.status.value}", name=name, period=period_name(period, turn.t)
        )
    return existing is not None


async def _prepare(update: Update, turn: Turn, class_id: int, period: Period) -> None:
    name = await turn.uow.views.class_name(class_id)
    if await _already_done(turn, class_id, period, name):
        return
    await turn.answer_press_now()  # the cards are drawn next, which takes seconds for a class
    cards = await cards_now(turn.uow, class_id, period)
    parents = await turn.uow.recipients.guardians_of([card.student.id for card in cards])
    keyboard = column(
        [
            button(await submit_label(turn), PREFIX, "s", class_id, PERIODS.index(period)),
            button(turn.t("notices.cancel"), "menu"),
        ]
    )
    summary = turn.t(
        "notices.card.prepared",
        name=name,
        period=period_name(period, turn.t),
        students=len(cards),
        parents=sum(len(p) for p in parents.values()),
        without=sum(1 for card in cards if not parents.get(card.student.id)),
    )
    pdf = await asyncio.to_thread(cards_pdf, cards, turn.t)
    _send_pdf(turn, pdf, _file_name(turn.t, name, period), turn.chat_id)
    answer_and_show(turn, update.callback_query, summary, keyboard)


async def _submit(update: Update, turn: Turn, class_id: int, period: Period) -> None:
    name = await turn.uow.views.class_name(class_id)
    if await _already_done(turn, class_id, period, name):
        return
    title = turn.t("notices.card.title", name=name, period=period_name(period, turn.t))
    notice_id = await turn.uow.notices.add(
        Reach(Scope.CLASS, class_id),
        Audience.PARENTS,
        title,
        turn.actor.person.id,
        turn.now,
        kind=Kind.REPORT_CARD,
        period=period.value,
    )
    await turn.answer_press_now()  # each approver's copy of the cards is drawn next
    request = CardRequest(
        notice_id, turn.actor.name, name, period, await cards_now(turn.uow, class_id, period)
    )
    approvers = await turn.uow.recipients.approvers(turn.actor.person.id)
    here, others = elsewhere.split(turn.channel, approvers)
    for approver in here:
        await _ask_approval(turn, request, int(approver.account), translator(approver.language))

    async def text(t: Translator) -> str:
        command = t("notices.card.open_elsewhere", command=f"/{COMMAND.vi}")
        return f"{_approval_text(t, request)}\n\n{command}"

    await elsewhere.tell(turn.uow, others, f"report-cards:{notice_id}:approver", text, turn.now)
    names = ", ".join(sorted({a.person for a in approvers}))
    key = "notices.card.submitted" if approvers else "notices.no_approver"
    answer_and_show(turn, update.callback_query, turn.t(key, leaders=names, text=title), None)


@dataclass(frozen=True)
class CardRequest:
    notice_id: int
    author: str
    class_name: str
    period: Period
    cards: list[ReportCard]


def _approval_text(t: Translator, request: CardRequest) -> str:
    return t(
        "notices.card.approval_request",
        author=request.author,
        name=request.class_name,
        period=period_name(request.period, t),
        students=len(request.cards),
    )


async def _ask_approval(turn: Turn, request: CardRequest, chat_id: int, t: Translator) -> None:
    """The class's cards as a PDF, then the request with Approve and Reject."""
    keyboard = column(
        [
            button(t("notices.card.approve"), PREFIX, "ok", request.notice_id),
            button(t("notices.reject"), PREFIX, "no", request.notice_id),
        ]
    )
    pdf = await asyncio.to_thread(cards_pdf, request.cards, t)
    _send_pdf(turn, pdf, _file_name(t, request.class_name, request.period), chat_id)
    turn.send(_approval_text(t, request), keyboard, chat_id=chat_id)


async def _show_waiting(turn: Turn) -> bool:
    """A leader's /phieulienlac: the cards waiting for their decision, each with its buttons (a request
    told on another channel than the one it was made on is decided here); whether there were any."""
    if not may_decide(turn.actor):
        return False
    named = await turn.uow.recipients.named_approver()
    waiting = [
        notice
        for notice in await turn.uow.notices.pending_cards()
        if may_approve(turn.actor, notice.author_id, named)
    ]
    for notice in waiting:
        class_id, period = notice.reach.class_id, Period(notice.period)
        request = CardRequest(
            notice.id,
            await turn.uow.notices.staff_name(notice.author_id),
            await turn.uow.views.class_name(class_id),
            period,
            await cards_now(turn.uow, class_id, period),
        )
        await _ask_approval(turn, request, turn.chat_id, turn.t)
    return bool(waiting)


async def _decide(update: Update, context, turn: Turn, verb: str, notice_id: int) -> None:
    notice = await turn.uow.notices.get(notice_id)
    if notice is None or notice.kind is not Kind.REPORT_CARD:
        await refuse(turn, "report-card-decision", update.callback_query.data)
        return
    if not may_approve(turn.actor, notice.author_id, await turn.uow.recipients.named_approver()):
        await refuse_decision(turn, "report-card-decision", update.callback_query.data, notice.id)
        return
    status = Status.APPROVED if verb == "ok" else Status.REJECTED
    if not await turn.uow.notices.decide(notice.id, status, turn.actor.person.id, turn.now):
        turn.answer_press()
        turn.say(f"notices.already.{notice.status.value}")
        return
    if status is Status.REJECTED:
        answer_and_show(turn, update.callback_query, turn.t("notices.rejected", text=notice.text), None)
        await tell_author(turn, notice, "notices.author.rejected")
        return
    period = Period(notice.period)
    await turn.answer_press_now()  # the cards are drawn and kept next
    cards = await cards_now(turn.uow, notice.reach.class_id, period)
    turn.uow.released.keep(notice.id, await asyncio.to_thread(freeze, cards))  # what parents see from now
    messages = await card_messages(turn, notice, cards, zalo_pictures(context))
    await turn.uow.outbox.enqueue(messages, turn.now)
    report = column([button(turn.t("notices.report_button"), "nt", "rp", notice.id)])
    parents = len({(m.channel, m.recipient) for m in messages})
    text = turn.t("notices.card.released", text=notice.text, parents=parents, students=len(cards))
    answer_and_show(turn, update.callback_query, text, report)
    await tell_author(turn, notice, "notices.author.approved")


# --- parents and students: released results only (services/results.py) -----------------------------


async def parent_results(update: Update, turn: Turn) -> None:
    """/ketqua for a parent or a student: a button per released period of each student they read."""
    items = [
        button(
            f"{found.name} · {period_name(found.period, turn.t)}",
            PREFIX,
            "v",
            found.student_id,
            found.notice_id,
        )
        for found in await released_periods(turn.uow, turn.actor)
    ]
    student = turn.actor.is_student
    if not items:
        turn.say("students.results.none" if student else "notices.card.none_released")
        return
    choose = "students.results.choose" if student else "notices.card.choose_released"
    show(update, turn, turn.t(choose), column(items))


async def _parent_view(turn: Turn, student_id: int, notice_id: int) -> None:
    try:
        text = await released_card(turn.uow, turn.actor, student_id, notice_id, turn.t)
    except PermissionDenied:
        await refuse(turn, REFUSED, f"{student_id}:{notice_id}")
        return
    turn.answer_press()
    if text is None:  # the child joined the class after the period: not on its cards
        turn.say("notices.card.none_released")
        return
    for piece in split_for_telegram(text):
        turn.send(piece)
