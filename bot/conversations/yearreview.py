"""/xetlenlop: the year-end review (xét lên lớp) and, after it, the summer lists.

The homeroom teacher opens it once every required value of the class is in: the counts first, then
the numbered list; a number shows a student's line, where the teacher adds a flag or decides a case
the rules leave to people, always with a reason; then submits. The lists go to every vice-principal
and principal, who look at the counts and any student, approve, or send them back with a comment.
One decision counts (a conditional update in the store). Approved year lists lock the class's year;
the summer lists (re-tests and summer conduct training) follow the same way. The draft lives in the
dialog; the lists are written only on submission."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, end_dialog, save_dialog
from bot.conversations.shared import show
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, column, grid, is_number
from bot.turn import Turn, current_turn
from domain.class_record import SUMMER_TERM, year_result
from domain.errors import DomainError
from domain.evaluation import RuleSet, rules_for
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.permissions import Action, Target, allowed
from domain.progress import progress
from domain.year_end import (
    DECISION,
    MAX_COMMENT,
    MIN_COMMENT,
    Counts,
    Flag,
    Outcome,
    ReviewState,
    Stage,
    StudentLine,
    add_flag,
    check_submittable,
    chooses_retests,
    class_lists,
    counts,
    decide,
    retests_missing,
    status_text,
    student_line,
    summer_retests,
    summer_students,
    with_people,
)
from locales import Translator, translator
from services import elsewhere
from storage.changes import Author
from storage.models import ClassReviewRow
from storage.uow import UnitOfWork
from storage.year_end_store import Submitted

log = logging.getLogger(__name__)
FLOW = "yearreview"
COMMAND = commands.YEAR_REVIEW
PREFIX = "yr"
FLAGS = tuple(Flag)
OUTCOMES = tuple(Outcome)


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


# --- the lists, computed and stored ------------------------------------------------------------


async def proposed_lines(uow: UnitOfWork, class_id: int, stage: Stage) -> list[StudentLine]:
    """The engine's lines for the class now; for the summer, only the students who have a summer."""
    record = await uow.gradebook.class_record(uow.roster, class_id)
    year = await uow.school.year()
    grade = (await uow.views.classes(frozenset({class_id})))[0][2]
    rules = rules_for(year.name, grade)
    only = summer_students(await uow.year_end.lines(class_id, Stage.YEAR)) if stage is Stage.SUMMER else None
    lines = []
    for student_id, name in record.students:
        if only is not None and student_id not in only:
            continue
        absences = record.absences.get(student_id, (0, 0))
        result = year_result(
            rules,
            student_id,
            record.subjects,
            record.values,
            record.conduct.get(student_id, {}),
            absences,
            record.aspects.get(student_id, {}),
        )
        lines.append(student_line(student_id, name, result, sum(absences), stage is Stage.SUMMER))
    return class_lists(lines)


async def stored_lines(uow: UnitOfWork, class_id: int, stage: Stage) -> list[StudentLine]:
    return class_lists(await uow.year_end.lines(class_id, stage))


async def missing_values(uow: UnitOfWork, class_id: int, stage: Stage) -> list[tuple[str, int]]:
    """What is still missing before the lists can be proposed: (what, how many values)."""
    if stage is Stage.SUMMER:
        return await _summer_missing(uow, class_id)
    year = await uow.school.year()
    year_row = await uow.school.year_row()
    taught = [item for item in await uow.progress.taught(year_row.id) if item.class_id == class_id]
    students = await uow.progress.students([class_id])
    grade = (await uow.views.classes(frozenset({class_id})))[0][2]
    primary = rules_for(year.name, grade) is RuleSet.TT27
    missing: list[tuple[str, int]] = []
    for semester in year.semesters:
        values = await uow.progress.values(year_row.id, semester.number, students.get(class_id, []))
        rows = progress(
            taught, students, values, lambda grade: rules_for(year.name, grade), semester, semester.end
        )
        missing += [(f"{row.subject_name} · HK{semester.number}", row.missing) for row in rows if row.missing]
        ids = students.get(class_id, [])
        if primary:
            if unrated := await _unrated(uow, year_row.id, semester.number, ids):
                missing.append((f"ratings · HK{semester.number}", unrated))
            continue
        conduct = await uow.gradebook.conduct_levels(year_row.id, semester.number, ids)
        if lacking := len(ids) - len(conduct):
            missing.append((f"conduct · HK{semester.number}", lacking))
    return missing


