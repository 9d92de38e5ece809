"""Attendance: the absences of a class's day, that the day was taken, and the submitted months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.attendance import Absence, AbsenceUnit, absence_unit_of, next_month
from storage.changes import Author, absence_key, record_change
from storage.db import as_utc, insert_or_skip
from storage.models import (
    AbsenceRow,
    AttendanceMonthRow,
    AttendanceTakenRow,
    StudentRow,
)
from storage.school_store import SqlSchoolStore


@dataclass(frozen=True)
class SavedDay:
    changed: int  # students whose mark changed now
    first: bool  # the day (and session) had not been taken before


class SqlAttendanceStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def sessions_per_day(self) -> int:
        """1 (the whole day, session 0) unless the school's settings say it teaches two sessions."""
        settings = await self.school.settings()
        return 2 if settings.get("sessions_per_day") == 2 else 1

    async def absence_unit(self) -> AbsenceUnit:
        """The unit of the current year."""
        return absence_unit_of(await self.school.settings(), (await self.school.year_row()).name)

    async def marks(self, student_ids: list[int], day: date, session: int) -> dict[int, str]:
        rows = await self.session.execute(
            select(AbsenceRow.student_id, AbsenceRow.mark).where(
                AbsenceRow.student_id.in_(student_ids), AbsenceRow.day == day, AbsenceRow.session == session
            )
        )
        return dict(rows.all())

    async def absences_between(self, first: date, last: date) -> int:
        """How many absences of the whole school are recorded from ``first`` to ``last``."""
        query = select(func.count()).select_from(AbsenceRow).where(AbsenceRow.day.between(first, last))
        return await self.session.scalar(query) or 0

    async def student_absences(self, student_id: int, first: date, last: date) -> list[tuple[date, str]]:
        """(day, mark) of one student's absences from ``first`` to ``last``, in order."""
        rows = await self.session.execute(
            select(AbsenceRow.day, AbsenceRow.mark)
            .where(AbsenceRow.student_id == student_id, AbsenceRow.day >= first, AbsenceRow.day <= last)
            .order_by(AbsenceRow.day, AbsenceRow.session)
        )
        return [(day, mark) for day, mark in rows]

    async def taken_at(self, class_id: int, day: date, session: int) -> datetime | None:
        return as_utc(
            await self.session.scalar(
                select(AttendanceTakenRow.taken_at).where(
                    AttendanceTakenRow.class_id == class_id,
                    AttendanceTakenRow.day == day,
                    AttendanceTakenRow.session == session,
                )
            )
        )

    async def save_day(
        self,
        class_id: int,
        day: date,
        session: int,
        student_ids: list[int],
        marks: dict[int, str],
        author: Author,
    ) -> SavedDay:
        """Makes the absences of ``student_ids`` that day and session exactly ``marks``; each change is
        recorded. Saving the same marks again changes and records nothing."""
        await self.school.require_open(class_id=class_id)
        existing = {
            row.student_id: row
            for row in await self.session.scalars(
                select(AbsenceRow).where(
                    AbsenceRow.student_id.in_(student_ids),
                    AbsenceRow.day == day,
                    AbsenceRow.session == session,
                )
            )
        }
        changed = 0
        for student_id in student_ids:
            row, new = existing.get(student_id), marks.get(student_id)
            old = row.mark if row else None
            if old == new:
                continue
            changed += 1
            record_change(self.session, author, "absence", absence_key(student_id, day, session), old, new)
            if new is None:
                await self.session.delete(row)
                continue
            row = row or AbsenceRow(student_id=student_id, day=day, session=session)
            row.class_id, row.mark, row.entered_by, row.entered_at = class_id, new, author.staff_id, author.at
            self.session.add(row)
        first = await self._mark_taken(class_id, day, session, author, changed > 0)
        await self.session.flush()
        return SavedDay(changed, first)

    async def _mark_taken(
        self, class_id: int, day: date, session: int, author: Author, changed: bool
    ) -> bool:
        """Records that the day was taken: True the first time (one INSERT); taken again with changes,
        by whom and when is updated."""
        place = {"class_id": class_id, "day": day, "session": session}
        taken = {"taken_by": author.staff_id, "taken_at": author.at}
        adding = insert_or_skip(self.session, AttendanceTakenRow, *place).values(**place, **taken)
        if (await self.session.execute(adding.returning(AttendanceTakenRow.id))).first() is not None:
            return True
        if changed:
            await self.session.execute(
                update(AttendanceTakenRow)
                .where(*(getattr(AttendanceTakenRow, name) == value for name, value in place.items()))
                .values(**taken)
            )
        return False

    async def submitted_months(self, class_id: int) -> set[tuple[int, int]]:
        rows = await self.session.execute(
            select(AttendanceMonthRow.year, AttendanceMonthRow.month).where(
                AttendanceMonthRow.class_id == class_id
            )
        )
        return {(year, month) for year, month in rows}

    async def submitted_at(self, class_id: int, year: int, month: int) -> datetime | None:
        return as_utc(
            await self.session.scalar(
                select(AttendanceMonthRow.submitted_at).where(
                    AttendanceMonthRow.class_id == class_id,
                    AttendanceMonthRow.year == year,
                    AttendanceMonthRow.month == month,
                )
            )
        )

    async def submit_month(self, class_id: int, year: int, month: int, author: Author) -> bool:
        """The homeroom teacher's statement that the month is complete; False if it was made already."""
        await self.school.require_open(class_id=class_id)
        if await self.submitted_at(class_id, year, month) is not None:
            return False
        self.session.add(
            AttendanceMonthRow(
                class_id=class_id,
                year=year,
                month=month,
                submitted_by=author.staff_id,
                submitted_at=author.at,
            )
        )
        record_change(
            self.session, author, "attendance_month", f"{class_id}:{year}-{month:02d}", None, "submitted"
        )
        await self.session.flush()
        return True

    async def month_absences(self, class_id: int, year: int, month: int) -> list[Absence]:
        first, after = date(year, month, 1), date(*next_month(year, month), 1)
        rows = await self.session.execute(
            select(
                AbsenceRow.student_id,
                StudentRow.full_name,
                AbsenceRow.day,
                AbsenceRow.session,
                AbsenceRow.mark,
            )
            .join(StudentRow, StudentRow.id == AbsenceRow.student_id)
            .where(AbsenceRow.class_id == class_id, AbsenceRow.day >= first, AbsenceRow.day < after)
            .order_by(AbsenceRow.day, AbsenceRow.session)
        )
        return [Absence(*row) for row in rows]

    async def days_taken(self, class_id: int, year: int, month: int) -> int:
        first, after = date(year, month, 1), date(*next_month(year, month), 1)
        days = await self.session.scalars(
            select(AttendanceTakenRow.day)
            .where(
                AttendanceTakenRow.class_id == class_id,
                AttendanceTakenRow.day >= first,
                AttendanceTakenRow.day < after,
            )
            .distinct()
        )
        return len(list(days))
