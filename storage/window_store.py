"""The book's window: the leadership's decisions to open and lock score entry (by grade, class,
subject or column kind), each recorded in the audit trail."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.windows import ColumnKind, WindowDecision, WindowState
from storage.changes import Author, record_change
from storage.db import as_utc
from storage.models import BookWindowRow


class SqlWindowStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def decisions(self, year_id: int, semester: int) -> list[WindowDecision]:
        rows = await self.session.scalars(
            select(BookWindowRow).where(BookWindowRow.year_id == year_id, BookWindowRow.semester == semester)
        )
        return [
            WindowDecision(
                WindowState(r.state),
                as_utc(r.starts_at),
                as_utc(r.ends_at) if r.ends_at else None,
                r.grade,
                r.class_id,
                r.subject_id,
                ColumnKind(r.kind) if r.kind else None,
                as_utc(r.decided_at),
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
                starts_at=decision.starts_at.astimezone(UTC),  # SQLite keeps no offset: store UTC
                ends_at=decision.ends_at.astimezone(UTC) if decision.ends_at else None,
                decided_by=author.staff_id,
                decided_at=author.at,
            )
        )
        scope = (
            f"{year_id}:{semester}:{decision.grade}:{decision.class_id}:{decision.subject_id}:{decision.kind}"
        )
        until = decision.ends_at.astimezone(UTC).isoformat() if decision.ends_at else "-"
        what = f"{decision.state.value} from {decision.starts_at.astimezone(UTC).isoformat()} until {until}"
        record_change(self.session, author, "book-window", scope, None, what)
