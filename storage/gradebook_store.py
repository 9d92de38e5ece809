"""Scores and marks, the leadership's open/lock decisions, and reading a class's record back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.entry import Column
from domain.school import Subject, SubjectKind
from domain.windows import ColumnKind, WindowDecision, WindowState
from storage.changes import Author, record_change
from storage.models import BookWindowRow, ScoreRow, SubjectRow
from storage.school_store import SqlSchoolStore


@dataclass(frozen=True)
class SavedColumn:
    saved: int  # values written now
    unchanged: int  # values that were already there, the same
    kept: list[int]  # students whose earlier, different value stays (changes go through corrections)


@dataclass(frozen=True)
class ScoreKey:
    student_id: int
    subject_id: int
    semester: int
    kind: str
    position: int


class SqlGradebookStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def subject(self, subject_id: int) -> Subject | None:
        row = await self.session.get(SubjectRow, subject_id)
        if row is None:
            return None
        return Subject(
            row.code,
            row.name,
            SubjectKind(row.kind),
            row.periods_per_year,
            tuple(row.grades),
            row.has_periodic_test,
        )

    async def column_values(
        self, class_id: int, subject_id: int, year_id: int, semester: int, column: Column
    ) -> dict[int, str]:
        rows = await self.session.execute(
            select(ScoreRow.student_id, ScoreRow.value).where(
                ScoreRow.class_id == class_id,
                ScoreRow.subject_id == subject_id,
                ScoreRow.year_id == year_id,
                ScoreRow.semester == semester,
                ScoreRow.kind == column.kind.value,
                ScoreRow.position == column.position,
            )
        )
        return dict(rows.all())

    async def earlier_scores(
        self, subject_id: int, year_id: int, student_ids: list[int]
    ) -> dict[int, list[Decimal]]:
        rows = await self.session.execute(
            select(ScoreRow.student_id, ScoreRow.value).where(
                ScoreRow.subject_id == subject_id,
                ScoreRow.year_id == year_id,
                ScoreRow.student_id.in_(student_ids),
            )
        )
        earlier: dict[int, list[Decimal]] = defaultdict(list)
        for student_id, value in rows:
            if value[0].isdigit():
                earlier[student_id].append(Decimal(value))
        return earlier

    async def save_column(
        self,
        class_id: int,
        subject_id: int,
        year_id: int,
        semester: int,
        column: Column,
        values: dict[int, str],
        author: Author,
        may_overwrite: bool = False,
    ) -> SavedColumn:
        """Writes the values; an existing different value is kept (and reported) unless it is a pending
        make-up ('v') or ``may_overwrite`` (the school's option for regular columns while open)."""
        existing = {
            row.student_id: row
            for row in await self.session.scalars(
                select(ScoreRow).where(
                    ScoreRow.subject_id == subject_id,
                    ScoreRow.year_id == year_id,
                    ScoreRow.semester == semester,
                    ScoreRow.kind == column.kind.value,
                    ScoreRow.position == column.position,
                    ScoreRow.student_id.in_(list(values)),
                )
            )
        }
        saved = unchanged = 0
        kept = []
        for student_id, value in values.items():
            row = existing.get(student_id)
            key = f"{student_id}:{subject_id}:{year_id}:{semester}:{column.kind.value}:{column.position}"
            if row is not None and row.value == value:
                unchanged += 1
                continue
            if row is not None and row.value != "v" and not may_overwrite:
                kept.append(student_id)
                continue
            record_change(self.session, author, "score", key, row.value if row else None, value)
            if row is None:
                row = ScoreRow(
                    student_id=student_id,
                    class_id=class_id,
                    subject_id=subject_id,
                    year_id=year_id,
                    semester=semester,
                    kind=column.kind.value,
                    position=column.position,
                )
                self.session.add(row)
            row.value, row.entered_by, row.entered_at = value, author.staff_id, author.at
            saved += 1
        await self.session.flush()
        return SavedColumn(saved, unchanged, kept)

    async def class_scores(self, class_id: int, year_id: int) -> list[ScoreRow]:
        return list(
            await self.session.scalars(
                select(ScoreRow).where(ScoreRow.class_id == class_id, ScoreRow.year_id == year_id)
            )
        )

    async def decisions(self, year_id: int, semester: int) -> list[WindowDecision]:
        rows = await self.session.scalars(
            select(BookWindowRow).where(BookWindowRow.year_id == year_id, BookWindowRow.semester == semester)
        )
        return [
            WindowDecision(
                WindowState(r.state),
                _aware(r.starts_at),
                _aware(r.ends_at) if r.ends_at else None,
                r.grade,
                r.class_id,
                r.subject_id,
                ColumnKind(r.kind) if r.kind else None,
                _aware(r.decided_at),
            )
            for r in rows
        ]

    async def add_decision(
        self, year_id: int, semester: int, decision: WindowDecision, author: Author
    ) -> None:
        self.session.add(
            BookWindowRow(
                year_id=year_id,
                semester=semester,
                state=decision.state.value,
                grade=decision.grade,
                class_id=decision.class_id,
                subject_id=decision.subject_id,
                kind=decision.kind.value if decision.kind else None,
                starts_at=decision.starts_at,
                ends_at=decision.ends_at,
                decided_by=author.staff_id,
                decided_at=author.at,
            )
        )
        scope = (
            f"{year_id}:{semester}:{decision.grade}:{decision.class_id}:{decision.subject_id}:{decision.kind}"
        )
        record_change(self.session, author, "book-window", scope, None, decision.state.value)


def _aware(moment):
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
