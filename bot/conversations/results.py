"""/ketqua: results from the evaluation engine, what is still missing, and why each result is what it is.

A homeroom teacher (and the leadership) sees the class: learning and conduct levels; a subject teacher
sees their subject's averages; a teacher who is also a parent is first asked whose results (their
classes or their children's). After the list, sending a student's number shows the explanation."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.conversations.base import Dialog, current_dialog, save_dialog
from bot.conversations.reportcards import parent_results
from bot.conversations.shared import grade_of
from bot.handlers.common import answer_and_show, refuse, split_for_telegram
from bot.keyboards import button, column, is_number, paged
from bot.turn import Turn, current_turn
from domain.class_record import year_result
from domain.evaluation import RuleSet, StudentResult, rules_for
from domain.evaluation.model import TEST as PRIMARY_TEST
from domain.permissions import Action, Target, allowed

FLOW = "results"
COMMAND = commands.RESULTS
PREFIX = "rs"
YEAR = 3  # the period button for the whole year


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    actor = turn.actor
    if actor is None:
        await refuse(turn, "results")
        return
    if not actor.is_staff:
        await parent_results(update, turn)  # only what the school released, only their own children
        return
    items = await _choices(turn)
    if actor.children and not items:
        await parent_results(update, turn)
        return
    if not items:
        turn.say("bot.classes.none")
        return
    if actor.children and update.callback_query is None:  # a teacher who is also a parent: whose?
        whose = [
            button(turn.t("results.whose.classes"), PREFIX, "cls"),
            button(turn.t("results.whose.children"), PREFIX, "kids"),
        ]
        turn.send(turn.t("results.whose"), column(whose))
        return
    await save_dialog(turn, Dialog(FLOW, "choose"))
    keyboard = paged(turn.t, items, 0, f"{PREFIX}:pg", back=("menu",))
    text = turn.t("results.choose")
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, keyboard)
    else:
        turn.send(text, keyboard)


async def _choices(turn: Turn) -> list[tuple[str, str]]:
    actor, views = turn.actor, turn.uow.views
    classes = [(cid, name) for cid, name, _ in await views.classes() if _may_see(turn, cid, 0)]
    items = [(turn.t("results.whole_class", name=name), f"{PREFIX}:c:{cid}:0") for cid, name in classes]
    subjects = await views.subject_names()
    names = {cid: name for cid, name, _ in await views.classes(actor.taught_classes)}
    items += sorted(
        (f"{names[c]} · {subjects[s]}", f"{PREFIX}:c:{c}:{s}") for c, s in actor.teaching if c in names
    )
    return items


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    parts = update.callback_query.data.split(":")[1:]
    if parts in (["start"], ["cls"]):  # the menu's button; a teacher-parent's "my classes"
        await start(update, context)
        return
    if parts == ["kids"] and turn.actor and turn.actor.children:  # a teacher's own children's results
        await parent_results(update, turn)
        return
    if turn.actor is None or not parts or not all(is_number(p) for p in parts[1:]):
        await refuse(turn, "results", update.callback_query.data)
        return
    numbers = [int(p) for p in parts[1:]]
    if parts[0] == "pg" and len(numbers) == 1:
        keyboard = paged(turn.t, await _choices(turn), numbers[0], f"{PREFIX}:pg", back=("menu",))
        answer_and_show(turn, update.callback_query, turn.t("results.choose"), keyboard)
    elif parts[0] == "c" and len(numbers) == 2:
        await _choose_period(update, turn, *numbers)
    elif parts[0] == "p" and len(numbers) == 1 and numbers[0] in (1, 2, YEAR):
        await _show(update, turn, numbers[0])
    else:
        await refuse(turn, "results", update.callback_query.data)


def _may_see(turn: Turn, class_id: int, subject_id: int) -> bool:
    """``subject_id`` 0 means the whole class."""
    return allowed(turn.actor, Action.VIEW_RESULTS, Target(class_id, subject_id or None))


async def _choose_period(update: Update, turn: Turn, class_id: int, subject_id: int) -> None:
    if not _may_see(turn, class_id, subject_id) or not allowed(
        turn.actor, Action.VIEW_CLASS, Target(class_id)
    ):
        await refuse(turn, "results", f"{class_id}:{subject_id}")
        return
    await save_dialog(turn, Dialog(FLOW, "period", {"class_id": class_id, "subject_id": subject_id}))
    buttons = [button(turn.t("entry.semester", number=n), PREFIX, "p", n) for n in (1, 2)]
    buttons += [
        button(turn.t("results.year"), PREFIX, "p", YEAR),
        button(turn.t("bot.back"), PREFIX, "pg", 0),
    ]
    answer_and_show(turn, update.callback_query, turn.t("results.choose_period"), column(buttons))


async def _show(update: Update, turn: Turn, period: int) -> None:
    dialog = await current_dialog(turn)
    if dialog is None or dialog.flow != FLOW or "class_id" not in dialog.data:
        turn.answer_press()
        turn.say("results.start_again")
        return
    class_id, subject_id = dialog.data["class_id"], dialog.data["subject_id"]
    if not _may_see(turn, class_id, subject_id):
        await refuse(turn, "results", f"{class_id}:{subject_id}")
        return
    primary = (
        await turn.uow.views.class_name(class_id) is not None and await _rules(turn, class_id) is RuleSet.TT27
    )
    if primary and period != YEAR:
        turn.answer_press()
        turn.say("results.primary")
        return
    if await turn.uow.views.class_name(class_id) is None:
        await refuse(turn, "results", str(class_id))
        return
    students, results, subject_name = await _evaluate(turn, class_id, subject_id)
    if subject_id and subject_name is None:  # not a subject of this class's grade
        await refuse(turn, "results", f"{class_id}:{subject_id}")
        return
    key = "year" if period == YEAR else str(period)
    title = await _title(turn, class_id, subject_name, period)
    lines = [title, ""]
    for number, (_, name) in enumerate(students, start=1):
        lines.append(f"{number}. {name} — {_summary(turn, results[number - 1], subject_name, key)}")
    lines += ["", turn.t("results.ask_number")]
    dialog.step, dialog.data["period"] = "explain", period
    await save_dialog(turn, dialog)
    pieces = split_for_telegram("\n".join(lines))
    answer_and_show(turn, update.callback_query, pieces[0], None)
    for piece in pieces[1:]:
        turn.send(piece)


async def _evaluate(
    turn: Turn, class_id: int, subject_id: int
) -> tuple[list, list[StudentResult], str | None]:
    record = await turn.uow.gradebook.class_record(turn.uow.roster, class_id)
    rules = await _rules(turn, class_id)
    subjects = [(sid, s) for sid, s in record.subjects if not subject_id or sid == subject_id]
    results = [
        year_result(
            rules,
            student_id,
            subjects,
            record.values,
            record.conduct.get(student_id, {}),
            record.absences.get(student_id, (0, 0)),
            record.aspects.get(student_id, {}),
        )
        for student_id, _ in record.students
    ]
    subject_name = subjects[0][1].name if subject_id and subjects else None
    return record.students, results, subject_name


async def _rules(turn: Turn, class_id: int) -> RuleSet:
    year = await turn.uow.school.year()
    return rules_for(year.name, await grade_of(turn, class_id))


def _summary(turn: Turn, result: StudentResult, subject_name: str | None, key: str) -> str:
    t = turn.t
    if subject_name:
        results = result.subjects[subject_name].results
        value, test = results.get(key), results.get(PRIMARY_TEST) if key == "year" else None
        if value is None:
            return t("results.missing")
        return _value(turn, value) + (
            " · " + t("results.primary_test", score=test) if test is not None else ""
        )
    learning = result.learning.get(key)
    conduct = result.conduct.get("year") if key == "year" else None
    if learning is None:
        return t("results.incomplete", count=len(result.incomplete))
    text = t("results.learning", level=learning)
    if conduct:
        text += " · " + t("results.conduct", level=conduct)
    if key == "year" and result.promotion:
        text += " · " + result.promotion
    return text


def _value(turn: Turn, value) -> str:
    return turn.t.number(value) if not isinstance(value, str) else value


async def on_text(update: Update, dialog: Dialog) -> None:
    turn = current_turn()
    text = (update.effective_message.text or "").strip()
    if dialog.step != "explain" or not is_number(text):
        turn.say("results.ask_number" if dialog.step == "explain" else "entry.use_buttons")
        return
    class_id, subject_id, period = dialog.data["class_id"], dialog.data["subject_id"], dialog.data["period"]
    if not _may_see(turn, class_id, subject_id):
        await refuse(turn, "results", f"{class_id}:{subject_id}")
        return
    students, results, subject_name = await _evaluate(turn, class_id, subject_id)
    number = int(text)
    if not 1 <= number <= len(students):
        turn.say("entry.error.no_such_number", number=number, count=len(students))
        return
    turn.send(
        _explain(
            turn,
            students[number - 1][1],
            results[number - 1],
            subject_name,
            "year" if period == YEAR else str(period),
        )
    )


def _explain(turn: Turn, name: str, result: StudentResult, subject_name: str | None, key: str) -> str:
    render = lambda reason: "• " + turn.t(reason.key, **reason.params)  # noqa: E731
    lines = [turn.t("results.why", name=name)]
    if subject_name:
        subject = result.subjects[subject_name]
        lines += [render(r) for r in subject.explanations.get(key, ())]
        lines += [render(r) for r in subject.incomplete]
    else:
        for path in (("learning", key), ("conduct", "year"), ("promotion",), ("award",)):
            lines += [render(r) for r in result.explanations.get(path, ())]
        lines += [render(r) for r in result.incomplete]
    return "\n".join(lines)[:4096]


async def on_other(update: Update, dialog: Dialog) -> None:
    current_turn().say("results.ask_number")


async def _title(turn: Turn, class_id: int, subject_name: str | None, period: int) -> str:
    name = await turn.uow.views.class_name(class_id)
    when = turn.t("results.year") if period == YEAR else turn.t("entry.semester", number=period)
    return " · ".join(part for part in (name, subject_name, when) if part)