async def _unrated(uow: UnitOfWork, year_id: int, semester: int, ids: list[int]) -> int:
    """Primary: how many students lack a rating of some quality or competency in the semester."""
    lacking: set[int] = set()
    for aspect in QUALITIES + COMPETENCIES:
        rated = await uow.gradebook.conduct_levels(year_id, semester, ids, aspect)
        lacking |= set(ids) - set(rated)
    return len(lacking)


async def summer_retests_of(uow: UnitOfWork, class_id: int) -> dict[int, tuple[str, ...]]:
    """Who re-tests in the summer and in which subjects, by the approved year lists and the summer
    conduct entered so far."""
    lines = await uow.year_end.approved_year_lines(class_id, Outcome.RETEST, Outcome.SUMMER_TRAINING)
    year_row = await uow.school.year_row()
    conduct = await uow.gradebook.conduct_levels(
        year_row.id, SUMMER_TERM, [line.student_id for line in lines]
    )
    return summer_retests(lines, conduct)


async def _summer_missing(uow: UnitOfWork, class_id: int) -> list[tuple[str, int]]:
    """Each re-test and the summer conduct of each student in training; under TT58/TT26 the student
    chooses among the failed subjects, so one re-test of theirs is enough."""
    year_row = await uow.school.year_row()
    year = await uow.school.year()
    grade = (await uow.views.classes(frozenset({class_id})))[0][2]
    record = await uow.gradebook.class_record(uow.roster, class_id)
    names = {subject_id: subject.name for subject_id, subject in record.subjects}
    done = {(v.student_id, names.get(v.subject_id)) for v in record.values if v.semester == SUMMER_TERM}
    retests = await summer_retests_of(uow, class_id)
    missing = retests_missing(retests, done, chooses_retests(rules_for(year.name, grade)))
    training = await uow.year_end.approved_year_lines(class_id, Outcome.SUMMER_TRAINING)
    ids = [line.student_id for line in training]
    if lacking := len(ids) - len(await uow.gradebook.conduct_levels(year_row.id, SUMMER_TERM, ids)):
        missing["conduct · summer"] = lacking
    return list(missing.items())


async def current_stage(uow: UnitOfWork, class_id: int) -> tuple[Stage, ReviewState | None]:
    """The stage the class is at, and the state of its lists (None: not submitted yet)."""
    states = await uow.year_end.states(class_id)
    if states.get(Stage.YEAR) is not ReviewState.APPROVED:
        return Stage.YEAR, states.get(Stage.YEAR)
    if not summer_students(await uow.year_end.lines(class_id, Stage.YEAR)):
        return Stage.YEAR, ReviewState.APPROVED
    return Stage.SUMMER, states.get(Stage.SUMMER)


# --- what people read ----------------------------------------------------------------------------


def counts_text(t: Translator, title: str, summary: Counts) -> str:
    lines = [title, t("year_end.counts.students", count=summary.students)]
    lines += [f"• {t(f'year_end.outcome.{outcome.value}')}: {n}" for outcome, n in summary.by_status.items()]
    lines += [f"• {award}: {n}" for award, n in summary.by_award.items()]
    if summary.flagged:
        lines.append(t("year_end.counts.flagged", count=summary.flagged))
    if summary.awaiting:
        lines.append(t("year_end.counts.awaiting", count=summary.awaiting))
    return "\n".join(lines)


def list_text(t: Translator, title: str, lines: list[StudentLine]) -> str:
    rows = [title, ""]
    for number, line in enumerate(lines, start=1):
        marks = (" ❓" if line.awaiting_decision else "") + (" ⚑" if set(line.flags) - {DECISION} else "")
        levels = f"{line.learning or '—'}/{line.conduct or '—'}"
        award = f" · {line.award}" if line.award else ""
        rows.append(f"{number}. {line.name} — {levels} — {status_text(t, line)}{award}{marks}")
    rows += ["", t("year_end.list.legend"), t("year_end.list.ask_number")]
    return "\n".join(rows)


