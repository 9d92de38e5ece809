"""/thongbao: a homeroom teacher writes to their class, the leadership and the administrator to a
grade or the school (parents, staff or both). The text goes to the vice-principals, who Approve, Edit
or Reject it; only an approved text reaches anyone, through the outbox. Author and leadership see the
delivery report.

The decision buttons are standalone handlers with the state in the database: a vice-principal may
decide days later, and every press is re-authorised against the notice it names."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.notices_report import PREFIX, delivery_report, resend_uncertain
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, refuse, refuse_decision
from bot.keyboards import button, column, is_number
from bot.turn import Turn, current_turn
from domain.errors import DomainError
from domain.notices import (
    Audience,
    Kind,
    Notice,
    Reach,
    Scope,
    Status,
    clean_text,
    may_decide,
    may_see_report,
    may_write,
)
from domain.permissions import Action, allowed, may_approve
from domain.school import Role
from locales import Translator, translator
from notifications.notices import notice_messages
from services import elsewhere

FLOW = "notice"
COMMAND = commands.NOTICE
AUDIENCES = {"p": Audience.PARENTS, "s": Audience.STAFF, "b": Audience.BOTH, "st": Audience.STUDENTS}


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    choices = await _reaches(turn)
    if not choices:
        await refuse(turn, "notice")
        return
    await save_dialog(turn, Dialog(FLOW, "reach"))
    buttons = [button(label, PREFIX, "r", *parts) for label, parts in choices]
    if may_decide(turn.actor):
        waiting = await turn.uow.notices.pending(turn.actor.person.id)
        if waiting:
            buttons.insert(0, button(turn.t("notices.waiting", count=len(waiting)), PREFIX, "pend"))
    show(update, turn, turn.t("notices.choose_reach"), column(buttons))


async def _reaches(turn: Turn) -> list[tuple[str, tuple]]:
    actor, t = turn.actor, turn.t
    if actor is None or not actor.is_staff:
        return []
    choices = [
        (t("notices.reach.class", name=name), ("c", class_id))
        for class_id, name, _ in await turn.uow.views.classes(actor.homeroom_classes)
    ]
    if allowed(actor, Action.SCHOOL_NOTICE):
        grades = sorted({grade for _, _, grade in await turn.uow.views.classes()})
        choices += [(t("notices.reach.grade", grade=grade), ("g", grade)) for grade in grades]
        choices.append((t("notices.reach.school"), ("s", 0)))
    return choices


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    numbers = [int(p) for p in parts[1:] if is_number(p)]
    if parts == ["start"]:
        await start(update, context)
    elif turn.actor is None or not turn.actor.is_staff:
        await refuse(turn, "notice", update.callback_query.data)
    elif parts == ["pend"]:
        await _show_pending(turn)
    elif parts[0] in ("ok", "ed", "no", "rp", "ru") and len(numbers) == 1 == len(parts) - 1:
        await _on_notice(update, context, turn, parts[0], numbers[0])
    else:
        await _compose_press(update, turn, parts, numbers)


async def _compose_press(update: Update, turn: Turn, parts: list[str], numbers: list[int]) -> None:
    dialog = await current_dialog(turn)
    if dialog is None or dialog.flow != FLOW:
        turn.answer_press()
        turn.say("notices.nothing_in_progress")
    elif parts[0] == "r" and len(parts) == 3 and len(numbers) == 1:
        await _choose_reach(update, turn, dialog, parts[1], numbers[0])
    elif parts[0] == "a" and len(parts) == 2 and parts[1] in AUDIENCES and dialog.step == "audience":
        dialog.step, dialog.data["audience"] = "text", AUDIENCES[parts[1]].value
        await save_dialog(turn, dialog)
        answer_and_show(
            turn, update.callback_query, turn.t("notices.ask_text", **_labels(turn.t, dialog)), None
        )
    elif parts[0] == "send" and dialog.step == "review" and numbers == [dialog.data.get("revision")]:
        await _submit(update, turn, dialog)
    elif parts[0] == "send":
        turn.answer_press()
        turn.say("notices.stale")
    elif parts[0] == "x":
        await end_dialog(turn)
        answer_and_show(turn, update.callback_query, turn.t("notices.cancelled"), None)
    else:
        await refuse(turn, "notice", update.callback_query.data)


async def _choose_reach(update: Update, turn: Turn, dialog: Dialog, kind: str, number: int) -> None:
    reach = {"c": Reach(Scope.CLASS, class_id=number), "g": Reach(Scope.GRADE, grade=number)}.get(
        kind, Reach(Scope.SCHOOL)
    )
    if kind not in ("c", "g", "s") or not may_write(turn.actor, reach):
        await refuse(turn, "notice", update.callback_query.data)
        return
    dialog.step = "audience"
    dialog.data = {"scope": reach.scope.value, "class_id": reach.class_id, "grade": reach.grade}
    dialog.data["class_name"] = await turn.uow.views.class_name(number) if reach.class_id else None
    await save_dialog(turn, dialog)
    buttons = [
        button(turn.t(f"notices.audience.{a.value}"), PREFIX, "a", key) for key, a in AUDIENCES.items()
    ]
    answer_and_show(turn, update.callback_query, turn.t("notices.choose_audience"), column(buttons))


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    if dialog.step == "edit":
        await _approver_edit(turn, dialog, update.effective_message.text or "")
        return
    if dialog.step not in ("text", "review"):
        turn.say("notices.use_buttons")
        return
    try:
        text = clean_text(update.effective_message.text or "")
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    dialog.step, dialog.data["text"] = "review", text
    dialog.data["revision"] = dialog.data.get("revision", 0) + 1
    await save_dialog(turn, dialog)
    keyboard = column(
        [
            button(await submit_label(turn), PREFIX, "send", dialog.data["revision"]),
            button(turn.t("notices.cancel"), PREFIX, "x"),
        ]
    )
    turn.send(turn.t("notices.preview", text=text, **_labels(turn.t, dialog)), keyboard)


async def submit_label(turn: Turn) -> str:
    """The submit button names who will approve: a vice-principal (another one, for a vice-principal),
    the principal, or the staff member the school's setting names."""
    kind, approvers = await turn.uow.recipients.approvers_by_kind(turn.actor.person.id)
    if kind == "vice_principal" and Role.VICE_PRINCIPAL in turn.actor.roles:
        kind = "other_vice_principal"
    return turn.t(f"notices.submit.{kind}", name=approvers[0].person if approvers else "")


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("notices.text_expected")


