"""Staff, their roles and departments, homeroom and teaching assignments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.school import Role, Subject
from domain.staff import KnownStaff, StaffEntry, StaffPlan, StaffSnapshot
from storage.changes import Author, record_change, system_author
from storage.models import (
    DepartmentRow,
    HomeroomRow,
    StaffRoleRow,
    StaffRow,
    SubjectRow,
    TeachingRow,
)
from storage.school_store import SqlSchoolStore


def _key(row: StaffRow) -> str:
    return row.code or row.phone


class SqlStaffStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def subjects(self) -> list[Subject]:
        return await self.school.subjects()

    async def staff_snapshot(self, year: str) -> StaffSnapshot:
        departments = {d.id: d.name for d in await self.session.scalars(select(DepartmentRow))}
        rows = (await self.session.scalars(select(StaffRow))).all()
        key_of = {row.id: _key(row) for row in rows}
        staff = {
            _key(r): KnownStaff(
                _key(r),
                r.code or "",
                r.full_name,
                r.phone,
                frozenset(Role(role.role) for role in r.roles),
                departments.get(r.department_id, ""),
            )
            for r in rows
        }
        classes = await self.school.class_rows(year)
        class_name = {row.id: row.name for row in classes.values()}
        homerooms = {
            class_name[h.class_id]: key_of[h.staff_id]
            for h in await self.session.scalars(select(HomeroomRow))
            if h.class_id in class_name
        }
        subject_code = {s.id: s.code for s in await self.session.scalars(select(SubjectRow))}
        teaching = {
            (class_name[t.class_id], subject_code[t.subject_id]): key_of[t.staff_id]
            for t in await self.session.scalars(select(TeachingRow))
            if t.class_id in class_name
        }
        return StaffSnapshot(staff, homerooms, teaching, set(classes))

    async def apply_staff(self, year: str, plan: StaffPlan, today: date) -> None:
        await self.school.require_open((await self.school.year_row(year)).id)  # before anything is written
        rows = {_key(row): row for row in await self.session.scalars(select(StaffRow))}
        departments = {d.name: d for d in await self.session.scalars(select(DepartmentRow))}
        author = system_author("staff-import")
        for entry in plan.entries:
            row = rows.get(entry.key) or StaffRow()
            self._copy(row, entry, departments, author)
            self.session.add(row)
            rows[entry.key] = row
        await self.session.flush()
        classes = await self.school.class_rows(year)
        await self._apply_homerooms(plan, rows, classes, author)
        await self._apply_teaching(plan, rows, classes, author)
        await self.session.flush()

    def _copy(
        self, row: StaffRow, entry: StaffEntry, departments: dict[str, DepartmentRow], author: Author
    ) -> None:
        row.code, row.full_name, row.phone = entry.code or None, entry.full_name, entry.phone
        if entry.department and entry.department not in departments:
            departments[entry.department] = DepartmentRow(name=entry.department)
            self.session.add(departments[entry.department])
        row.department = departments[entry.department] if entry.department else None
        held = {role.role for role in row.roles}
        wanted = {role.value for role in entry.roles}
        if held != wanted:
            old = ", ".join(sorted(held)) or None
            record_change(
                self.session, author, "roles", entry.key, old, ", ".join(sorted(wanted)), "staff import"
            )
        row.roles = [r for r in row.roles if r.role in wanted] + [StaffRoleRow(role=r) for r in wanted - held]

    async def _apply_homerooms(
        self, plan: StaffPlan, rows: dict[str, StaffRow], classes: dict[str, Row], author: Author
    ) -> None:
        current = {h.class_id: h for h in await self.session.scalars(select(HomeroomRow))}
        for class_name, _, key in plan.homeroom_changes:
            class_id = classes[class_name].id
            assignment = current.get(class_id) or HomeroomRow(class_id=class_id)
            old = str(assignment.staff_id) if assignment.staff_id else None
            record_change(
                self.session, author, "homeroom", class_name, old, str(rows[key].id), "staff import"
            )
            assignment.staff_id = rows[key].id
            self.session.add(assignment)

    async def _apply_teaching(
        self, plan: StaffPlan, rows: dict[str, StaffRow], classes: dict[str, Row], author: Author
    ) -> None:
        subjects = await self.school.subject_rows()
        current = {(t.class_id, t.subject_id): t for t in await self.session.scalars(select(TeachingRow))}
        for class_name, subject_code, _, key in plan.teaching_changes:
            pair = (classes[class_name].id, subjects[subject_code].id)
            assignment = current.get(pair) or TeachingRow(class_id=pair[0], subject_id=pair[1])
            old = str(assignment.staff_id) if assignment.staff_id else None
            key_text = f"{class_name}:{subject_code}"
            record_change(self.session, author, "teaching", key_text, old, str(rows[key].id), "staff import")
            assignment.staff_id = rows[key].id
            self.session.add(assignment)
