"""/phodiem: the distribution of one column, or of the semester averages, for a class, a subject across
a grade, or a whole grade, as a chart with the counts and shares under it.

Every button carries the whole choice so far, ``pd:<scope>:<grade>:<class>:<subject>:<semester>:<what>``
(0 where not chosen yet, a page number after it on long lists); the next screen is the first choice
still missing. Each press re-reads the classes and subjects and re-checks the policy: a forged choice
is refused, never trusted."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import commands
from bot.charts import ChartTexts, render
from bot.conversations.base import Dialog
from bot.conversations.shared import show
from bot.handlers.common import refuse
from bot.keyboards import button, column, is_number, paged
from bot.turn import Turn, current_turn
from domain.columns import Offered, offered_columns
from domain.distribution import BAND_EDGES, Distribution, of_column, of_semester_averages
from domain.evaluation import RuleSet, rules_for
from domain.permissions import Action, Target, allowed
from domain.school import Subject, SubjectKind
from locales import Translator
from storage.school_store import subject_of

FLOW = "distribution"
COMMAND = commands.DISTRIBUTION
PREFIX = "pd"
CLASS, SUBJECT, GRADE = "l", "m", "k"  # a class's subject; a subject across a grade; a whole grade
AVERAGE = "a"
KIND_CODES = {"regular": "r", "periodic": "p", "midterm": "m", "final": "f", "test": "t"}
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class Choice:
    scope: str
    grade: int = 0
    class_id: int = 0
    subject_id: int = 0
    semester: int = 0
    what: str = "0"  # a column code ("r1", "m1", "t2", …), AVERAGE, or "0"

    def data(self, *more: object) -> str:
        fields = (self.scope, self.grade, self.class_id, self.subject_id, self.semester, self.what)
        return ":".join(str(part) for part in (PREFIX, *fields, *more))


def handlers() -> list:
    return [CommandHandler(COMMAND.names, start), CallbackQueryHandler(press, pattern=rf"^{PREFIX}:")]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    if not allowed(turn.actor, Action.VIEW_PROGRESS):
        await refuse(turn, "distribution")
        return
    t = turn.t
    scopes = [(CLASS, "distribution.scope.class"), (SUBJECT, "distribution.scope.subject")]
    if await _whole_grades(turn):
        scopes.append((GRADE, "distribution.scope.grade"))
    buttons = [button(t(key), Choice(scope).data()) for scope, key in scopes]
    show(update, turn, t("distribution.choose_scope"), column([*buttons, button(t("bot.back"), "menu")]))


async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    turn = current_turn()
    raw = update.callback_query.data
    parts = raw.split(":")[1:]
    if parts == ["start"]:
        await start(update, context)
        return
    choice, page = _parse(parts)
    if choice is None or not allowed(turn.actor, Action.VIEW_PROGRESS):
        await refuse(turn, "distribution", raw)
        return
    await _next(update, turn, choice, page, raw)


def _parse(parts: list[str]) -> tuple[Choice | None, int]:
    if len(parts) not in (6, 7) or parts[0] not in (CLASS, SUBJECT, GRADE):
        return None, 0
    numbers = parts[1:5] + parts[6:]
    what = parts[5]
    known = what in ("0", AVERAGE) or (
        what[:1] in KIND_CODES.values() and is_number(what[1:]) and len(what) <= 3
    )
    if not all(is_number(p) for p in numbers) or not known:
        return None, 0
    grade, class_id, subject_id, semester = (int(p) for p in parts[1:5])
    if semester not in (0, 1, 2):
        return None, 0
    page = int(parts[6]) if len(parts) == 7 else 0
    return Choice(parts[0], grade, class_id, subject_id, semester, what), page


async def _next(update: Update, turn: Turn, choice: Choice, page: int, raw: str) -> None:
    """Shows the first choice still missing, or the chart when everything is chosen."""
    t = turn.t
    classes = await turn.uow.views.classes()
    if not _known_place(choice, classes):
        await refuse(turn, "distribution", raw)
        return
    if not choice.grade:
        text, items = await _places(turn, choice, classes)
        show(update, turn, text, _paged(t, items, page, choice))
        return
    rules = rules_for((await turn.uow.school.year()).name, choice.grade)
    subjects = await _scored_subjects(turn, choice.grade, rules)
    if choice.scope != GRADE and not choice.subject_id:
        items = [
            (s.name, replace(choice, subject_id=sid).data())
            for sid, s in subjects
            if _may_see(turn, choice, sid)
        ]
        show(update, turn, t("distribution.choose_subject"), _paged(t, items, page, choice))
        return
    if choice.scope != GRADE:
        subjects = [(sid, s) for sid, s in subjects if sid == choice.subject_id]
    whats = _whats(t, rules, choice, subjects)
    if (
        not subjects
        or not all(_may_see(turn, choice, sid) for sid, _ in subjects)
        or choice.what not in (*whats, "0")
    ):
        await refuse(turn, "distribution", raw)
    elif not choice.semester:
        buttons = [button(t("entry.semester", number=n), replace(choice, semester=n).data()) for n in (1, 2)]
        show(update, turn, t("distribution.choose_semester"), column([*buttons, _back(t)]))
    elif choice.what == "0":
        buttons = [button(label, replace(choice, what=code).data()) for code, label in whats.items()]
        show(update, turn, t("distribution.choose_what"), column([*buttons, _back(t)]))
    else:
        await _chart(turn, choice, rules, subjects, classes, whats[choice.what])


def _known_place(choice: Choice, classes: list[tuple[int, str, int]]) -> bool:
    """The class (with its own grade) or the grade is one of this year's, or not chosen yet."""
    if choice.scope == CLASS and (choice.class_id or choice.grade):
        return (choice.class_id, choice.grade) in {(cid, grade) for cid, _, grade in classes}
    return not choice.class_id and (not choice.grade or choice.grade in {g for _, _, g in classes})


