"""/lichsu's texts: every change of a saved value, or of a student's attendance marks in a month."""

from __future__ import annotations

from bot.conversations.corrections_pick import Pick, offered_columns
from bot.conversations.review import value_text
from bot.turn import Turn
from storage.changes import score_key


async def score_history_text(turn: Turn, pick: Pick, title: str) -> str:
    year = await turn.uow.school.year_row()
    column_ = (await offered_columns(turn, pick))[pick.option].column
    key = score_key(pick.student_id, pick.subject_id, year.id, pick.semester, column_.kind, column_.position)
    entries = await turn.uow.corrections.history("score", key)
    lines = [turn.t("correction.history.title", title=title)]
    lines += [
        _history_line(turn, entry, value_text(turn.t, entry.old), value_text(turn.t, entry.new))
        for entry in entries
    ]
    return "\n".join(lines)


async def attendance_history_text(turn: Turn, student_id: int, name: str, year: int, month: int) -> str:
    """Every change of the student's attendance marks in the month, day by day."""
    lines = [turn.t("correction.history.attendance_title", name=name, month=f"{month:02d}/{year}")]
    for day, session, entry in await turn.uow.corrections.absence_history(student_id, year, month):
        place = f"{day:%d/%m}{session_text(turn, session)}"
        lines.append(
            f"{place}: "
            + _history_line(turn, entry, _mark_text(turn, entry.old), _mark_text(turn, entry.new))
        )
    if len(lines) == 1:
        lines.append(turn.t("correction.history.no_attendance_changes"))
    return "\n".join(lines)


def _history_line(turn: Turn, entry, old: str, new: str) -> str:
    reason = turn.t("correction.history.reason", reason=entry.reason) if entry.reason else ""
    author = entry.author or turn.t("correction.history.system")
    return turn.t("correction.history.line", at=entry.at, author=author, old=old, new=new, reason=reason)


def _mark_text(turn: Turn, mark: str | None) -> str:
    return mark or turn.t("correction.history.present")


def session_text(turn: Turn, session: int) -> str:
    return f" {turn.t(f'correction.session.{session}')}" if session else ""
