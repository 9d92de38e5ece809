"""Class-size changes (biến động sĩ số): the enrolment rows they end and begin, the student's status,
and the change log entry of each. The rules are in domain/transfers.py; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import NotFound
from domain.names import clean_name
from domain.new_year import Placement
from domain.school import EnrolmentReason, Gender, StudentStatus
from domain.transfers import (
    Change,
    Departure,
    Stay,
    YearState,
    check_arrival,
    check_departure,
    check_move,
)
from storage.changes import Author, record_change
from storage.models import ClassRow, EnrolmentRow, SchoolYearRow, StudentRow
from storage.school_store import SqlSchoolStore


@dataclass(frozen=True)
class NewStudent:
    """A student the school has never had, arriving by transfer."""

    full_name: str
    date_of_birth: date
    gender: Gender | None = None


@dataclass(frozen=True)
class Done:
    """What was recorded, for the answer: the student, the classes left and joined."""

    code: str
    full_name: str
    left: str | None
    joined: str | None
    day: date

    def message(self, change: Change) -> tuple[str, dict[str, object]]:
        """The catalog key and its parameters that tell the person what was recorded."""
        params = {
            "name": self.full_name,
            "code": self.code,
            "left": self.left or "",
            "joined": self.joined or "",
        }
        return f"schoolyear.done.{change.value}", {**params, "day": self.day}


class SqlTransferStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def _year(self, year_name: str | None) -> tuple[SchoolYearRow, YearState]:
        row = await self.school.year_row(year_name)
        return row, YearState(await self.school.year(row.name), row.closed)

    async def student_by_code(self, code: str) -> StudentRow | None:
        return await self.session.scalar(select(StudentRow).where(StudentRow.code == code.strip()))

    async def _student(self, code: str) -> StudentRow:
        row = await self.student_by_code(code)
        if row is None:
            raise NotFound("schoolyear.error.no_student", code=code)
        return row

    async def current(self, student_id: int, year_id: int) -> tuple[EnrolmentRow, ClassRow] | None:
        """The student's open enrolment in the year, with its class."""
        found = await self.session.execute(
            select(EnrolmentRow, ClassRow)
            .join(ClassRow, ClassRow.id == EnrolmentRow.class_id)
            .where(
                EnrolmentRow.student_id == student_id,
                EnrolmentRow.date_out.is_(None),
                ClassRow.year_id == year_id,
            )
        )
        pair = found.first()
        return (pair[0], pair[1]) if pair else None

    async def _last_departure(self, student_id: int, year_id: int) -> Departure | None:
        """The student's latest ended enrolment in the year: the class and the day they left it."""
        found = await self.session.execute(
            select(ClassRow.name, EnrolmentRow.date_out)
            .join(ClassRow, ClassRow.id == EnrolmentRow.class_id)
            .where(
                EnrolmentRow.student_id == student_id,
                EnrolmentRow.date_out.is_not(None),
                ClassRow.year_id == year_id,
            )
            .order_by(EnrolmentRow.date_out.desc())
            .limit(1)
        )
        row = found.first()
        return Departure(row[0], row[1]) if row else None

    async def _stay(self, student_id: int, year_id: int) -> tuple[EnrolmentRow | None, Stay | None]:
        pair = await self.current(student_id, year_id)
        if pair is None:
            return None, None
        enrolment, class_row = pair
        # the note ``sodiem year new --unsettled retain`` leaves on the enrolment it made
        unsettled = (
            enrolment.reason_in == EnrolmentReason.YEAR_END.value
            and enrolment.note == Placement.UNSETTLED.value
        )
        return enrolment, Stay(class_row.name, class_row.grade, enrolment.date_in, unsettled)

    async def arrived_from_another_school(self, student_ids: list[int], first: date, last: date) -> set[int]:
        """The students who came from another school after ``first``, up to ``last``."""
        rows = await self.session.scalars(
            select(EnrolmentRow.student_id).where(
                EnrolmentRow.student_id.in_(student_ids),
                EnrolmentRow.reason_in == Change.TRANSFER_IN.reason.value,
                EnrolmentRow.date_in > first,  # recorded on the first day: they began the year here
                EnrolmentRow.date_in <= last,
            )
        )
        return set(rows)

    async def transfer_in(
        self,
        code: str,
        class_name: str,
        day: date,
        reason: str,
        previous_school: str,
        author: Author,
        new: NewStudent | None = None,
        year_name: str | None = None,
    ) -> Done:
        year_row, state = await self._year(year_name)
        class_row = await self.school.class_row(class_name, year_row.name)
        student = await self.student_by_code(code)
        if student is None:
            if new is None:
                raise NotFound("schoolyear.error.new_student_needs", code=code)
            check_arrival(state, day, code.strip(), None)  # everything is checked before anything is written
            student = StudentRow(
                code=code.strip(),
                full_name=clean_name(new.full_name),
                date_of_birth=new.date_of_birth,
                gender=new.gender.value if new.gender else None,
            )
            self.session.add(student)
            await self.session.flush()
        _, stay = await self._stay(student.id, year_row.id)
        check_arrival(state, day, student.code, stay, await self._last_departure(student.id, year_row.id))
        note = _note(reason, previous_school)
        self.session.add(
            EnrolmentRow(
                student_id=student.id,
                class_id=class_row.id,
                date_in=day,
                reason_in=Change.TRANSFER_IN.reason.value,
                note=note,
            )
        )
        old_status, student.status = student.status, StudentStatus.STUDYING.value
        self._record(author, student, Change.TRANSFER_IN, day, old_status, class_row.name, note)
        return Done(student.code, student.full_name, None, class_row.name, day)

    async def leave(
        self,
        change: Change,
        code: str,
        day: date,
        reason: str,
        destination: str,
        author: Author,
        year_name: str | None = None,
    ) -> Done:
        """A transfer out (to ``destination``) or a dropout."""
        year_row, state = await self._year(year_name)
        student = await self._student(code)
        enrolment, stay = await self._stay(student.id, year_row.id)
        check_departure(state, day, student.code, stay)
        assert enrolment is not None and stay is not None
        note = _note(reason, destination)
        enrolment.date_out, enrolment.reason_out = day, change.reason.value
        enrolment.note = _join(enrolment.note, note)
        old_status, student.status = student.status, change.status_after.value
        self._record(author, student, change, day, f"{old_status}@{stay.class_name}", student.status, note)
        return Done(student.code, student.full_name, stay.class_name, None, day)

    async def move(
        self, code: str, target: str, day: date, reason: str, author: Author, year_name: str | None = None
    ) -> Done:
        """To another class of the same grade from ``day``."""
        year_row, state = await self._year(year_name)
        student = await self._student(code)
        class_row = await self.school.class_row(target, year_row.name)
        enrolment, stay = await self._stay(student.id, year_row.id)
        check_move(state, day, student.code, stay, class_row.name, class_row.grade)
        assert enrolment is not None and stay is not None
        enrolment.date_out, enrolment.reason_out = day, Change.MOVE.reason.value
        self.session.add(
            EnrolmentRow(
                student_id=student.id,
                class_id=class_row.id,
                date_in=day,
                reason_in=Change.MOVE.reason.value,
                note=reason[:200],
            )
        )
        self._record(author, student, Change.MOVE, day, stay.class_name, class_row.name, reason)
        return Done(student.code, student.full_name, stay.class_name, class_row.name, day)

    def _record(
        self, author: Author, student: StudentRow, change: Change, day: date, old: str, new: str, why: str
    ) -> None:
        key = f"{student.id}:{change.value}:{day.isoformat()}"
        record_change(self.session, author, "enrolment", key, old, new, why[:500])


def _note(reason: str, place: str) -> str:
    """The reason and the other school, as the enrolment's note."""
    return _join(reason.strip(), place.strip())[:200]


def _join(*parts: str) -> str:
    return " — ".join(part for part in parts if part)[:200]
