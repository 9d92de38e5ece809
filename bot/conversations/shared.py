"""What the conversations share: showing a screen, the class list, and whether the book is open."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.handlers.common import answer_and_show
from bot.turn import Turn
from domain.entry import Student
from domain.windows import ColumnKind, entry_state
from locales import SCHOOL_TZ


def show(update: Update, turn: Turn, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """In place of the pressed message after a button; as a new message after a command."""
    if update.callback_query:
        answer_and_show(turn, update.callback_query, text, keyboard)
    else:
        turn.send(text, keyboard)


async def grade_of(turn: Turn, class_id: int) -> int:
    return (await turn.uow.views.classes(frozenset({class_id})))[0][2]


async def class_students(turn: Turn, class_id: int) -> list[Student]:
    """The class's students today, in class-list order."""
    year = await turn.uow.school.year_row()
    name = await turn.uow.views.class_name(class_id)
    return [Student(s.id, s.full_name) for s in await turn.uow.roster.class_list(name, year.name)]


async def book_open(
    turn: Turn, class_id: int, subject_id: int | None, semester_number: int, kind: ColumnKind
) -> bool:
    """Whether entry is open now; when not, the person is told when it opens or whom to ask."""
    year = await turn.uow.school.year()
    year_row = await turn.uow.school.year_row()
    semester = next(s for s in year.semesters if s.number == semester_number)
    decisions = await turn.uow.gradebook.decisions(year_row.id, semester_number)
    state = entry_state(
        turn.now, semester, kind, await grade_of(turn, class_id), class_id, subject_id, decisions, SCHOOL_TZ
    )
    if not state.open:
        leaders = ", ".join(await turn.uow.views.leader_names()) or "-"
        opens = state.opens_at.astimezone(SCHOOL_TZ).date() if state.opens_at else "-"
        turn.say(state.reason, leaders=leaders, date=opens)
    return state.open
