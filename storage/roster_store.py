"""Students, their enrolments in classes and their guardians."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import Date, Row, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.names import sort_by_name
from domain.roster import LONGEST, KnownStudent, RosterEntry, RosterPlan
from domain.school import EnrolmentReason, Gender, Guardian
from storage.models import ClassRow, EnrolmentRow, GuardianLinkRow, GuardianRow, StudentRow
from storage.school_store import SqlSchoolStore


@dataclass(frozen=True)
class ClassListEntry:
    id: int
    code: str
    full_name: str
    date_of_birth: date
    gender: Gender | None


@dataclass(frozen=True)
class Member:
    """A student's days in a class: from ``date_in`` up to the day before ``date_out`` (None: still there)."""

    entry: ClassListEntry
    date_in: date
    date_out: date | None
    reason_out: str | None


class SqlRosterStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def student(self, student_id: int) -> StudentRow | None:
        return await self.session.get(StudentRow, student_id)

    async def class_names(self, year: str) -> set[str]:
        return set(await self.school.class_rows(year))

    async def grades(self) -> tuple[int, ...]:
        return await self.school.grades()

    async def known_students(self, year: str) -> dict[str, KnownStudent]:
        year_row = await self.school.year_row(year)
        students = (await self.session.scalars(select(StudentRow))).all()
        current = await self.session.execute(
            select(EnrolmentRow.student_id, ClassRow.name)
            .join(ClassRow, ClassRow.id == EnrolmentRow.class_id)
            .where(ClassRow.year_id == year_row.id, EnrolmentRow.date_out.is_(None))
        )
        class_of = dict(current.all())
        guardians = await self._guardians_by_student()
        return {
            s.code: KnownStudent(
                s.code,
                s.full_name,
                s.date_of_birth,
                Gender(s.gender) if s.gender else None,
                s.ethnicity,
                class_of.get(s.id),
                tuple(guardians[s.id]),
                s.place_of_birth,
                s.register_number,
            )
            for s in students
        }

    async def _guardians_by_student(self) -> dict[int, list[Guardian]]:
        rows = await self.session.execute(
            select(
                GuardianLinkRow.student_id, GuardianRow.full_name, GuardianLinkRow.relation, GuardianRow.phone
            )
            .join(GuardianRow, GuardianRow.id == GuardianLinkRow.guardian_id)
            .order_by(GuardianLinkRow.id)
        )
        by_student: dict[int, list[Guardian]] = defaultdict(list)
        for student_id, name, relation, phone in rows:
            by_student[student_id].append(Guardian(name, relation, phone))
        return by_student

    async def apply_roster(self, year: str, plan: RosterPlan, today: date) -> None:
        year_row = await self.school.year_row(year)
        await self.school.require_open(year_row.id)
        await self.school.add_classes(plan.new_classes, year)
        classes = await self.school.class_rows(year)
        students = {s.code: s for s in await self.session.scalars(select(StudentRow))}
        for entry in plan.new_students:
            row = StudentRow(code=entry.code)
            _copy_fields(row, entry)
            self.session.add(row)
            students[entry.code] = row
        for entry in plan.updated:
            _copy_fields(students[entry.code], entry)
        await self.session.flush()
        guardians = _GuardianBook(
            self.session,
            await self.session.scalars(select(GuardianRow)),
            await self._links_of([students[e.code].id for e in plan.updated]),
        )
        for entry in plan.new_students + plan.updated:
            await guardians.link(students[entry.code], entry.guardians)
        move_day = max(today, year_row.start)
        for entry in plan.new_students:
            self._enrol(
                students[entry.code], classes[entry.class_name], year_row.start, EnrolmentReason.INITIAL
            )
        for entry, old_class in plan.moves:
            await self._move(
                students[entry.code],
                year_row.id,
                classes[entry.class_name],
                old_class,
                move_day,
                year_row.start,
            )
        await self.session.flush()

    async def _links_of(self, student_ids: list[int]) -> list[GuardianLinkRow]:
        if not student_ids:
            return []
        query = select(GuardianLinkRow).where(GuardianLinkRow.student_id.in_(student_ids))
        return list(await self.session.scalars(query))

    def _enrol(self, student: StudentRow, class_row: Row, day: date, reason: EnrolmentReason) -> None:
        self.session.add(
            EnrolmentRow(student_id=student.id, class_id=class_row.id, date_in=day, reason_in=reason.value)
        )

    async def _move(
        self,
        student: StudentRow,
        year_id: int,
        new_class: Row,
        old_class: str | None,
        day: date,
        year_start: date,
    ) -> None:
        if old_class is None:
            self._enrol(student, new_class, year_start, EnrolmentReason.INITIAL)
            return
        current = await self.session.scalar(
            select(EnrolmentRow)
            .join(ClassRow, ClassRow.id == EnrolmentRow.class_id)
            .where(
                EnrolmentRow.student_id == student.id,
                EnrolmentRow.date_out.is_(None),
                ClassRow.year_id == year_id,
            )
        )
        if current is not None:
            current.date_out, current.reason_out = day, EnrolmentReason.CLASS_CHANGE.value
        self._enrol(student, new_class, day, EnrolmentReason.CLASS_CHANGE)

    async def members(self, class_id: int, start: date, end: date) -> list[Member]:
        """Everyone enrolled in the class at some time between ``start`` and ``end``, in class-list order,
        with their days there (a student in the class twice counts once, from the first day to the last)."""
        rows = await self.session.execute(
            select(StudentRow, EnrolmentRow)
            .join(EnrolmentRow, EnrolmentRow.student_id == StudentRow.id)
            .where(
                EnrolmentRow.class_id == class_id,
                EnrolmentRow.date_in <= end,
                (EnrolmentRow.date_out.is_(None)) | (EnrolmentRow.date_out > start),
            )
            .order_by(EnrolmentRow.date_in)
        )
        found: dict[int, Member] = {}
        for student, enrolment in rows:
            first = found.get(student.id)
            found[student.id] = Member(
                _entry(student),
                first.date_in if first else enrolment.date_in,
                enrolment.date_out,
                enrolment.reason_out,
            )
        return sort_by_name(list(found.values()), name=lambda m: m.entry.full_name)

    async def class_list(
        self, class_name: str, year: str | None = None, on: date | None = None
    ) -> list[ClassListEntry]:
        """The students of a class in Vietnamese class-list order: those enrolled on ``on``, or now (in a
        closed year: on its last day)."""
        class_row = await self.school.class_row(class_name, year)
        year_row = await self.school.year_row(year)
        if on is None and year_row.closed:
            on = year_row.end
        query, on_day = (_enrolled_now(), {}) if on is None else (_enrolled_on(), {"on": on})
        rows = await self.session.execute(query, {"class_id": class_row.id, **on_day})
        return sort_by_name([_entry(r) for r in rows], name=lambda entry: entry.full_name)