def _reach_of(dialog: Dialog) -> Reach:
    data = dialog.data
    return Reach(Scope(data["scope"]), data.get("class_id"), data.get("grade"), data.get("student_id"))


def _kind_of(dialog: Dialog) -> Kind | None:
    return Kind(dialog.data["kind"]) if dialog.data.get("kind") else None


def _labels(t: Translator, dialog: Dialog) -> dict[str, str]:
    reach = _reach_of(dialog)
    audience = dialog.data.get("audience")
    class_name, student = dialog.data.get("class_name") or "", dialog.data.get("student_name") or ""
    return {
        "reach": reach_label(t, reach, class_name, student, _kind_of(dialog)),
        "audience": t(f"notices.audience.{audience}") if audience else "",
    }


async def start_writing(turn: Turn, reach: Reach, kind: Kind, class_name: str, student_name: str) -> str:
    """Another flow (the nurse's /suckhoe) chose the reach: the author types the text next, and the
    notice takes this path to the leadership like any other. Returns the prompt to show."""
    dialog = Dialog(FLOW, "text", {"scope": reach.scope.value, "class_id": reach.class_id})
    dialog.data |= {"grade": reach.grade, "student_id": reach.student_id, "kind": kind.value}
    dialog.data |= {"class_name": class_name, "student_name": student_name}
    dialog.data["audience"] = Audience.PARENTS.value
    await save_dialog(turn, dialog)
    return turn.t("notices.ask_text", **_labels(turn.t, dialog))