async def _places(turn: Turn, choice: Choice, classes: list) -> tuple[str, list[tuple[str, str]]]:
    """The classes to choose from, or the grades."""
    t = turn.t
    if choice.scope == CLASS:
        items = [(name, replace(choice, grade=grade, class_id=cid).data()) for cid, name, grade in classes]
        return t("distribution.choose_class"), items
    shown = sorted({g for _, _, g in classes}) if choice.scope == SUBJECT else await _whole_grades(turn)
    return t("distribution.choose_grade"), [
        (t("distribution.grade", grade=g), replace(choice, grade=g).data()) for g in shown
    ]


def _may_see(turn: Turn, choice: Choice, subject_id: int) -> bool:
    return allowed(turn.actor, Action.VIEW_PROGRESS, Target(choice.class_id or None, subject_id))


async def _whole_grades(turn: Turn) -> list[int]:
    """The grades whose every scored subject this person may see."""
    year = await turn.uow.school.year()
    shown = []
    for grade in sorted({grade for _, _, grade in await turn.uow.views.classes()}):
        subjects = await _scored_subjects(turn, grade, rules_for(year.name, grade))
        if subjects and all(
            allowed(turn.actor, Action.VIEW_PROGRESS, Target(None, sid)) for sid, _ in subjects
        ):
            shown.append(grade)
    return shown


async def _scored_subjects(turn: Turn, grade: int, rules: RuleSet) -> list[tuple[int, Subject]]:
    """The grade's subjects that have at least one column of scores (not comment marks or levels)."""
    rows = sorted((await turn.uow.school.subject_rows()).values(), key=lambda row: row.id)
    subjects = [(row.id, subject_of(row)) for row in rows]
    return [(sid, s) for sid, s in subjects if s.taught_in(grade) and _score_columns(rules, s, grade)]


def _score_columns(rules: RuleSet, subject: Subject, grade: int) -> list[Offered]:
    return [o for o in offered_columns(rules, subject, grade) if not o.column.marks]


def _code(offered: Offered) -> str:
    return f"{KIND_CODES[offered.column.kind.value]}{offered.column.position}"


def _whats(
    t: Translator, rules: RuleSet, choice: Choice, subjects: list[tuple[int, Subject]]
) -> dict[str, str]:
    """Column code → label: one subject's score columns, or for a whole grade its test columns (regular
    columns differ from subject to subject); then the semester averages."""
    whats: dict[str, str] = {}
    for _, subject in subjects:
        for offered in _score_columns(rules, subject, choice.grade):
            if choice.scope != GRADE or offered.column.kind.value != "regular":
                whats.setdefault(_code(offered), t(offered.label_key, **offered.label_params))
    if rules is not RuleSet.TT27 and any(s.kind is SubjectKind.SCORED for _, s in subjects):
        whats[AVERAGE] = t("distribution.average")
    return whats


