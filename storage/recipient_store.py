"""Who receives what, on each channel: the people a notice reaches, a child's guardians, the leaders
who approve, the teachers of a class. Each as the accounts they linked, in their language."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.identity import receiving_channels
from domain.names import sort_by_name
from domain.notices import APPROVER_SETTING, Audience, Reach, Scope
from domain.school import Role
from storage.db import as_utc
from storage.models import (
    AccountRow,
    ClassRow,
    EnrolmentRow,
    GuardianLinkRow,
    GuardianRow,
    HomeroomRow,
    StaffRoleRow,
    StaffRow,
    StudentRow,
    SubjectRow,
    TeachingRow,
)
from storage.school_store import SqlSchoolStore


@dataclass(frozen=True)
class Recipient:
    channel: str
    account: str
    person: str  # a staff member's name, or a guardian's name and children, for the delivery report
    language: str


@dataclass(frozen=True)
class Taught:
    """A subject taught in a class, and the account of the teacher who teaches it."""

    class_id: int
    class_name: str
    grade: int
    subject_id: int
    subject_name: str
    person: Recipient


class SqlRecipientStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def _class_ids(self, reach: Reach) -> list[int]:
        year = await self.school.year_row()
        query = select(ClassRow.id).where(ClassRow.year_id == year.id)
        if reach.scope is Scope.CLASS:
            query = query.where(ClassRow.id == reach.class_id)
        elif reach.scope is Scope.GRADE:
            query = query.where(ClassRow.grade == reach.grade)
        return list(await self.session.scalars(query))

    async def recipients(self, reach: Reach, audience: Audience) -> list[Recipient]:
        if reach.student_id is not None:  # one child's notice: their parents, nobody else
            return (await self.guardians_of([reach.student_id])).get(reach.student_id, [])
        classes = await self._class_ids(reach)
        found: list[Recipient] = []
        if audience.parents:
            found += await self._guardians(classes)
        if audience.staff:
            found += await self._staff(reach, classes)
        if audience.students:
            found += await self._students(classes)
        return found

    async def guardians_of(self, student_ids: list[int]) -> dict[int, list[Recipient]]:
        """Each student's guardians' accounts, named by guardian and child."""
        found: dict[int, list[Recipient]] = defaultdict(list)
        for student_id, child, guardian, account in await self._guardian_accounts(student_ids):
            person = f"{guardian} ({child})" if guardian else child
            found[student_id].append(
                Recipient(account.channel, account.external_id, person, account.language)
            )
        return found

    async def _guardian_accounts(self, student_ids: list[int]) -> list[tuple[int, str, str, AccountRow]]:
        rows = await self.session.execute(
            select(
                GuardianLinkRow.student_id,
                StudentRow.full_name,
                GuardianRow.full_name,
                AccountRow,
                GuardianRow.channels,
            )
            .join(StudentRow, StudentRow.id == GuardianLinkRow.student_id)
            .join(GuardianRow, GuardianRow.id == GuardianLinkRow.guardian_id)
            .join(AccountRow, AccountRow.guardian_id == GuardianLinkRow.guardian_id)
            .where(GuardianLinkRow.student_id.in_(student_ids))
            .order_by(AccountRow.id, GuardianLinkRow.id)
        )
        found = rows.all()
        # a parent linked on Telegram and on Zalo: one copy, on the channel linked last, unless they chose
        linked: dict[int, dict[str, datetime]] = defaultdict(dict)  # guardian → channel → last linked
        for *_, account, _ in found:
            when = as_utc(account.linked_at)
            channels = linked[account.guardian_id]
            channels[account.channel] = max(when, channels.get(account.channel, when))
        return [
            (student_id, child, guardian, account)
            for student_id, child, guardian, account, choice in found
            if account.channel in receiving_channels(choice, linked[account.guardian_id])
        ]

    async def guardians_on_record(self, student_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        """Each student's guardians (id, name), linked to the bot or not, in the order recorded."""
        rows = await self.session.execute(
            select(GuardianLinkRow.student_id, GuardianRow.id, GuardianRow.full_name)
            .join(GuardianRow, GuardianRow.id == GuardianLinkRow.guardian_id)
            .where(GuardianLinkRow.student_id.in_(student_ids))
            .order_by(GuardianLinkRow.id)
        )
        found: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for student_id, guardian_id, name in rows:
            found[student_id].append((guardian_id, name))
        return found

    async def _guardians(self, classes: list[int]) -> list[Recipient]:
        students = list(
            await self.session.scalars(
                select(EnrolmentRow.student_id).where(
                    EnrolmentRow.class_id.in_(classes), EnrolmentRow.date_out.is_(None)
                )
            )
        )
        accounts: dict[int, tuple[AccountRow, str, list[str]]] = {}
        for _, child, guardian, account in await self._guardian_accounts(students):
            accounts.setdefault(account.id, (account, guardian, []))[2].append(child)
        found = []
        for account, guardian, children in accounts.values():  # one message to a parent of two children
            names = ", ".join(sort_by_name(children))
            person = f"{guardian} ({names})" if guardian else names
            found.append(Recipient(account.channel, account.external_id, person, account.language))
        return found

    async def _students(self, classes: list[int]) -> list[Recipient]:
        """The accounts of the students in the classes now, each on every channel they linked."""
        rows = await self.session.execute(
            select(StudentRow.full_name, AccountRow)
            .join(AccountRow, AccountRow.student_id == StudentRow.id)
            .join(EnrolmentRow, (EnrolmentRow.student_id == StudentRow.id) & EnrolmentRow.date_out.is_(None))
            .where(EnrolmentRow.class_id.in_(classes))
            .order_by(AccountRow.id)
        )
        return [Recipient(a.channel, a.external_id, name, a.language) for name, a in rows]

    async def _staff(self, reach: Reach, classes: list[int]) -> list[Recipient]:
        query = select(StaffRow.full_name, AccountRow).join(AccountRow, AccountRow.staff_id == StaffRow.id)
        query = query.where(StaffRow.active.is_(True))
        if reach.scope is not Scope.SCHOOL:
            homeroom = select(HomeroomRow.staff_id).where(HomeroomRow.class_id.in_(classes))
            teaching = select(TeachingRow.staff_id).where(TeachingRow.class_id.in_(classes))
            query = query.where(StaffRow.id.in_(homeroom) | StaffRow.id.in_(teaching))
        rows = await self.session.execute(query.order_by(AccountRow.id))
        return [Recipient(a.channel, a.external_id, name, a.language) for name, a in rows]

    async def approvers(self, author_id: int | None) -> list[Recipient]:
        """The accounts of the vice-principals other than the author; the principal's when the school has
        no other vice-principal linked; else the staff member the school's setting names (an author never
        approves their own: domain.permissions.may_approve)."""
        return (await self.approvers_by_kind(author_id))[1]

    async def approvers_by_kind(self, author_id: int | None) -> tuple[str, list[Recipient]]:
        """The approvers (as ``approvers``) and which kind they are: vice_principal, principal, named or
        none; the submit button names them."""
        named = await self.named_approver()
        kinds = (
            ("vice_principal", StaffRow.id.in_(_with_role(Role.VICE_PRINCIPAL))),
            ("principal", StaffRow.id.in_(_with_role(Role.PRINCIPAL))),
            ("named", StaffRow.id == (named or 0)),
        )
        rank = case(*((who, number) for number, (_, who) in enumerate(kinds)))
        rows = await self.session.execute(  # every kind in one query; the first kind found counts
            select(rank, StaffRow.full_name, AccountRow)
            .join(AccountRow, AccountRow.staff_id == StaffRow.id)
            .where(StaffRow.active.is_(True), StaffRow.id != author_id if author_id else true())
            .where(or_(*(who for _, who in kinds)))
            .order_by(rank, AccountRow.id)
        )
        found = rows.all()
        if not found:
            return "none", []
        first = found[0][0]
        chosen = [Recipient(a.channel, a.external_id, name, a.language) for n, name, a in found if n == first]
        return kinds[first][0], chosen

    async def leaders(self) -> list[Recipient]:
        """The principal's and the vice-principals' accounts."""
        return await self._accounts_of(Role.PRINCIPAL, Role.VICE_PRINCIPAL)

    async def keepers(self) -> list[Recipient]:
        """The principal's and the administrators' accounts: who looks after the installation."""
        return await self._accounts_of(Role.PRINCIPAL, Role.ADMIN)

    async def _accounts_of(self, *roles: Role) -> list[Recipient]:
        rows = await self.session.execute(
            select(StaffRow.full_name, AccountRow)
            .join(AccountRow, AccountRow.staff_id == StaffRow.id)
            .join(StaffRoleRow, StaffRoleRow.staff_id == StaffRow.id)
            .where(StaffRoleRow.role.in_([role.value for role in roles]), StaffRow.active.is_(True))
            .order_by(AccountRow.id)
            .distinct()
        )
        return [Recipient(a.channel, a.external_id, name, a.language) for name, a in rows]

    async def named_approver(self) -> int | None:
        """The staff member the school's setting names to approve when no other leader can."""
        return (await self.school.settings()).get(APPROVER_SETTING)

    async def teaching_accounts(self) -> list[Taught]:
        year = await self.school.year_row()
        rows = await self.session.execute(
            select(
                ClassRow.id,
                ClassRow.name,
                ClassRow.grade,
                SubjectRow.id,
                SubjectRow.name,
                StaffRow.full_name,
                AccountRow,
            )
            .join(TeachingRow, TeachingRow.class_id == ClassRow.id)
            .join(SubjectRow, SubjectRow.id == TeachingRow.subject_id)
            .join(StaffRow, StaffRow.id == TeachingRow.staff_id)
            .join(AccountRow, AccountRow.staff_id == StaffRow.id)
            .where(ClassRow.year_id == year.id, StaffRow.active.is_(True))
            .order_by(ClassRow.name, SubjectRow.id, AccountRow.id)
        )
        return [
            Taught(cid, cname, grade, sid, sname, Recipient(a.channel, a.external_id, staff, a.language))
            for cid, cname, grade, sid, sname, staff, a in rows
        ]

    async def homeroom_accounts(self, class_id: int) -> list[Recipient]:
        rows = await self.session.execute(
            select(StaffRow.full_name, AccountRow)
            .join(AccountRow, AccountRow.staff_id == StaffRow.id)
            .join(HomeroomRow, HomeroomRow.staff_id == StaffRow.id)
            .where(HomeroomRow.class_id == class_id, StaffRow.active.is_(True))
        )
        return [Recipient(a.channel, a.external_id, name, a.language) for name, a in rows]

    async def staff_accounts(self, staff_id: int) -> list[Recipient]:
        rows = await self.session.execute(
            select(StaffRow.full_name, AccountRow)
            .join(AccountRow, AccountRow.staff_id == StaffRow.id)
            .where(StaffRow.id == staff_id)
        )
        return [Recipient(a.channel, a.external_id, name, a.language) for name, a in rows]


def _with_role(role: Role) -> Select:
    return select(StaffRoleRow.staff_id).where(StaffRoleRow.role == role.value)
