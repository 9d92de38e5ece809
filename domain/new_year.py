"""The next school year (``sodiem year new``): where each student of the closing year goes.

From the approved year-end lists (domain/year_end.py): a promoted student goes up a grade (6A → 7A by
default, or the class a mapping names), a retained student stays in the grade (6A → 6A of the new year),
a promoted student of the school's last grade finishes and leaves. A student whose status is not settled
(their class's lists are not approved, or a re-test or summer training is still open) blocks the new year,
unless the administrator says what to do with them: ``retain`` keeps them in their grade, as if retained,
to be moved once their status is decided."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.calendar import checked_year, default_school_year
from domain.errors import DomainError
from domain.school import (
    SchoolYear,
    Semester,
    class_order,
    grade_of_class,
    normalise_class_name,
    parse_year_name,
)
from domain.year_end import Outcome


class Placement(StrEnum):
    """What happens to a student (the preview says it in words of its own, ``schoolyear.new.*``)."""

    PROMOTED = "promoted"
    RETAINED = "retained"
    FINISHED = "finished"
    UNSETTLED = "unsettled"


class Unsettled(StrEnum):
    """What the administrator decided for students whose status is not settled."""

    RETAIN = "retain"


@dataclass(frozen=True)
class OldClass:
    name: str
    grade: int
    approved: bool


@dataclass(frozen=True)
class Member:
    """A student in a class at the end of the closing year, with their final status if approved."""

    student_id: int
    code: str
    full_name: str
    class_name: str
    outcome: Outcome | None


@dataclass(frozen=True)
class Move:
    member: Member
    placement: Placement
    target: str | None  # the class of the new year; None for those who finish


@dataclass
class ClassPlan:
    old: OldClass
    promoted_to: str | None
    moves: list[Move] = field(default_factory=list)

    def of(self, placement: Placement) -> list[Move]:
        return [m for m in self.moves if m.placement is placement]


@dataclass(frozen=True)
class Plan:
    old_year: str
    new_year: SchoolYear
    classes: tuple[ClassPlan, ...]
    unapproved: tuple[str, ...]  # classes whose year-end lists are not approved
    unsettled_policy: Unsettled | None

    @property
    def unsettled(self) -> list[Move]:
        return [m for c in self.classes for m in c.of(Placement.UNSETTLED)]

    @property
    def blocked(self) -> bool:
        return bool(self.unapproved or self.unsettled) and self.unsettled_policy is None

    @property
    def new_classes(self) -> list[str]:
        names = {c.promoted_to for c in self.classes if c.promoted_to}
        names |= {m.target for c in self.classes for m in c.moves if m.target}
        return sorted(names, key=class_order)

    @property
    def moves(self) -> list[Move]:
        return [m for c in self.classes for m in c.moves]


def next_year_name(old: str) -> str:
    first, second = parse_year_name(old)
    return f"{first + 1}-{second + 1}"


def check_next(old: str, new: str, new_exists: bool, old_closed: bool) -> None:
    parse_year_name(new)
    if new_exists or old_closed:
        raise DomainError("schoolyear.error.already_done", year=new, old=old)
    if new != next_year_name(old):
        raise DomainError("schoolyear.error.not_next", year=new, old=old, expected=next_year_name(old))


def new_year_dates(
    name: str, start: date | None = None, second: date | None = None, end: date | None = None
) -> SchoolYear:
    """The default calendar (domain/calendar.py) with the first day, the first day of semester II and the
    last day changed where given. The test weeks keep their distance: the mid-term's from the semester's
    start, the end-of-term's from its end (``sodiem school tests`` sets the school's own)."""
    year = default_school_year(name)
    one, two = year.semesters
    one = _moved(one, start or one.start, (second - timedelta(days=1)) if second else one.end)
    return checked_year(name, one, _moved(two, second or two.start, end or two.end))


def _moved(semester: Semester, start: date, end: date) -> Semester:
    early, late = start - semester.start, end - semester.end
    return Semester(
        semester.number,
        start,
        semester.midterm_start + early,
        semester.midterm_end + early,
        semester.final_start + late,
        semester.final_end + late,
        end,
    )


GRADE_PREFIX = re.compile(r"^(1[0-2]|[1-9])(.*)$")


def promoted_name(name: str) -> str:
    """'6A' → '7A', '9A1' → '10A1'."""
    match = GRADE_PREFIX.match(name)
    assert match is not None
    return f"{int(match[1]) + 1}{match[2]}"


def read_mapping(rows: Iterable[Sequence[str]], classes: dict[str, OldClass]) -> dict[str, str]:
    """Lines ``old,new`` (a first line that names no class is a header): the class each old class's
    promoted students go to. Every mistake is reported with its line."""
    mapping: dict[str, str] = {}
    for line, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row if cell.strip()]
        if not cells:
            continue
        if len(cells) != 2:
            raise DomainError("schoolyear.error.mapping_line", line=line)
        old, new = (normalise_class_name(cell) for cell in cells)
        if line == 1 and old not in classes and not GRADE_PREFIX.match(old):
            continue  # the header
        if old not in classes:
            raise DomainError("schoolyear.error.mapping_unknown", line=line, name=old)
        if old in mapping:
            raise DomainError("schoolyear.error.mapping_twice", line=line, name=old)
        try:
            grade = grade_of_class(new)
        except DomainError as error:
            raise DomainError("schoolyear.error.mapping_bad_name", line=line, name=new) from error
        if grade != classes[old].grade + 1:
            raise DomainError("schoolyear.error.mapping_grade", line=line, old=old, new=new)
        mapping[old] = new
    return mapping


def plan_new_year(
    old_year: str,
    new_year: SchoolYear,
    classes: Sequence[OldClass],
    members: Sequence[Member],
    last_grade: int,
    mapping: dict[str, str],
    unsettled: Unsettled | None = None,
) -> Plan:
    plans = []
    for old in sorted(classes, key=lambda c: class_order(c.name)):
        finishing = old.grade >= last_grade
        target = None if finishing else mapping.get(old.name, promoted_name(old.name))
        plan = ClassPlan(old, target)
        for member in (m for m in members if m.class_name == old.name):
            plan.moves.append(_move(member, old, target, unsettled))
        plans.append(plan)
    _refuse_merges(plans)
    unapproved = tuple(c.name for c in classes if not c.approved)
    return Plan(old_year, new_year, tuple(plans), unapproved, unsettled)


def _refuse_merges(plans: Sequence[ClassPlan]) -> None:
    """Two classes going up into one (6A,7B in the mapping while 6B goes to 7B by default) is refused: a
    class has one homeroom teacher, and a merge is better done by hand after the new year exists."""
    sources: dict[str, list[str]] = defaultdict(list)
    for plan in plans:
        if plan.promoted_to:
            sources[plan.promoted_to].append(plan.old.name)
    for new, olds in sources.items():
        if len(olds) > 1:
            raise DomainError("schoolyear.error.mapping_merge", new=new, old=", ".join(olds))


def _move(member: Member, old: OldClass, target: str | None, policy: Unsettled | None) -> Move:
    outcome = member.outcome if old.approved else None
    if outcome is Outcome.RETAINED:
        return Move(member, Placement.RETAINED, old.name)
    if outcome is Outcome.PROMOTED:
        return Move(member, Placement.PROMOTED if target else Placement.FINISHED, target)
    # not settled: kept in the grade if the administrator said so (and only then is the plan carried out)
    return Move(member, Placement.UNSETTLED, old.name if policy is Unsettled.RETAIN else None)