def reach_label(
    t: Translator, reach: Reach, class_name: str, student_name: str = "", kind: Kind | None = None
) -> str:
    if kind is Kind.HEALTH and reach.student_id is not None:
        return t("health.notice.reach_child", name=student_name, class_name=class_name)
    if kind is Kind.HEALTH:
        return t("health.notice.reach_class", class_name=class_name)
    if reach.scope is Scope.CLASS:
        return t("notices.reach.class", name=class_name)
    if reach.scope is Scope.GRADE:
        return t("notices.reach.grade", grade=reach.grade)
    return t("notices.reach.school")


async def _submit(update: Update, turn: Turn, dialog: Dialog) -> None:
    reach, audience, kind = _reach_of(dialog), Audience(dialog.data["audience"]), _kind_of(dialog)
    if not may_write(turn.actor, reach, kind):
        await refuse(turn, "notice", update.callback_query.data)
        return
    notice_id = await turn.uow.notices.add(
        reach, audience, dialog.data["text"], turn.actor.person.id, turn.now, kind
    )
    await end_dialog(turn)
    notice = await turn.uow.notices.get(notice_id)
    approvers = await turn.uow.recipients.approvers(turn.actor.person.id)
    here, others = elsewhere.split(turn.channel, approvers)
    for approver in here:
        await _ask_approval(turn, notice, approver.account, translator(approver.language))

    async def text(t: Translator) -> str:
        request = await _approval_text(turn, notice, t)
        return f"{request}\n\n{t('notices.open_elsewhere', command=f'/{COMMAND.vi}')}"

    await elsewhere.tell(turn.uow, others, f"notice:{notice.id}:approver", text, turn.now)
    names = ", ".join(sorted({a.person for a in approvers}))
    key = "notices.submitted" if approvers else "notices.no_approver"
    answer_and_show(turn, update.callback_query, turn.t(key, leaders=names, text=notice.text), None)


async def _ask_approval(
    turn: Turn, notice: Notice, account: str, t: Translator, chat_id: int | None = None
) -> None:
    text = await _approval_text(turn, notice, t)
    turn.send(text, _decision_buttons(t, notice.id), chat_id=int(account) if chat_id is None else chat_id)


async def _approval_text(turn: Turn, notice: Notice, t: Translator) -> str:
    class_name = await turn.uow.notices.class_name(notice.reach)
    student = await turn.uow.notices.student_name(notice.reach)
    count = len(await turn.uow.recipients.recipients(notice.reach, notice.audience))
    author = await turn.uow.notices.staff_name(notice.author_id)
    return t(
        "notices.approval_request",
        author=author,
        reach=reach_label(t, notice.reach, class_name, student, notice.kind),
        audience=t(f"notices.audience.{notice.audience.value}"),
        count=count,
        text=notice.text,
    )


def _decision_buttons(t: Translator, notice_id: int) -> InlineKeyboardMarkup:
    return column(
        [
            button(t("notices.approve"), PREFIX, "ok", notice_id),
            button(t("notices.edit"), PREFIX, "ed", notice_id),
            button(t("notices.reject"), PREFIX, "no", notice_id),
        ]
    )


async def _show_pending(turn: Turn) -> None:
    turn.answer_press()
    if not may_decide(turn.actor):
        await refuse(turn, "notice", "pending")
        return
    for notice in await turn.uow.notices.pending(turn.actor.person.id):
        await _ask_approval(turn, notice, turn.account, turn.t)


# --- the vice-principal's decision -----------------------------------------------------------------


