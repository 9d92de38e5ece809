"""Showing a column before it is saved: the table, what must be fixed, what deserves a second look."""

from __future__ import annotations

from decimal import Decimal

from bot.conversations.base import Dialog
from bot.turn import Turn
from domain.entry import Cell, Draft
from locales import Translator


def review_lines(turn: Turn, title: str, draft: Draft) -> list[str]:
    t = turn.t
    lines = [t("entry.review_title", title=title), *(_row(turn, cell) for cell in draft.cells)]
    problems = [t(key, **shown(params)) for key, params in draft.problems]
    problems += [
        t(
            "entry.problem_line",
            number=c.number,
            name=c.student.name,
            problem=t(c.problem[0], **shown(c.problem[1])),
        )
        for c in draft.cells
        if c.problem and c.problem[0] != "entry.error.missing"
    ]
    if problems:
        lines += ["", t("entry.must_fix"), *problems, t("entry.how_to_fix")]
    warnings = [
        t(
            "entry.problem_line",
            number=c.number,
            name=c.student.name,
            problem=t(c.warning[0], **shown(c.warning[1])),
        )
        for c in draft.warnings
    ]
    if warnings:
        lines += ["", t("entry.look_again"), *warnings]
    return lines


def _row(turn: Turn, cell: Cell) -> str:
    if cell.value is None:
        value = "—" if cell.raw is None else f"«{cell.raw}» ⛔"
    else:
        value = value_text(turn.t, cell.value) + (" ⚠" if cell.warning else "")
    return f"{cell.number}. {cell.student.name} — {value}"


def value_text(t: Translator, value: str | None) -> str:
    """A stored value as the person reads it: 8,5 in Vietnamese; marks and levels as they are."""
    if not value:
        return "—"
    return t.number(Decimal(value)) if value[0].isdigit() else value


def shown(params: dict) -> dict:
    return {name: value for name, value in params.items() if value is not None}


def stamp_review(dialog: Dialog, draft: Draft) -> int:
    """A new revision for the review about to be shown, and the students it was typed for; its Save
    button carries the revision, so a Save pressed on an older review saves nothing."""
    dialog.data["revision"] = dialog.data.get("revision", 0) + 1
    dialog.data["ids"] = [cell.student.id for cell in draft.cells]
    return dialog.data["revision"]


async def still_current(turn: Turn, dialog: Dialog, args: list[int], students: list | None = None) -> bool:
    """The pressed Save belongs to the latest review, and the list of students (the class's, unless
    ``students`` says otherwise) is the one it was typed for."""
    from bot.conversations.shared import class_students

    turn.answer_press()
    if args != [dialog.data.get("revision")]:
        turn.say("entry.stale")
        return False
    if students is None:
        students = await class_students(turn, dialog.data["class_id"])
    if [s.id for s in students] != dialog.data.get("ids"):
        turn.say("entry.class_changed")
        return False
    return True
