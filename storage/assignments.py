"""The person's assignments as columns of the identity query (storage/identity_store.py: actor), so that
one query reads who someone is: each list aggregated into a "1,5,9" string by a correlated subquery
(``group_concat`` on SQLite, ``string_agg`` on PostgreSQL), and read back into sets."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import aliased

from storage.models import (
    AccountRow,
    ClassRow,
    GuardianLinkRow,
    HomeroomRow,
    SchoolYearRow,
    StaffRow,
    TeachingRow,
)


def _joined(column) -> ColumnElement[str]:
    """The values of a correlated subquery's column, as one "1,5,9" string (NULL when none)."""
    return func.aggregate_strings(cast(column, String), ",")


def assignment_columns() -> list:
    """Columns of the actor's query (correlated with the account, its staff member and the newest
    year): the homerooms and the teaching ("class:subject") in that year, the subjects the staff
    member's department teaches, the guardian's children."""
    # each subquery names the outer rows itself: a subquery nested one level deeper is not correlated
    colleague = aliased(StaffRow)
    teaching_pair = cast(TeachingRow.class_id, String) + ":" + cast(TeachingRow.subject_id, String)
    return [
        select(_joined(HomeroomRow.class_id))
        .join(ClassRow, ClassRow.id == HomeroomRow.class_id)
        .where(HomeroomRow.staff_id == AccountRow.staff_id, ClassRow.year_id == SchoolYearRow.id)
        .scalar_subquery(),
        select(func.aggregate_strings(teaching_pair, ","))
        .join(ClassRow, ClassRow.id == TeachingRow.class_id)
        .where(TeachingRow.staff_id == AccountRow.staff_id, ClassRow.year_id == SchoolYearRow.id)
        .scalar_subquery(),
        select(_joined(TeachingRow.subject_id))
        .join(colleague, colleague.id == TeachingRow.staff_id)
        .where(colleague.department_id == StaffRow.department_id)
        .scalar_subquery(),
        select(_joined(GuardianLinkRow.student_id))
        .where(GuardianLinkRow.guardian_id == AccountRow.guardian_id)
        .scalar_subquery(),
    ]


def _numbers(listed: str | None) -> frozenset[int]:
    return frozenset(int(value) for value in listed.split(",")) if listed else frozenset()


@dataclass(frozen=True)
class Assigned:
    """What the actor's query lists (``assignment_columns``), as sets."""

    homerooms: frozenset[int]
    teaching: frozenset[tuple[int, int]]
    department: frozenset[int]
    children: frozenset[int]

    @classmethod
    def listed(
        cls, homerooms: str | None, teaching: str | None, department: str | None, children: str | None
    ):
        pairs = (pair.split(":") for pair in teaching.split(",")) if teaching else ()
        return cls(
            _numbers(homerooms),
            frozenset((int(class_id), int(subject_id)) for class_id, subject_id in pairs),
            _numbers(department),
            _numbers(children),
        )
