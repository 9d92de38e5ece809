"""What /nhapdiem holds while a column is entered: the place (class, subject, semester, column) read
from the dialog, the columns the book offers (with the summer re-test), the students who get a value,
the draft rebuilt from the dialog, and the title."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversations.base import Dialog
from bot.conversations.shared import class_students, offered_for
from bot.turn import Turn
from domain.class_record import SUMMER_TERM
from domain.columns import Offered
from domain.entry import COMMENT_MARKS, Column, Draft, Student, from_raws
from domain.school import SubjectKind
from domain.windows import ColumnKind
from services.year_end import summer_retests_of


@dataclass(frozen=True)
class Place:
    """Where the teacher is entering: read from the dialog, checked against the database."""

    class_id: int
    subject_id: int
    semester: int | None = None
    kind: str | None = None
    position: int | None = None


def place_of(dialog: Dialog) -> Place | None:
    data = dialog.data
    if "class_id" not in data:
        return None
    return Place(
        data["class_id"], data["subject_id"], data.get("semester"), data.get("kind"), data.get("position")
    )


def column_of(dialog: Dialog) -> Column:
    data = dialog.data
    return Column(
        ColumnKind(data["kind"]), data["position"], tuple(data.get("marks", ())), data.get("integer", False)
    )


async def offered_columns(turn: Turn, place: Place) -> list[Offered]:
    """The book's columns; in semester 2 and the summer, also the re-test column once the class's
    year lists are approved with re-tests in this subject."""
    offered = await offered_for(turn.uow, place.class_id, place.subject_id)
    if place.semester in (2, SUMMER_TERM) and await _retest_students(turn, place.class_id, place.subject_id):
        subject = await turn.uow.gradebook.subject(place.subject_id)
        marks = COMMENT_MARKS if subject.kind is SubjectKind.COMMENT else ()
        offered.append(Offered(Column(ColumnKind.RETEST, 1, marks), "year_end.retest_column", {}))
    return offered


async def _retest_students(turn: Turn, class_id: int, subject_id: int) -> set[int]:
    """Who re-tests in the subject, by the class's approved year lists (a student in summer conduct
    training once the summer conduct passed)."""
    subject = (await turn.uow.views.subject_names()).get(subject_id)
    retests = await summer_retests_of(turn.uow, class_id)
    return {student_id for student_id, subjects in retests.items() if subject in subjects}


async def students_of(turn: Turn, dialog: Dialog, class_id: int) -> list[Student]:
    """The class list; for the re-test column only the students who re-test in the subject."""
    students = await class_students(turn, class_id)
    if dialog.data.get("kind") != ColumnKind.RETEST.value:
        return students
    retesting = await _retest_students(turn, class_id, dialog.data["subject_id"])
    return [student for student in students if student.id in retesting]


def draft_of(dialog: Dialog, students: list[Student], column_: Column, earlier) -> Draft | None:
    """The draft as the teacher left it, rebuilt from the dialog (the database), not from memory."""
    raws = dialog.data.get("raws")
    if raws is None:
        return None
    return from_raws(raws, students, column_, earlier, dialog.data.get("given"))


async def title_of(turn: Turn, place: Place, offered: Offered | None = None) -> str:
    subjects = await turn.uow.views.subject_names()
    parts = [await turn.uow.views.class_name(place.class_id), subjects.get(place.subject_id, "?")]
    if place.semester == SUMMER_TERM:
        parts.append(turn.t("year_end.summer"))
    elif place.semester:
        parts.append(turn.t("entry.semester", number=place.semester))
    if offered:
        parts.append(turn.t(offered.label_key, **offered.label_params))
    return " · ".join(parts)