def detail_text(t: Translator, line: StudentLine) -> str:
    rows = [
        line.name,
        t("year_end.detail.learning", level=line.learning or "—"),
        t("year_end.detail.conduct", level=line.conduct or "—"),
        t("year_end.detail.absences", count=line.absences),
        t("year_end.detail.status", status=status_text(t, line)),
    ]
    if line.award:
        rows.append(t("year_end.detail.award", award=line.award))
    if line.marked and line.open_reasons:
        rows.append(t("year_end.detail.left_to_people"))
        rows += ["• " + t(reason.key, **reason.params) for reason in line.open_reasons]
    elif line.marked and line.decision is None:
        rows.append(t("year_end.detail.left_to_people"))
    for flag, reason in line.flags.items():
        rows.append(t("year_end.detail.flag", flag=t(f"year_end.flag.{flag}"), reason=reason))
    return "\n".join(rows)


async def title_of(t: Translator, uow: UnitOfWork, class_id: int, stage: Stage) -> str:
    name = await uow.views.class_name(class_id)
    return t(f"year_end.title.{stage.value}", name=name)


# --- the homeroom teacher -------------------------------------------------------------------------


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
    await _waiting_lists(update, turn)


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
        shown = "\n".join(f"• {_what(turn.t, what)}: {count}" for what, count in missing)
        turn.say("year_end.not_ready", name=await turn.uow.views.class_name(class_id), missing=shown)
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


def _what(t: Translator, what: str) -> str:
    """A missing-values label: a subject and semester, or conduct/re-test, in the reader's words."""
    name, _, where = what.partition(" · ")
    if name in ("conduct", "ratings"):
        name = t(f"year_end.missing.{name}")
    if where == "retest":
        return t("year_end.missing.retest", subject=name)
    if where == "retest_any":
        return t("year_end.missing.retest_any", subjects=name)
    if where == "summer":
        return t("year_end.missing.summer_conduct")
    return f"{name} · {t('entry.semester', number=where.removeprefix('HK'))}"


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


async def _show_list(turn: Turn, lines: list[StudentLine], title: str, back: InlineKeyboardMarkup | None):
    pieces = split_for_telegram(list_text(turn.t, title, lines))
    for number, piece in enumerate(pieces, start=1):
        turn.send(piece, back if number == len(pieces) else None)


def _detail_keyboard(t: Translator, line: StudentLine) -> InlineKeyboardMarkup:
    buttons = [
        button(t("year_end.add_flag", flag=t(f"year_end.flag.{flag.value}")), PREFIX, "f", line.student_id, i)
        for i, flag in enumerate(FLAGS)
    ]
    if line.marked:
        buttons += [
            button(
                t("year_end.decide", status=t(f"year_end.outcome.{o.value}")), PREFIX, "o", line.student_id, i
            )
            for i, o in enumerate(OUTCOMES)
        ]
    return grid(buttons, [button(t("year_end.back_to_counts"), PREFIX, "h")], per_row=1)


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
    await _show_list(turn, await draft_lines(turn, dialog), title, back)


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
        shown = "\n".join(f"• {_what(turn.t, what)}: {count}" for what, count in missing)
        turn.say("year_end.not_ready", name=await turn.uow.views.class_name(class_id), missing=shown)
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
    reached = await _send_to_leaders(turn, review)
    turn.say("year_end.submitted", leaders=reached or "-")


async def _cancel(update, turn: Turn, dialog: Dialog, args: list[int]) -> None:
    await end_dialog(turn)
    answer_and_show(turn, update.callback_query, turn.t("year_end.cancelled"), None)


TEACHER_PRESSES = {"l": _list, "h": _home, "f": _ask_flag, "o": _ask_decision, "s": _submit, "x": _cancel}


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    text = (update.effective_message.text or "").strip()
    if dialog.step == "comment":
        await _return_with(turn, dialog, text)
        return
    if dialog.step == "look":
        await _leader_detail(turn, dialog, text)
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
    turn.send(detail_text(turn.t, line), _detail_keyboard(turn.t, line))


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
    turn.send(detail_text(turn.t, changed), _detail_keyboard(turn.t, changed))


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("year_end.text_expected")


# --- the leadership --------------------------------------------------------------------------------


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


async def _send_to_leaders(turn: Turn, review: ClassReviewRow) -> str:
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


async def _waiting_lists(update: Update, turn: Turn) -> None:
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
    await _show_list(turn, lines, title, keyboard)


async def _leader_detail(turn: Turn, dialog: Dialog, text: str) -> None:
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


async def _return_with(turn: Turn, dialog: Dialog, comment: str) -> None:
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