async def _chart(
    turn: Turn, choice: Choice, rules: RuleSet, subjects: list[tuple[int, Subject]], classes: list, label: str
) -> None:
    t, uow = turn.t, turn.uow
    year_row = await uow.school.year_row()
    class_ids = [cid for cid, _, grade in classes if grade == choice.grade and choice.class_id in (0, cid)]
    enrolled = await uow.progress.students(class_ids)
    student_ids = [sid for cid in class_ids for sid in enrolled.get(cid, [])]
    values = await uow.progress.values(
        year_row.id, choice.semester, student_ids, [sid for sid, _ in subjects]
    )
    if choice.what == AVERAGE:
        distribution = of_semester_averages(student_ids, subjects, values, rules, choice.semester)
    else:
        kind, position = choice.what[0], int(choice.what[1:])
        offering = [
            s
            for _, s in subjects
            if any(_code(o) == choice.what for o in _score_columns(rules, s, choice.grade))
        ]
        picked = [v.value for v in values if KIND_CODES.get(v.kind) == kind and v.position == position]
        distribution = of_column(picked, len(student_ids) * len(offering))
    title = _title(t, choice, classes, subjects, label)
    caption = _caption(t, title, distribution)
    again = InlineKeyboardMarkup(
        [[button(t("distribution.another"), replace(choice, what="0").data())], [_back(t)]]
    )
    await turn.answer_press_now()  # the chart is drawn next
    if not distribution.count:
        turn.send(caption, again)
        return
    png = await asyncio.to_thread(render, distribution, _chart_texts(t, title))
    chat = turn.chat_id
    turn.later(lambda bot: bot.send_photo(chat, png, caption=caption, reply_markup=again))


def _title(
    t: Translator, choice: Choice, classes: list, subjects: list[tuple[int, Subject]], label: str
) -> str:
    if choice.scope == CLASS:
        where = next(name for cid, name, _ in classes if cid == choice.class_id)
    else:
        where = t("distribution.grade", grade=choice.grade)
    subject = subjects[0][1].name if choice.scope != GRADE else t("distribution.all_subjects")
    return t("distribution.title", where=where, subject=subject, semester=choice.semester, what=label)


def _caption(t: Translator, title: str, distribution: Distribution) -> str:
    lines = [title, t("distribution.count", count=distribution.count, missing=distribution.not_scored)]
    if distribution.count:
        lines += [
            t("distribution.band", band=label, count=band.count, share=band.share)
            for label, band in zip(_band_labels(t), distribution.bands(), strict=True)
        ]
    return "\n".join(lines)[:CAPTION_LIMIT]


def _band_labels(t: Translator) -> tuple[str, ...]:
    edges = BAND_EDGES
    labels = [
        t("distribution.band_range", low=low, high=high)
        for low, high in zip(edges, edges[1:-1], strict=False)
    ]
    labels.append(t("distribution.band_last", low=edges[-2], high=edges[-1]))
    return tuple(labels)


def _chart_texts(t: Translator, title: str) -> ChartTexts:
    return ChartTexts(
        title=title,
        band_labels=_band_labels(t),
        bands_title=t("distribution.chart.bands"),
        histogram_title=t("distribution.chart.histogram"),
        count_axis=t("distribution.chart.count_axis"),
        score_axis=t("distribution.chart.score_axis"),
        tick_labels=tuple(t.number(n) for n in range(11)),
    )


def _paged(t: Translator, items: list[tuple[str, str]], page: int, choice: Choice) -> InlineKeyboardMarkup:
    return paged(t, items, page, choice.data(), back=(PREFIX, "start"))


def _back(t: Translator):
    return button(t("bot.back"), PREFIX, "start")


async def on_text(update: Update, dialog: Dialog) -> None:  # /phodiem keeps no conversation state
    current_turn().say("bot.use_menu")


on_other = on_text
