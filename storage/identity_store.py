"""Accounts, invite codes, where each person is in a conversation, and refusals."""

from __future__ import annotations

import copy
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, delete, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from domain.identity import BOTH, InviteRecord, PersonKind, PersonRef, receiving_channels
from domain.permissions import Actor
from domain.school import Role
from storage.assignments import Assigned, assignment_columns
from storage.changes import Author, record_change, system_author
from storage.db import as_utc
from storage.models import (
    AccountRow,
    DialogRow,
    GuardianLinkRow,
    GuardianRow,
    InviteRow,
    LinkAttemptRow,
    RefusalRow,
    SchoolRow,
    SchoolYearRow,
    StaffRow,
    StudentRow,
)
from storage.school_key import derived_key
from storage.school_store import SqlSchoolStore, newest_year

INVITE_KEY_PURPOSE = "invite-codes"


def _person(staff_id: int | None, guardian_id: int | None) -> PersonRef | None:
    if staff_id is not None:
        return PersonRef(PersonKind.STAFF, staff_id)
    if guardian_id is not None:
        return PersonRef(PersonKind.GUARDIAN, guardian_id)
    return None


def _invite(row: InviteRow | None) -> InviteRecord | None:
    if row is None:
        return None
    person = _person(row.staff_id, row.guardian_id)
    if row.for_student:
        person = PersonRef(PersonKind.STUDENT, row.student_id)
    return InviteRecord(row.id, person, row.student_id, as_utc(row.expires_at), row.used_at is not None)


def _links(row: AccountRow) -> str:
    """What an account is linked to, as the change log writes it: 'staff:4 guardian:9'."""
    parts = [
        f"staff:{row.staff_id}" if row.staff_id else "",
        f"guardian:{row.guardian_id}" if row.guardian_id else "",
        f"student:{row.student_id}" if row.student_id else "",
    ]
    return " ".join(part for part in parts if part)


def _ids(person: PersonRef | None) -> dict[str, int | None]:
    staff = person.id if person and person.kind is PersonKind.STAFF else None
    guardian = person.id if person and person.kind is PersonKind.GUARDIAN else None
    return {"staff_id": staff, "guardian_id": guardian}


class SqlIdentityStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school
        self._dialogs: dict[tuple[str, str], DialogRow | None] = {}  # read once per unit of work
        self._held: list = []  # the person's rows: the session keeps a row only while it is referenced

    # --- invites (domain.identity.InviteStore) ---

    @property
    def code_key(self) -> bytes:
        return derived_key(INVITE_KEY_PURPOSE)

    async def add_invite(
        self, code_hash: str, person: PersonRef | None, student_id: int | None, expires_at: datetime
    ) -> None:
        if person is not None and person.kind is PersonKind.STUDENT:  # the student's own code
            person, student_id, for_student = None, person.id, True
        else:
            for_student = False
        self.session.add(
            InviteRow(
                code_hash=code_hash,
                student_id=student_id,
                for_student=for_student,
                expires_at=expires_at,
                **_ids(person),
            )
        )
        await self.session.flush()

    async def find_invite(self, code_hash: str) -> InviteRecord | None:
        return _invite(await self.session.scalar(select(InviteRow).where(InviteRow.code_hash == code_hash)))

    async def invite_by_id(self, invite_id: int) -> InviteRecord | None:
        return _invite(await self.session.get(InviteRow, invite_id))

    async def linked_staff(self, channel: str, account: str) -> int | None:
        row = await self._account(channel, account)
        return row.staff_id if row else None

    async def linked_guardian(self, channel: str, account: str) -> int | None:
        row = await self._account(channel, account)
        return row.guardian_id if row else None

    async def linked_student(self, channel: str, account: str) -> int | None:
        row = await self._account(channel, account)
        return row.student_id if row else None

    async def guardian_children(self, guardian_id: int) -> set[int]:
        return set(
            await self.session.scalars(
                select(GuardianLinkRow.student_id).where(GuardianLinkRow.guardian_id == guardian_id)
            )
        )

    async def claim_invite(self, invite_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(InviteRow)
            .where(InviteRow.id == invite_id, InviteRow.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount == 1

    async def wrong_codes_since(self, channel: str, account: str, since: datetime) -> int:
        return (
            await self.session.scalar(
                select(func.count())
                .select_from(LinkAttemptRow)
                .where(
                    LinkAttemptRow.channel == channel,
                    LinkAttemptRow.external_id == account,
                    LinkAttemptRow.ok.is_(False),
                    LinkAttemptRow.at >= since,
                )
            )
            or 0
        )

    async def wrong_codes_everywhere_since(self, since: datetime) -> int:
        wrong = select(func.count()).select_from(LinkAttemptRow).where(LinkAttemptRow.ok.is_(False))
        return await self.session.scalar(wrong.where(LinkAttemptRow.at >= since)) or 0

    async def record_attempt(self, channel: str, account: str, now: datetime, ok: bool) -> None:
        self.session.add(LinkAttemptRow(channel=channel, external_id=account, at=now, ok=ok))

    async def link_account(self, channel: str, account: str, person: PersonRef, now: datetime) -> None:
        row = await self._account(channel, account) or AccountRow(channel=channel, external_id=account)
        before = _links(row)
        if person.kind is PersonKind.STAFF:
            row.staff_id = person.id
        elif person.kind is PersonKind.STUDENT:
            row.student_id = person.id
        elif row.guardian_id is None:
            row.guardian_id = person.id
        elif row.guardian_id != person.id:
            await self._add_children(row.guardian_id, person.id)
        row.linked_at = now
        record_change(
            self.session,
            Author(row.staff_id, channel, account, now),
            "account",
            f"{channel}:{account}",
            before or None,
            _links(row) if _links(row) != before else f"{_links(row)} + {person.kind.value}:{person.id}",
        )
        self.session.add(row)
        await self.session.flush()

    async def _add_children(self, guardian_id: int, other_guardian_id: int) -> None:
        """The other guardian record's children become this guardian's too (one parent, imported twice)."""
        mine = select(GuardianLinkRow.student_id).where(GuardianLinkRow.guardian_id == guardian_id)
        theirs = await self.session.execute(
            select(GuardianLinkRow.student_id, GuardianLinkRow.relation).where(
                GuardianLinkRow.guardian_id == other_guardian_id, GuardianLinkRow.student_id.not_in(mine)
            )
        )
        for student_id, relation in theirs.all():
            self.session.add(
                GuardianLinkRow(guardian_id=guardian_id, student_id=student_id, relation=relation)
            )

    async def guardian_for_student(self, student_id: int) -> PersonRef:
        """The student's first guardian with no account yet; a new one when all are linked."""
        linked = select(AccountRow.guardian_id).where(AccountRow.guardian_id.is_not(None))
        guardian_id = await self.session.scalar(
            select(GuardianLinkRow.guardian_id)
            .where(GuardianLinkRow.student_id == student_id, GuardianLinkRow.guardian_id.not_in(linked))
            .order_by(GuardianLinkRow.id)
            .limit(1)
        )
        if guardian_id is None:
            guardian = GuardianRow(full_name="", phone="")
            self.session.add(GuardianLinkRow(guardian=guardian, student_id=student_id, relation="guardian"))
            await self.session.flush()
            guardian_id = guardian.id
        return PersonRef(PersonKind.GUARDIAN, guardian_id)

    # --- accounts ---

    async def _account(self, channel: str, account: str) -> AccountRow | None:
        return await self.session.scalar(
            select(AccountRow).where(AccountRow.channel == channel, AccountRow.external_id == account)
        )

    async def linked_count(self, channel: str, accounts: list[str]) -> int:
        """How many of ``accounts`` are linked on ``channel``."""
        query = select(func.count()).where(
            AccountRow.channel == channel, AccountRow.external_id.in_(accounts)
        )
        return await self.session.scalar(query.select_from(AccountRow)) or 0

    async def set_language(self, channel: str, account: str, language: str) -> None:
        await self.session.execute(
            update(AccountRow)
            .where(AccountRow.channel == channel, AccountRow.external_id == account)
            .values(language=language)
        )

    async def guardian_channels(self, guardian_id: int) -> tuple[str, set[str]]:
        """Where a guardian receives notices and report cards now (a channel, or "both") and the channels
        they are linked on."""
        choice = await self.session.scalar(select(GuardianRow.channels).where(GuardianRow.id == guardian_id))
        linked: dict[str, datetime] = {}
        accounts = await self.session.execute(
            select(AccountRow.channel, AccountRow.linked_at).where(AccountRow.guardian_id == guardian_id)
        )
        for channel, when in accounts:
            linked[channel] = max(as_utc(when), linked.get(channel, as_utc(when)))
        receiving = receiving_channels(choice, linked)
        return (BOTH if len(receiving) > 1 else next(iter(receiving), "")), set(linked)

    async def choose_channels(self, guardian_id: int, choice: str, author: Author) -> None:
        """Where the guardian's notices and report cards go: a channel's name, or "both"; logged."""
        guardian = await self.session.get(GuardianRow, guardian_id)
        assert guardian is not None
        if guardian.channels != choice:
            record_change(
                self.session,
                author,
                "guardian_channels",
                str(guardian_id),
                guardian.channels,
                choice,
                "parent",
            )
        guardian.channels = choice

    async def revoke_staff(self, staff_id: int, now: datetime) -> tuple[int, int]:
        """Unlinks every account of the staff member and expires their unused invite codes; each
        unlinking is recorded. Answers (accounts unlinked, codes expired)."""
        expired = await self.session.execute(
            update(InviteRow)
            .where(InviteRow.staff_id == staff_id, InviteRow.used_at.is_(None), InviteRow.expires_at > now)
            .values(expires_at=now)
        )
        accounts = await self.session.scalars(select(AccountRow).where(AccountRow.staff_id == staff_id))
        author = system_author("revoke")
        count = 0
        for account in accounts:
            key = f"{account.channel}:{account.external_id}"
            record_change(self.session, author, "account", key, f"staff:{staff_id}", None, "access revoked")
            if account.guardian_id is None:
                await self.session.delete(account)
            else:  # a teacher who is also a parent stays a parent
                account.staff_id = None
            count += 1
        return count, expired.rowcount

    async def actor(self, channel: str, account: str) -> Actor | None:
        """Who writes from this account: a staff member or a guardian, in one query. It also brings
        what nearly every turn reads next: the account's open flow, the newest school year with its
        semesters and the school's row (the stores then read them no more)."""
        found = await self.session.execute(actor_query(), {"channel": channel, "account": account})
        found = found.unique().first()
        if found is None:
            return None
        row, staff, guardian, dialog, year, school, *lists = found
        self._dialogs.setdefault((channel, account), dialog)
        self._held += [row, staff, guardian]  # ``session.get`` of them reads nothing (a staff name)
        self.school.remember(year, school)
        if row.student_id is not None:
            return await self._student_actor(row)
        assigned = Assigned.listed(*lists)
        staff_actor = await self._staff_actor(row, staff, assigned) if row.staff_id is not None else None
        if staff_actor is not None or row.guardian_id is None:
            return staff_actor
        return _guardian_actor(row, guardian, assigned)

    async def _staff_actor(
        self, account: AccountRow, staff: StaffRow | None, assigned: Assigned
    ) -> Actor | None:
        if staff is None or not staff.active:
            return None
        await self.school.year_row()  # there is a year (else school.error.no_years); read with the actor
        return Actor(
            PersonRef(PersonKind.STAFF, staff.id),
            staff.full_name,
            frozenset(Role(r.role) for r in staff.roles),
            assigned.homerooms,
            assigned.teaching,
            assigned.department,
            assigned.children,
            language=account.language,
            guardian=account.guardian_id,
        )

    async def _student_actor(self, account: AccountRow) -> Actor:
        """A student reading their own released record: no role, no children, no guardian."""
        name = await self.session.scalar(
            select(StudentRow.full_name).where(StudentRow.id == account.student_id)
        )
        return Actor(PersonRef(PersonKind.STUDENT, account.student_id), name or "", language=account.language)

    async def student_id(self, code: str) -> int | None:
        return await self.session.scalar(select(StudentRow.id).where(StudentRow.code == code))

    # --- conversations and refusals ---

    async def dialog(self, channel: str, account: str) -> DialogRow | None:
        """The person's open flow; read once per unit of work (every change goes through here)."""
        if (channel, account) not in self._dialogs:
            self._dialogs[channel, account] = await self.session.scalar(
                select(DialogRow).where(DialogRow.channel == channel, DialogRow.external_id == account)
            )
        return self._dialogs[channel, account]

    async def save_dialog(
        self, channel: str, account: str, flow: str, step: str, data: dict, now: datetime
    ) -> None:
        row = await self.dialog(channel, account) or DialogRow(channel=channel, external_id=account)
        # a copy: the caller's dict changes in place, and a change to the row's own object goes unseen
        row.flow, row.step, row.data, row.updated_at = flow, step, copy.deepcopy(data), now
        self.session.add(row)
        self._dialogs[channel, account] = row

    async def end_dialog(self, channel: str, account: str) -> None:
        await self.session.execute(
            delete(DialogRow).where(DialogRow.channel == channel, DialogRow.external_id == account)
        )
        self._dialogs[channel, account] = None

    async def record_refusal(
        self, channel: str, account: str, action: str, detail: str, now: datetime
    ) -> None:
        self.session.add(
            RefusalRow(channel=channel, external_id=account, action=action, detail=detail[:200], at=now)
        )


@cache
def actor_query() -> Select:
    """The person's query (``SqlIdentityStore.actor``), built once: building a statement this size and
    its cache key took SQLAlchemy about a millisecond, more than the database took to run it."""
    channel, account = bindparam("channel"), bindparam("account")
    return (
        select(AccountRow, StaffRow, GuardianRow, DialogRow, SchoolYearRow, SchoolRow, *assignment_columns())
        .outerjoin(StaffRow, StaffRow.id == AccountRow.staff_id)
        .outerjoin(GuardianRow, GuardianRow.id == AccountRow.guardian_id)
        .outerjoin(DialogRow, (DialogRow.channel == AccountRow.channel) & (DialogRow.external_id == account))
        .outerjoin(SchoolYearRow, SchoolYearRow.id == newest_year())
        .outerjoin(SchoolRow, true())
        .where(AccountRow.channel == channel, AccountRow.external_id == account)
        .options(joinedload(StaffRow.roles), joinedload(SchoolYearRow.semesters))
    )


def _guardian_actor(account: AccountRow, guardian: GuardianRow | None, assigned: Assigned) -> Actor:
    return Actor(
        PersonRef(PersonKind.GUARDIAN, account.guardian_id),
        guardian.full_name if guardian else "",
        children=assigned.children,
        language=account.language,
        guardian=account.guardian_id,
    )
