"""Read-only views for entry progress and score distributions: who teaches what, who is in which class
now, and the gradebook's values of a semester, as plain domain values."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.class_record import StoredValue
from domain.progress import ClassSubject
from storage.models import ClassRow, EnrolmentRow, ScoreRow, StaffRow, SubjectRow, TeachingRow
from storage.school_store import subject_of


class SqlProgressStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def taught(self, year_id: int) -> list[ClassSubject]:
        """Every subject of every class of the year (by its grade), with its teacher if assigned."""
        classes = (await self.session.scalars(select(ClassRow).where(ClassRow.year_id == year_id))).all()
        subjects = (await self.session.scalars(select(SubjectRow).order_by(SubjectRow.id))).all()
        teachers = dict(
            (tuple(pair), name)
            for *pair, name in await self.session.execute(
                select(TeachingRow.class_id, TeachingRow.subject_id, StaffRow.full_name)
                .join(StaffRow, StaffRow.id == TeachingRow.staff_id)
                .where(TeachingRow.class_id.in_([c.id for c in classes]))
            )
        )
        return [
            ClassSubject(c.id, c.name, c.grade, s.id, subject_of(s), teachers.get((c.id, s.id)))
            for c in classes
            for s in subjects
            if c.grade in s.grades
        ]

    async def students(self, class_ids: list[int]) -> dict[int, list[int]]:
        """The students in each class now (enrolment not ended)."""
        rows = await self.session.execute(
            select(EnrolmentRow.class_id, EnrolmentRow.student_id).where(
                EnrolmentRow.class_id.in_(class_ids), EnrolmentRow.date_out.is_(None)
            )
        )
        found: dict[int, list[int]] = defaultdict(list)
        for class_id, student_id in rows:
            found[class_id].append(student_id)
        return dict(found)

    async def values(
        self,
        year_id: int,
        semester: int,
        student_ids: list[int] | None = None,
        subject_ids: list[int] | None = None,
    ) -> list[StoredValue]:
        """The semester's values, of those students and subjects when given."""
        query = select(
            ScoreRow.student_id,
            ScoreRow.subject_id,
            ScoreRow.semester,
            ScoreRow.kind,
            ScoreRow.position,
            ScoreRow.value,
        ).where(ScoreRow.year_id == year_id, ScoreRow.semester == semester)
        if student_ids is not None:
            query = query.where(ScoreRow.student_id.in_(student_ids))
        if subject_ids is not None:
            query = query.where(ScoreRow.subject_id.in_(subject_ids))
        return [StoredValue(*row) for row in await self.session.execute(query)]
