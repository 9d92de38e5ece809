"""Which backups to keep: every backup of the last 31 days, and after that the newest backup of
each semester, for ever. A backup taken outside every known semester (the summer) is kept too:
the rule never deletes what it cannot place."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from domain.school import Semester

DAILY_DAYS = 31


def backups_to_keep(taken: Iterable[datetime], today: date, semesters: Iterable[Semester]) -> set[datetime]:
    times = sorted(taken)
    recent_from = today - timedelta(days=DAILY_DAYS)
    keep = {t for t in times if t.date() >= recent_from}
    newest_of: dict[tuple[date, date], datetime] = {}
    spans = [(s.start, s.end) for s in semesters]
    for moment in times:
        span = next(((start, end) for start, end in spans if start <= moment.date() <= end), None)
        if span is None:
            keep.add(moment)
        else:
            newest_of[span] = moment  # times are sorted, so the last one wins
    return keep | set(newest_of.values())
