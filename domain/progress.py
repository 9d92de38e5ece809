"""Entry progress (tiến độ nhập điểm): per class, subject and teacher, how many of the values due by
now are entered, the furthest behind first.

What is due is the current phase: the part of the current semester up to today. The columns come
from what the chat offers for the subject (``offered_columns``, itself the evaluation engine's
required columns):

- regular columns fall due evenly over the teaching weeks before the end-of-term test window: with
  four of them, the first is due once a quarter of that time has passed, all four when the window
  opens (a regular column is due once its share of the time has passed);
- a test column (mid-term, end-of-term, original TT58's periodic test, a primary written test) is due
  from the first day of its test window, so that the leadership watches it fill up during the window.

A value counts once it is a score or a mark; "v" (the student awaits a make-up test) is not entered
yet. Students are those in the class now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from domain.class_record import StoredValue
from domain.columns import offered_columns
from domain.evaluation import PENDING, RuleSet
from domain.school import Semester, Subject
from domain.windows import ColumnKind

MIDTERM_KINDS = (ColumnKind.MIDTERM, ColumnKind.PERIODIC)


@dataclass(frozen=True)
class Slot:
    """``count`` values of ``kind`` due for each student: at ``position``, or at any position (None)."""

    kind: ColumnKind
    position: int | None
    count: int = 1


@dataclass(frozen=True)
class ClassSubject:
    """A subject taught in a class this year, and who teaches it (None: nobody assigned yet)."""

    class_id: int
    class_name: str
    grade: int
    subject_id: int
    subject: Subject
    teacher: str | None


@dataclass(frozen=True)
class ProgressRow:
    class_id: int
    class_name: str
    grade: int
    subject_id: int
    subject_name: str
    teacher: str | None
    entered: int
    required: int

    @property
    def missing(self) -> int:
        return self.required - self.entered

    @property
    def share(self) -> Fraction:
        return Fraction(self.entered, self.required) if self.required else Fraction(1)


@dataclass(frozen=True)
class Summary:
    entered: int
    required: int
    rows: int  # class-subjects with something due
    complete: int  # of those, everything entered
    behind: tuple[ProgressRow, ...]  # the furthest behind, at most the number asked for


def due_slots(rules: RuleSet, subject: Subject, grade: int, semester: Semester, today: date) -> list[Slot]:
    """What each student of the class should have in this subject by ``today``."""
    if today < semester.start:
        return []
    offered = [o.column for o in offered_columns(rules, subject, grade)]
    slots = []
    regular = _regular_due(sum(1 for c in offered if c.kind is ColumnKind.REGULAR), semester, today)
    if regular:
        slots.append(Slot(ColumnKind.REGULAR, None, regular))
    if today >= semester.midterm_start:
        if any(c.kind is ColumnKind.PERIODIC for c in offered):
            slots.append(Slot(ColumnKind.PERIODIC, None))  # at least one KTđk (TT58)
        slots += [Slot(c.kind, c.position) for c in offered if _midterm_test(c.kind, c.position)]
    if today >= semester.final_start:
        slots += [Slot(c.kind, c.position) for c in offered if _final_test(c.kind, c.position)]
    return slots


def _regular_due(total: int, semester: Semester, today: date) -> int:
    span = (semester.final_start - semester.start).days
    if today >= semester.final_start or span <= 0:
        return total
    return total * (today - semester.start).days // span


def _midterm_test(kind: ColumnKind, position: int) -> bool:
    return kind is ColumnKind.MIDTERM or (kind is ColumnKind.TEST and position == 1)


def _final_test(kind: ColumnKind, position: int) -> bool:
    return kind is ColumnKind.FINAL or (kind is ColumnKind.TEST and position == 2)


def entered_of(slots: list[Slot], values: Iterable[StoredValue]) -> int:
    """How many of one student's due values (``slots``) are there among ``values`` (that student's, of
    the subject and semester)."""
    positions: dict[str, set[int]] = defaultdict(set)
    for value in values:
        if value.value != PENDING:
            positions[value.kind].add(value.position)
    entered = 0
    for slot in slots:
        held = positions.get(slot.kind.value, set())
        entered += min(slot.count, len(held) if slot.position is None else int(slot.position in held))
    return entered


def progress(
    taught: Iterable[ClassSubject],
    students: dict[int, list[int]],
    values: Iterable[StoredValue],
    rules_of: Callable[[int], RuleSet],
    semester: Semester,
    today: date,
) -> list[ProgressRow]:
    """One row per class and subject with something due, the furthest behind first. ``students``: the
    class's students now, by class id; ``values``: the gradebook's values (other semesters are ignored)."""
    by_place: dict[tuple[int, int], list[StoredValue]] = defaultdict(list)
    for value in values:
        if value.semester == semester.number:
            by_place[(value.student_id, value.subject_id)].append(value)
    rows = []
    for item in taught:
        slots = due_slots(rules_of(item.grade), item.subject, item.grade, semester, today)
        pupils = students.get(item.class_id, [])
        required = sum(slot.count for slot in slots) * len(pupils)
        if not required:
            continue
        entered = sum(entered_of(slots, by_place.get((pupil, item.subject_id), ())) for pupil in pupils)
        rows.append(
            ProgressRow(
                item.class_id,
                item.class_name,
                item.grade,
                item.subject_id,
                item.subject.name,
                item.teacher,
                entered,
                required,
            )
        )
    return behind_first(rows)


def behind_first(rows: Iterable[ProgressRow]) -> list[ProgressRow]:
    """The smallest share entered first; among equals the most values missing, then by class and subject."""
    return sorted(rows, key=lambda r: (r.share, -r.missing, r.grade, r.class_name, r.subject_name))


def summarise(rows: list[ProgressRow], worst: int = 5) -> Summary:
    return Summary(
        sum(r.entered for r in rows),
        sum(r.required for r in rows),
        len(rows),
        sum(1 for r in rows if r.missing == 0),
        tuple(r for r in behind_first(rows) if r.missing)[:worst],
    )