# A class list is shown at most presses: its statements are built once (storage/school_store.py says why),
# and read only the columns an entry shows (loading 40 whole students cost more than the query).


_ENTRY_COLUMNS = (
    StudentRow.id,
    StudentRow.code,
    StudentRow.full_name,
    StudentRow.date_of_birth,
    StudentRow.gender,
)


def _students_of_class() -> Select:
    return (
        select(*_ENTRY_COLUMNS)
        .join(EnrolmentRow, EnrolmentRow.student_id == StudentRow.id)
        .where(EnrolmentRow.class_id == bindparam("class_id"))
    )


@cache
def _enrolled_now() -> Select:
    return _students_of_class().where(EnrolmentRow.date_out.is_(None))


@cache
def _enrolled_on() -> Select:
    on = bindparam("on", type_=Date)
    return _students_of_class().where(
        EnrolmentRow.date_in <= on, (EnrolmentRow.date_out.is_(None)) | (EnrolmentRow.date_out > on)
    )


def _entry(row: StudentRow | Row) -> ClassListEntry:
    """From a student's row, or the row of _ENTRY_COLUMNS."""
    return ClassListEntry(
        row.id, row.code, row.full_name, row.date_of_birth, Gender(row.gender) if row.gender else None
    )


def _copy_fields(row: StudentRow, entry: RosterEntry) -> None:
    row.full_name, row.date_of_birth, row.ethnicity = entry.full_name, entry.date_of_birth, entry.ethnicity
    row.gender = entry.gender.value if entry.gender else None
    for name in LONGEST:  # a column the file leaves out keeps what is stored
        if getattr(entry, name) is not None:
            setattr(row, name, getattr(entry, name))


class _GuardianBook:
    """Finds or creates guardian rows; a guardian named with the same phone for two children is one person."""

    def __init__(self, session: AsyncSession, guardians, links: list[GuardianLinkRow]) -> None:
        self.session = session
        self.by_name_phone = {(g.full_name, g.phone): g for g in guardians if g.phone}
        self.links_of: dict[int, list[GuardianLinkRow]] = defaultdict(list)
        for link in links:
            self.links_of[link.student_id].append(link)

    async def link(self, student: StudentRow, wanted: tuple[Guardian, ...]) -> None:
        by_relation = {link.relation: link for link in self.links_of.get(student.id, [])}
        for guardian in wanted:
            link = by_relation.pop(guardian.relation, None)
            if link is not None:
                link.guardian.full_name, link.guardian.phone = guardian.full_name, guardian.phone
                continue
            self.session.add(
                GuardianLinkRow(
                    guardian=self._find_or_create(guardian), student=student, relation=guardian.relation
                )
            )
        for link in by_relation.values():
            await self.session.delete(link)  # the guardian stays; only this child's link goes

    def _find_or_create(self, guardian: Guardian) -> GuardianRow:
        row = self.by_name_phone.get((guardian.full_name, guardian.phone)) if guardian.phone else None
        if row is None:
            row = GuardianRow(full_name=guardian.full_name, phone=guardian.phone)
            if guardian.phone:
                self.by_name_phone[(guardian.full_name, guardian.phone)] = row
        return row
