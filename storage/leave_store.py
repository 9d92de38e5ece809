"""Leave requests: stored, found, decided once, and an accepted one's days marked "P" ahead of time."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from domain.attendance import EXCUSED, WHOLE_DAY
from domain.leave import Days, Status
from storage.changes import Author, absence_key, record_change
from storage.db import insert_or_skip
from storage.models import AbsenceRow, AccountRow, EnrolmentRow, HomeroomRow, StaffRow, StudentRow
from storage.models.leave import LeaveRequestRow


@dataclass(frozen=True)
class Account:
    channel: str
    account: str
    language: str
    name: str


def days_of(row: LeaveRequestRow) -> Days:
    return Days(row.first_day, row.last_day, row.session)


@dataclass(frozen=True)
class Enrolment:
    class_id: int
    date_in: date
    date_out: date | None  # the first day no longer in the class


def class_on(enrolments: list[Enrolment], day: date) -> int | None:
    """The class the child is in that day, from their enrolments (the latest first), or None."""
    return next(
        (e.class_id for e in enrolments if e.date_in <= day and (e.date_out is None or e.date_out > day)),
        None,
    )


class SqlLeaveStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._names: dict[int, str] = {}  # students' names, each read once per unit of work
        self._languages: dict[tuple[str, str], str] = {}  # accounts' languages, likewise

    async def add(self, row: LeaveRequestRow, author: Author) -> int:
        self.session.add(row)
        await self.session.flush()
        days = f"{row.first_day}..{row.last_day}:{row.session}"
        record_change(self.session, author, "leave_request", str(row.id), None, days, row.reason)
        return row.id

    async def get(self, request_id: int) -> LeaveRequestRow | None:
        """The request as it stands now, read with the child's name and the language of the account
        that sent it (the parent is told the decision)."""
        found = await self.session.execute(
            select(LeaveRequestRow, StudentRow.full_name, AccountRow.language)
            .outerjoin(StudentRow, StudentRow.id == LeaveRequestRow.student_id)
            .outerjoin(
                AccountRow,
                (AccountRow.channel == LeaveRequestRow.channel)
                & (AccountRow.external_id == LeaveRequestRow.account),
            )
            .where(LeaveRequestRow.id == request_id)
            .execution_options(populate_existing=True)
        )
        row = found.first()
        if row is None:
            return None
        request, name, language = row
        if name is not None:
            self._names[request.student_id] = name
        self._languages[request.channel, request.account] = language or "vi"
        return request

    async def standing(self, student_id: int) -> list[tuple[int, Days]]:
        """The child's pending and accepted requests: what a new one may not overlap."""
        rows = await self.session.scalars(
            select(LeaveRequestRow).where(
                LeaveRequestRow.student_id == student_id,
                LeaveRequestRow.status.in_([Status.PENDING, Status.ACCEPTED]),
            )
        )
        return [(row.id, days_of(row)) for row in rows]

    async def pending(self, class_ids: Collection[int]) -> list[LeaveRequestRow]:
        rows = await self.session.scalars(
            select(LeaveRequestRow)
            .where(LeaveRequestRow.class_id.in_(class_ids), LeaveRequestRow.status == Status.PENDING)
            .order_by(LeaveRequestRow.id)
        )
        return list(rows)

    async def decide(self, request_id: int, status: Status, author: Author) -> bool:
        """Settles a pending request; of two presses at the same moment exactly one returns True."""
        decision = {"status": status, "decided_by": author.staff_id, "decided_at": author.at}
        result = await self.session.execute(
            update(LeaveRequestRow)
            .where(LeaveRequestRow.id == request_id, LeaveRequestRow.status == Status.PENDING)
            .values(**decision)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        row = await self.session.get(LeaveRequestRow, request_id)  # read before: no query
        if row is not None:  # what was written, without reading it back
            for name, value in decision.items():
                set_committed_value(row, name, value)
        record_change(self.session, author, "leave_request", str(request_id), Status.PENDING, status)
        return True

    async def excuse(
        self, row: LeaveRequestRow, class_id: int, day: date, session: int, author: Author
    ) -> bool:
        """Marks the child "P" in ``class_id`` that day and session unless already absent; True if it
        changed."""
        inserted = await self.session.scalar(
            insert_or_skip(self.session, AbsenceRow, "student_id", "day", "session")
            .values(
                student_id=row.student_id,
                class_id=class_id,
                day=day,
                session=session,
                mark=EXCUSED,
                entered_by=author.staff_id,
                entered_at=author.at,
            )
            .returning(AbsenceRow.id)
        )
        if inserted is None:  # already marked: the teacher's mark stands
            return False
        key = absence_key(row.student_id, day, session)
        record_change(self.session, author, "absence", key, None, EXCUSED, f"leave #{row.id}")
        return True

    async def accepted_on(self, student_ids: Collection[int], day: date, session: int) -> dict[int, str]:
        """The reason of each child's accepted request covering that day and session."""
        sessions = [] if session == WHOLE_DAY else [LeaveRequestRow.session.in_([WHOLE_DAY, session])]
        rows = await self.session.execute(
            select(LeaveRequestRow.student_id, LeaveRequestRow.reason).where(
                LeaveRequestRow.student_id.in_(student_ids),
                LeaveRequestRow.status == Status.ACCEPTED,
                LeaveRequestRow.first_day <= day,
                LeaveRequestRow.last_day >= day,
                *sessions,
            )
        )
        return dict(rows.all())

    async def current_class(self, student_id: int, day: date) -> int | None:
        return class_on(await self.enrolments(student_id, day, day), day)

    async def enrolments(self, student_id: int, first: date, last: date) -> list[Enrolment]:
        """The child's enrolments that overlap ``first``..``last``, the latest first (one query for a
        whole request: a move during it gives two)."""
        rows = await self.session.execute(
            select(EnrolmentRow.class_id, EnrolmentRow.date_in, EnrolmentRow.date_out)
            .where(
                EnrolmentRow.student_id == student_id,
                EnrolmentRow.date_in <= last,
                or_(EnrolmentRow.date_out.is_(None), EnrolmentRow.date_out > first),
            )
            .order_by(EnrolmentRow.date_in.desc())
        )
        return [Enrolment(*row) for row in rows]

    async def student_names(self, student_ids: Collection[int]) -> dict[int, str]:
        missing = [student_id for student_id in student_ids if student_id not in self._names]
        if missing:
            rows = await self.session.execute(
                select(StudentRow.id, StudentRow.full_name).where(StudentRow.id.in_(missing))
            )
            self._names.update(rows.all())
        return {key: self._names[key] for key in student_ids if key in self._names}

    async def homeroom_accounts(self, class_id: int) -> list[Account]:
        """Where the class's homeroom teacher is linked."""
        rows = await self.session.execute(
            select(AccountRow.channel, AccountRow.external_id, AccountRow.language, StaffRow.full_name)
            .join(HomeroomRow, HomeroomRow.staff_id == AccountRow.staff_id)
            .join(StaffRow, StaffRow.id == HomeroomRow.staff_id)
            .where(HomeroomRow.class_id == class_id, StaffRow.active)
        )
        return [Account(*row) for row in rows]

    async def language_of(self, channel: str, account: str) -> str:
        if (channel, account) not in self._languages:
            language = await self.session.scalar(
                select(AccountRow.language).where(
                    AccountRow.channel == channel, AccountRow.external_id == account
                )
            )
            self._languages[channel, account] = language or "vi"
        return self._languages[channel, account]
