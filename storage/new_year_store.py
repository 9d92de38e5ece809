"""The next school year: what the closing year ends with, and carrying out the plan of domain/new_year.py
in the caller's transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.new_year import Member, OldClass, Placement, Plan
from domain.school import EnrolmentReason, StudentStatus, grade_of_class
from domain.year_end import ReviewState, Stage
from storage.changes import Author, record_change
from storage.models import (
    ClassReviewRow,
    ClassRow,
    EnrolmentRow,
    HomeroomRow,
    SchoolYearRow,
    StaffRow,
    StudentRow,
    SubjectRow,
    TeachingRow,
)
from storage.school_store import SqlSchoolStore
from storage.year_end_store import SqlYearEndStore

REVIEW_KEY = "assignments_to_review"  # school setting: the year whose assignments were copied


class SqlNewYearStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore, year_end: SqlYearEndStore) -> None:
        self.session = session
        self.school = school
        self.year_end = year_end

    async def year_exists(self, name: str) -> bool:
        return (
            await self.session.scalar(select(SchoolYearRow.id).where(SchoolYearRow.name == name)) is not None
        )

    async def closing(self, year_row: SchoolYearRow) -> tuple[list[OldClass], list[Member]]:
        """The year's classes (approved when their year lists are) and the students in them at its end."""
        classes = (await self.school.class_rows(year_row.name)).values()
        approved = set(
            await self.session.scalars(
                select(ClassReviewRow.class_id).where(
                    ClassReviewRow.stage == Stage.YEAR.value,
                    ClassReviewRow.state == ReviewState.APPROVED.value,
                )
            )
        )
        outcomes = await self.year_end.final_outcomes(year_row.id)
        rows = await self.session.execute(
            select(StudentRow.id, StudentRow.code, StudentRow.full_name, ClassRow.name)
            .join(EnrolmentRow, EnrolmentRow.student_id == StudentRow.id)
            .join(ClassRow, ClassRow.id == EnrolmentRow.class_id)
            .where(ClassRow.year_id == year_row.id, EnrolmentRow.date_out.is_(None))
            .order_by(ClassRow.name, StudentRow.code)
        )
        members = [
            Member(sid, code, name, class_name, outcomes[sid].outcome if sid in outcomes else None)
            for sid, code, name, class_name in rows
        ]
        return [OldClass(c.name, c.grade, c.id in approved) for c in classes], members

    async def carry_out(self, plan: Plan, old_year: SchoolYearRow, author: Author) -> int:
        """Creates the year, its classes and enrolments; ends the old enrolments; copies the homeroom and
        teaching assignments for review; closes the old year. Returns the number of assignments copied."""
        await self.school.add_year(plan.new_year)
        await self.school.add_classes(plan.new_classes, plan.new_year.name)
        new_classes = await self.school.class_rows(plan.new_year.name)
        old_classes = await self.school.class_rows(old_year.name)
        enrolments = {
            e.student_id: e
            for e in await self.session.scalars(
                select(EnrolmentRow).where(
                    EnrolmentRow.class_id.in_([c.id for c in old_classes.values()]),
                    EnrolmentRow.date_out.is_(None),
                )
            )
        }
        day_after = old_year.end + timedelta(days=1)
        for move in plan.moves:
            enrolment = enrolments[move.member.student_id]
            enrolment.date_out, enrolment.reason_out = day_after, EnrolmentReason.YEAR_END.value
            if move.target is None:
                student = await self.session.get(StudentRow, move.member.student_id)
                assert student is not None
                student.status = StudentStatus.GRADUATED.value
                continue
            self.session.add(
                EnrolmentRow(
                    student_id=move.member.student_id,
                    class_id=new_classes[move.target].id,
                    date_in=plan.new_year.start,
                    reason_in=EnrolmentReason.YEAR_END.value,
                    note=move.placement.value if move.placement is Placement.UNSETTLED else "",
                )
            )
        copied = await self._copy_assignments(plan, old_classes, new_classes, author)
        old_year.closed = True
        record_change(self.session, author, "school_year", plan.new_year.name, None, "created", plan.old_year)
        record_change(
            self.session, author, "school_year", old_year.name, "open", "closed", plan.new_year.name
        )
        await self.school.change_settings(**{REVIEW_KEY: plan.new_year.name})
        await self.session.flush()
        return copied

    async def _copy_assignments(self, plan: Plan, old_classes, new_classes, author: Author) -> int:
        """The homeroom teacher and the subject teachers follow the class up a grade (6A → 7A), where
        they are still active and the subject is taught in the new grade; the school reviews them."""
        active = set(await self.session.scalars(select(StaffRow.id).where(StaffRow.active.is_(True))))
        grades = {row.id: row.grades for row in await self.session.scalars(select(SubjectRow))}
        copied = 0
        for class_plan in plan.classes:
            if class_plan.promoted_to is None:
                continue
            old, new = old_classes[class_plan.old.name], new_classes[class_plan.promoted_to]
            homeroom = await self.session.scalar(select(HomeroomRow).where(HomeroomRow.class_id == old.id))
            if homeroom and homeroom.staff_id in active:
                self.session.add(HomeroomRow(class_id=new.id, staff_id=homeroom.staff_id))
                copied += 1
            teaching = await self.session.scalars(select(TeachingRow).where(TeachingRow.class_id == old.id))
            for row in teaching:
                if row.staff_id in active and grade_of_class(new.name) in grades.get(row.subject_id, []):
                    self.session.add(
                        TeachingRow(class_id=new.id, subject_id=row.subject_id, staff_id=row.staff_id)
                    )
                    copied += 1
        if copied:
            record_change(
                self.session, author, "assignment", plan.new_year.name, None, f"copied {copied}", "to review"
            )
        return copied
