"""The nurse's health checks: written one per student and day (the same day again replaces it), read
per class and per student."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from domain.health import Check
from storage.models import ClassRow, EnrolmentRow, StudentRow
from storage.models.health import HealthCheckRow
from storage.school_store import SqlSchoolStore

TENTH = Decimal("0.1")


def _check(row: HealthCheckRow) -> Check:
    return Check(
        row.student_id,
        row.checked_on,
        Decimal(row.height_tenths) * TENTH,
        Decimal(row.weight_tenths) * TENTH,
        row.eye_left,
        row.eye_right,
        row.notes,
    )


class SqlHealthStore:
    def __init__(self, session, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def save(self, checks: list[Check], staff_id: int | None, now: datetime) -> tuple[int, int]:
        """Writes every check; returns (added, replaced): a student checked again on the same day keeps
        the newer values."""
        year = await self.school.year_row()
        existing = {
            (row.student_id, row.checked_on): row
            for row in await self.session.scalars(
                select(HealthCheckRow).where(HealthCheckRow.student_id.in_({c.student_id for c in checks}))
            )
        }
        added = 0
        for check in checks:
            row = existing.get((check.student_id, check.checked_on))
            if row is None:
                row = HealthCheckRow(student_id=check.student_id, checked_on=check.checked_on)
                self.session.add(row)
                added += 1
            row.year_id, row.recorded_by, row.recorded_at = year.id, staff_id, now
            row.height_tenths = int(check.height_cm / TENTH)
            row.weight_tenths = int(check.weight_kg / TENTH)
            row.eye_left, row.eye_right, row.notes = check.eye_left, check.eye_right, check.notes
        await self.session.flush()
        return added, len(checks) - added

    async def latest(self, student_ids: list[int]) -> dict[int, Check]:
        """Each student's newest check, for those who have one."""
        rows = await self.session.scalars(
            select(HealthCheckRow)
            .where(HealthCheckRow.student_id.in_(student_ids))
            .order_by(HealthCheckRow.checked_on)
        )
        return {row.student_id: _check(row) for row in rows}

    async def of_student(self, student_id: int) -> list[Check]:
        rows = await self.session.scalars(
            select(HealthCheckRow)
            .where(HealthCheckRow.student_id == student_id)
            .order_by(HealthCheckRow.checked_on.desc())
        )
        return [_check(row) for row in rows]

    async def class_of(self, student_id: int) -> int | None:
        """The student's class this year, now: what decides who may read their health."""
        year = await self.school.year_row()
        return await self.session.scalar(
            select(EnrolmentRow.class_id)
            .join(ClassRow, ClassRow.id == EnrolmentRow.class_id)
            .where(
                EnrolmentRow.student_id == student_id,
                EnrolmentRow.date_out.is_(None),
                ClassRow.year_id == year.id,
            )
        )

    async def student_codes(self, codes: set[str]) -> dict[str, tuple[int, str]]:
        """code → (student id, name) of the students with those codes."""
        rows = await self.session.execute(
            select(StudentRow.code, StudentRow.id, StudentRow.full_name).where(StudentRow.code.in_(codes))
        )
        return {code: (student_id, name) for code, student_id, name in rows}