async def _on_notice(update: Update, context, turn: Turn, verb: str, notice_id: int) -> None:
    notice = await turn.uow.notices.get(notice_id)
    if notice is None or (notice.kind is Kind.REPORT_CARD and verb not in ("rp", "ru")):
        await refuse(turn, "notice", update.callback_query.data)
    elif verb in ("rp", "ru"):
        if may_see_report(turn.actor, notice):
            turn.answer_press()
            await (delivery_report(turn, notice) if verb == "rp" else resend_uncertain(context, turn, notice))
        else:
            await refuse(turn, "notice-report", update.callback_query.data)
    elif not may_approve(turn.actor, notice.author_id, await turn.uow.recipients.named_approver()):
        await refuse_decision(turn, "notice-decision", update.callback_query.data, notice.id)
    elif notice.status is not Status.PENDING:
        turn.answer_press()
        turn.say(f"notices.already.{notice.status.value}")
    elif verb == "ed":
        await save_dialog(turn, Dialog(FLOW, "edit", {"notice_id": notice.id}))
        answer_and_show(turn, update.callback_query, turn.t("notices.edit_prompt", text=notice.text), None)
    elif verb == "ok":
        await _approve(update, context, turn, notice)
    else:
        await _reject(update, turn, notice)


async def _approver_edit(turn: Turn, dialog: Dialog, typed: str) -> None:
    notice = await turn.uow.notices.get(dialog.data["notice_id"])
    named = await turn.uow.recipients.named_approver()
    if notice is None or not may_approve(turn.actor, notice.author_id, named):
        await end_dialog(turn)
        await refuse(turn, "notice-decision", "edit")
        return
    try:
        text = clean_text(typed)
    except DomainError as error:
        turn.say(error.key, **error.params)
        return
    await end_dialog(turn)
    if not await turn.uow.notices.edit(notice.id, text):
        turn.say(f"notices.already.{notice.status.value}")
        return
    await _ask_approval(turn, await turn.uow.notices.get(notice.id), turn.account, turn.t, turn.chat_id)


async def _approve(update: Update, context, turn: Turn, notice: Notice) -> None:
    if not await turn.uow.notices.decide(notice.id, Status.APPROVED, turn.actor.person.id, turn.now):
        turn.answer_press()
        turn.say("notices.already.approved")
        return
    recipients = await turn.uow.recipients.recipients(notice.reach, notice.audience)
    school = await turn.uow.school.school()
    class_name = await turn.uow.notices.class_name(notice.reach)
    messages = notice_messages(notice, recipients, class_name, school.name if school else "")
    await turn.uow.outbox.enqueue(messages, turn.now)
    report = column([button(turn.t("notices.report_button"), PREFIX, "rp", notice.id)])
    answer_and_show(
        turn, update.callback_query, turn.t("notices.approved", count=len(messages), text=notice.text), report
    )
    await tell_author(turn, notice, "notices.author.approved")


async def _reject(update: Update, turn: Turn, notice: Notice) -> None:
    if not await turn.uow.notices.decide(notice.id, Status.REJECTED, turn.actor.person.id, turn.now):
        turn.answer_press()
        turn.say("notices.already.rejected")
        return
    answer_and_show(turn, update.callback_query, turn.t("notices.rejected", text=notice.text), None)
    await tell_author(turn, notice, "notices.author.rejected")


async def tell_author(turn: Turn, notice: Notice, key: str) -> None:
    """The author reads the final text (the vice-principal's, if edited) and who decided; on another
    channel than the turn's, through the outbox."""
    if notice.author_id is None or notice.author_id == turn.actor.person.id:
        return

    async def text(t: Translator) -> str:
        edited = t("notices.author.edited") if notice.edited else ""
        return t(key, leader=turn.actor.name, text=notice.text, edited=edited)

    accounts = await turn.uow.recipients.staff_accounts(notice.author_id)
    here, others = elsewhere.split(turn.channel, accounts)
    for account in here:
        t = translator(account.language)
        approved = key == "notices.author.approved"
        report = column([button(t("notices.report_button"), PREFIX, "rp", notice.id)]) if approved else None
        turn.send(await text(t), report, chat_id=int(account.account))
    await elsewhere.tell(turn.uow, others, f"notice:{notice.id}:{key}", text, turn.now)
