"""What the conversations share: showing a screen, the class list, and whether the book is open."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.handlers.common import answer_and_show
from bot.turn import Turn
from domain.class_record import SUMMER_TERM
from domain.columns import Offered, offered_columns
from domain.entry import Student
from domain.evaluation import rules_for
from domain.names import told_apart
from domain.windows import SUMMER_KINDS, ColumnKind, entry_state
from locales import SCHOOL_TZ, Translator
from storage.uow import UnitOfWork


def show(update: Update, turn: Turn, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """In place of the pressed message after a button; as a new message after a command."""
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, keyboard)
    else:
        turn.send(text, keyboard)


async def grade_of(turn: Turn, class_id: int) -> int:
    return (await turn.uow.views.classes(frozenset({class_id})))[0][2]


async def offered_for(uow: UnitOfWork, class_id: int, subject_id: int) -> list[Offered]:
    """The columns of a class's subject under the rule set of its grade, in the book's order."""
    subject = await uow.gradebook.subject(subject_id)
    grade = (await uow.views.classes(frozenset({class_id})))[0][2]
    year = await uow.school.year()
    return offered_columns(rules_for(year.name, grade), subject, grade)


def column_name(t: Translator, offered: list[Offered], kind: str, position: int) -> str:
    for option in offered:
        if option.column.kind == kind and option.column.position == position:
            return t(option.label_key, **option.label_params)
    return f"{kind} {position}"


async def class_students(turn: Turn, class_id: int) -> list[Student]:
    """The class's students today, in class-list order (read once a turn: a step checks and saves)."""
    if class_id not in turn.class_lists:
        year = await turn.uow.school.year_row()
        name = await turn.uow.views.class_name(class_id)
        entries = await turn.uow.roster.class_list(name, year.name)
        shown = told_apart([(s.full_name, s.date_of_birth, s.code) for s in entries])
        turn.class_lists[class_id] = [Student(s.id, label) for s, label in zip(entries, shown, strict=True)]
    return list(turn.class_lists[class_id])


async def book_open(
    turn: Turn, class_id: int, subject_id: int | None, semester_number: int, kind: ColumnKind
) -> bool:
    """Whether entry is open now; when not, the person is told when it opens or whom to ask."""
    year = await turn.uow.school.year()
    year_row = await turn.uow.school.year_row()
    semester = next(s for s in year.semesters if s.number == min(semester_number, 2))
    decisions = await turn.uow.windows.decisions(year_row.id, semester_number)
    if kind in SUMMER_KINDS:  # shown under HK 2 and kept in term 3: the decisions of both count
        other = SUMMER_TERM if semester_number == 2 else 2
        decisions += await turn.uow.windows.decisions(year_row.id, other)
    state = entry_state(
        turn.now,
        semester,
        kind,
        await grade_of(turn, class_id),
        class_id,
        subject_id,
        decisions,
        SCHOOL_TZ,
        await turn.uow.year_end.states(class_id),
    )
    if not state.open:
        leaders = ", ".join(await turn.uow.views.leader_names()) or "-"
        opens = state.opens_at.astimezone(SCHOOL_TZ).date() if state.opens_at else "-"
        turn.say(state.reason, leaders=leaders, date=opens)
    return state.open
