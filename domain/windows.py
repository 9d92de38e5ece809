"""When the book is open for entry (khóa / mở sổ).

Without a decision of the leadership, each kind of column is open during its part of the semester:
regular columns, comments and conduct from the first to the last day of the semester; the mid-term
column from the first day of the mid-term test window to a week after its last day; the end-of-term
column from the first day of the end-of-term test window to the end of the semester. A decision to
open or lock overrides that for its scope; the most specific decision wins (a class over a grade over
the school; a subject and a column kind over all), and among equals the latest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.school import Semester
from domain.year_end import ReviewState, Stage

MIDTERM_GRACE = timedelta(days=7)


class ColumnKind(StrEnum):
    REGULAR = "regular"
    PERIODIC = "periodic"  # original TT58's coefficient-2 tests
    MIDTERM = "midterm"
    FINAL = "final"
    TEST = "test"  # primary: the periodic written test (position 1 mid-term, 2 end of term)
    COMMENT = "comment"
    CONDUCT = "conduct"
    RETEST = "retest"  # the summer re-test of a subject (stored in the summer term, see year_end)
    SUMMER_CONDUCT = "summer_conduct"  # conduct re-assessed after summer training


SUMMER_KINDS = frozenset({ColumnKind.RETEST, ColumnKind.SUMMER_CONDUCT})


class WindowState(StrEnum):
    OPEN = "open"
    LOCKED = "locked"


@dataclass(frozen=True)
class WindowDecision:
    state: WindowState
    starts_at: datetime
    ends_at: datetime | None = None
    grade: int | None = None
    class_id: int | None = None
    subject_id: int | None = None
    kind: ColumnKind | None = None
    decided_at: datetime | None = None

    def covers(
        self, grade: int, class_id: int, subject_id: int | None, kind: ColumnKind, now: datetime
    ) -> bool:
        return (
            (self.grade is None or self.grade == grade)
            and (self.class_id is None or self.class_id == class_id)
            and (self.subject_id is None or self.subject_id == subject_id)
            and (self.kind is None or self.kind == kind)
            and self.starts_at <= now
            and (self.ends_at is None or now < self.ends_at)
        )

    @property
    def specificity(self) -> tuple[int, int, int]:
        place = 2 if self.class_id is not None else 1 if self.grade is not None else 0
        return place, int(self.subject_id is not None), int(self.kind is not None)


@dataclass(frozen=True)
class EntryState:
    open: bool
    reason: str  # a catalog key: entry.open, entry.locked, entry.opens_later, entry.closed
    opens_at: datetime | None = None
    closes_at: datetime | None = None


def default_span(semester: Semester, kind: ColumnKind) -> tuple[date, date]:
    """First and last day a kind of column is open when the leadership decided nothing."""
    if kind is ColumnKind.MIDTERM:
        return semester.midterm_start, semester.midterm_end + MIDTERM_GRACE
    if kind is ColumnKind.FINAL:
        return semester.final_start, semester.end
    return semester.start, semester.end


# The lists' states that fix the values they were made from: the message key's ending.
_FIXED = {ReviewState.SUBMITTED: "submitted", ReviewState.APPROVED: "locked"}


def entry_state(
    now: datetime,
    semester: Semester,
    kind: ColumnKind,
    grade: int,
    class_id: int,
    subject_id: int | None,
    decisions: list[WindowDecision],
    zone: ZoneInfo,
    lists: Mapping[Stage, ReviewState] | None = None,
) -> EntryState:
    """``lists``: the state of the class's year-end lists. Submitted or approved year lists fix the
    class's year (a returned list re-opens it); the summer columns open once the year lists are
    approved and stay open, unless the leadership decides otherwise, until the summer lists are
    submitted."""
    lists = lists or {}
    summer = kind in SUMMER_KINDS
    if summer and lists.get(Stage.YEAR) is not ReviewState.APPROVED:
        return EntryState(False, "year_end.entry.summer_not_yet")
    fixed = lists.get(Stage.SUMMER if summer else Stage.YEAR)
    if fixed in _FIXED:
        return EntryState(False, f"year_end.entry.{'summer' if summer else 'year'}_{_FIXED[fixed]}")
    applicable = [d for d in decisions if d.covers(grade, class_id, subject_id, kind, now)]
    if applicable:
        decision = max(applicable, key=lambda d: (d.specificity, d.decided_at or d.starts_at))
        if decision.state is WindowState.OPEN:
            return EntryState(True, "entry.open", closes_at=decision.ends_at)
        return EntryState(False, "entry.locked", opens_at=decision.ends_at)
    if summer:
        return EntryState(True, "entry.open")
    first, last = default_span(semester, kind)
    opens = datetime.combine(first, time(0), zone)
    closes = datetime.combine(last + timedelta(days=1), time(0), zone)
    if now < opens:
        return EntryState(False, "entry.opens_later", opens_at=opens)
    if now >= closes:
        return EntryState(False, "entry.closed")
    return EntryState(True, "entry.open", closes_at=closes)
