"""/nhapdiem's last step: the reviewed column checked once more (still the one reviewed, still allowed,
the book still open) and saved; the saved column shown."""

from __future__ import annotations

from bot.conversations.base import end_dialog
from bot.conversations.review import still_current, value_text
from bot.conversations.scores_place import (
    column_of,
    draft_of,
    offered_columns,
    place_of,
    students_of,
    title_of,
)
from bot.conversations.shared import book_open
from bot.handlers.common import answer_and_show, refuse
from domain.permissions import Action, Target, allowed
from domain.windows import ColumnKind
from storage.changes import Author


async def confirm_pressed(update, turn, dialog, args) -> None:
    place = place_of(dialog)
    if place is None or dialog.step != "review" or place.kind is None:
        turn.answer_press()
        turn.say("entry.nothing_in_progress")
        return
    if not await still_current(turn, dialog, args, await students_of(turn, dialog, place.class_id)):
        return
    column_ = column_of(dialog)
    if not allowed(turn.actor, Action.ENTER_SCORES, Target(place.class_id, place.subject_id)):
        await refuse(turn, "enter-scores", update.callback_query.data)
        return
    if not await book_open(turn, place.class_id, place.subject_id, place.semester, column_.kind):
        turn.answer_press()
        return
    students = await students_of(turn, dialog, place.class_id)
    year = await turn.uow.school.year_row()
    earlier = await turn.uow.gradebook.earlier_scores(place.subject_id, year.id, [s.id for s in students])
    draft = draft_of(dialog, students, column_, earlier)
    if draft is None or not draft.ready:
        turn.say("entry.not_ready")
        return
    author = Author(turn.actor.person.id, turn.channel, turn.account, turn.now)
    settings = await turn.uow.school.settings()
    may_overwrite = column_.kind is ColumnKind.REGULAR and bool(settings.get("regular_reentry"))
    values = {c.student.id: c.value for c in draft.cells}
    result = await turn.uow.gradebook.save_column(
        place.class_id, place.subject_id, year.id, place.semester, column_, values, author, may_overwrite
    )
    await end_dialog(turn)
    offered = (await offered_columns(turn, place))[dialog.data["option"]]
    saved = result.stored
    lines = [
        turn.t(
            "entry.saved",
            title=await title_of(turn, place, offered),
            saved=result.saved,
            unchanged=result.unchanged,
        )
    ]
    lines += [
        f"{n}. {s.name} — {value_text(turn.t, saved[s.id]) if s.id in saved else '—'}"
        for n, s in enumerate(students, start=1)
    ]
    if result.kept:
        names = ", ".join(s.name for s in students if s.id in result.kept)
        lines += ["", turn.t("entry.kept", names=names)]
    answer_and_show(turn, update.callback_query, "\n".join(lines)[:4096], None)
