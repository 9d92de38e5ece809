"""Notices and their decisions (who receives them: storage/recipient_store.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.notices import Audience, Kind, Notice, Reach, Scope, Status
from storage.models import (
    ClassRow,
    EnrolmentRow,
    NoticeRow,
    ScoreRow,
    StaffRow,
    StudentRow,
)
from storage.school_store import SqlSchoolStore


def _notice(row: NoticeRow) -> Notice:
    reach = Reach(Scope(row.scope), row.class_id, row.grade, row.student_id)
    return Notice(
        row.id,
        Kind(row.kind),
        reach,
        Audience(row.audience),
        row.text,
        Status(row.status),
        row.edited,
        row.author_id,
        row.period,
    )


class SqlNoticeStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def add(
        self,
        reach: Reach,
        audience: Audience,
        text: str,
        author_id: int | None,
        now: datetime,
        kind: Kind | None = None,
        period: str | None = None,
    ) -> int:
        row = NoticeRow(
            kind=(kind or reach.kind).value,
            scope=reach.scope.value,
            audience=audience.value,
            class_id=reach.class_id,
            student_id=reach.student_id,
            grade=reach.grade,
            period=period,
            text=text,
            status=Status.PENDING.value,
            edited=False,
            author_id=author_id,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def get(self, notice_id: int) -> Notice | None:
        row = await self.session.get(NoticeRow, notice_id)
        return _notice(row) if row else None

    async def find(self, kind: Kind, class_id: int, period: str) -> list[Notice]:
        rows = await self.session.scalars(
            select(NoticeRow)
            .where(NoticeRow.kind == kind.value, NoticeRow.class_id == class_id, NoticeRow.period == period)
            .order_by(NoticeRow.id)
        )
        return [_notice(row) for row in rows]

    async def pending(self, decider_id: int) -> list[Notice]:
        """Notices (not report cards) waiting for a decision that ``decider_id`` did not write, oldest
        first."""
        rows = await self.session.scalars(
            select(NoticeRow)
            .where(NoticeRow.status == Status.PENDING.value, NoticeRow.kind != Kind.REPORT_CARD.value)
            .where(NoticeRow.author_id.is_distinct_from(decider_id))
            .order_by(NoticeRow.id)
        )
        return [_notice(row) for row in rows]

    async def pending_cards(self) -> list[Notice]:
        """Report cards waiting for a decision, oldest first."""
        rows = await self.session.scalars(
            select(NoticeRow)
            .where(NoticeRow.status == Status.PENDING.value, NoticeRow.kind == Kind.REPORT_CARD.value)
            .order_by(NoticeRow.id)
        )
        return [_notice(row) for row in rows]

    async def released(self, class_id: int) -> list[Notice]:
        """The class's approved report cards: the periods whose results parents may see, each by its
        newest approval (cards released again after a correction replace the earlier ones)."""
        rows = await self.session.scalars(
            select(NoticeRow)
            .where(
                NoticeRow.kind == Kind.REPORT_CARD.value,
                NoticeRow.class_id == class_id,
                NoticeRow.status == Status.APPROVED.value,
            )
            .order_by(NoticeRow.id)
        )
        newest = {row.period: row for row in rows}
        return sorted((_notice(row) for row in newest.values()), key=lambda notice: notice.id)

    async def children(self, student_ids: frozenset[int]) -> list[tuple[int, str, int]]:
        """(student id, name, current class id) of a parent's children this year."""
        year = await self.school.year_row()
        rows = await self.session.execute(
            select(StudentRow.id, StudentRow.full_name, ClassRow.id)
            .join(EnrolmentRow, (EnrolmentRow.student_id == StudentRow.id) & EnrolmentRow.date_out.is_(None))
            .join(ClassRow, (ClassRow.id == EnrolmentRow.class_id) & (ClassRow.year_id == year.id))
            .where(StudentRow.id.in_(student_ids))
            .order_by(StudentRow.id)
        )
        return [tuple(row) for row in rows]

    async def staff_name(self, staff_id: int | None) -> str:
        if staff_id is None:
            return ""
        return await self.session.scalar(select(StaffRow.full_name).where(StaffRow.id == staff_id)) or ""

    async def edit(self, notice_id: int, text: str) -> bool:
        """The vice-principal's text replaces the author's, while the notice waits for a decision."""
        result = await self.session.execute(
            update(NoticeRow)
            .where(NoticeRow.id == notice_id, NoticeRow.status == Status.PENDING.value)
            .values(text=text, edited=True)
        )
        return result.rowcount == 1

    async def decide(self, notice_id: int, status: Status, staff_id: int | None, now: datetime) -> bool:
        """Settles a pending notice; False when someone decided first (two leaders pressed at once)."""
        result = await self.session.execute(
            update(NoticeRow)
            .where(NoticeRow.id == notice_id, NoticeRow.status == Status.PENDING.value)
            .values(status=status.value, decided_by=staff_id, decided_at=now)
        )
        return result.rowcount == 1

    async def class_name(self, reach: Reach) -> str:
        if reach.class_id is None:
            return ""
        return await self.session.scalar(select(ClassRow.name).where(ClassRow.id == reach.class_id)) or ""

    async def student_name(self, reach: Reach) -> str:
        if reach.student_id is None:
            return ""
        return (
            await self.session.scalar(select(StudentRow.full_name).where(StudentRow.id == reach.student_id))
            or ""
        )

    async def filled_counts(self, year_id: int, semester: int) -> dict[tuple[int, int, str, int], int]:
        """(class, subject, column kind, position) → how many of the class's present students have a value;
        a student who moved in brings the values entered in their earlier class (docs/year.md)."""
        rows = await self.session.execute(
            select(EnrolmentRow.class_id, ScoreRow.subject_id, ScoreRow.kind, ScoreRow.position, func.count())
            .join(
                EnrolmentRow,
                (EnrolmentRow.student_id == ScoreRow.student_id) & EnrolmentRow.date_out.is_(None),
            )
            .join(ClassRow, (ClassRow.id == EnrolmentRow.class_id) & (ClassRow.year_id == year_id))
            .where(ScoreRow.year_id == year_id, ScoreRow.semester == semester)
            .group_by(EnrolmentRow.class_id, ScoreRow.subject_id, ScoreRow.kind, ScoreRow.position)
        )
        return {(c, s, kind, position): count for c, s, kind, position, count in rows}
