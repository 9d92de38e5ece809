"""Weekly news: the template's versions and decisions, the week's facts a parent may see, and the
read receipts of notices and report cards with their one reminder."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.notices import Audience, Kind, Scope
from domain.notices import Status as NoticeStatus
from domain.report_card import Period
from domain.weekly import Part, Status, Template
from storage.db import as_utc
from storage.models import (
    AbsenceRow,
    AccountRow,
    ClassRow,
    EnrolmentRow,
    GuardianLinkRow,
    GuardianRow,
    NoticeRow,
    OutboxRow,
    ScoreRow,
    StudentRow,
    SubjectCommentRow,
    SubjectRow,
)
from storage.models.weekly import ReadReceiptRow, ReadReminderRow, WeeklyTemplateRow


@dataclass(frozen=True)
class Pupil:
    id: int
    name: str
    class_id: int
    class_name: str
    grade: int


@dataclass(frozen=True)
class Released:
    """A score or a comment that parents may see, and since when (its entry or its release, the later)."""

    student_id: int
    subject: str
    kind: str  # a score column's kind, or "comment"
    value: str
    visible_since: datetime


@dataclass(frozen=True)
class Reader:
    """A parent's account a notice was sent to, with the child it was sent for."""

    class_name: str
    child: str
    guardian: str
    channel: str
    account: str
    language: str


@dataclass(frozen=True)
class WeekNotice:
    id: int
    scope: Scope
    class_id: int | None
    grade: int | None
    text: str


def _template(row: WeeklyTemplateRow) -> Template:
    parts = tuple(Part(p) for p in row.parts.split(",") if p)
    return Template(row.id, row.text, parts, Status(row.status), row.author_id)


class SqlWeeklyStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- the template -----------------------------------------------------------------------------

    async def add_template(
        self, text: str, parts: tuple[Part, ...], author_id: int | None, now: datetime
    ) -> int:
        """A new version waiting for approval; an older version still waiting is withdrawn."""
        await self.session.execute(
            update(WeeklyTemplateRow)
            .where(WeeklyTemplateRow.status == Status.PENDING.value)
            .values(status=Status.REJECTED.value, decided_at=now)
        )
        row = WeeklyTemplateRow(
            text=text,
            parts=",".join(p.value for p in parts),
            status=Status.PENDING.value,
            author_id=author_id,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def template(self, template_id: int) -> Template | None:
        row = await self.session.get(WeeklyTemplateRow, template_id)
        return _template(row) if row else None

    async def newest(self, status: Status | None = None) -> Template | None:
        query = select(WeeklyTemplateRow).order_by(WeeklyTemplateRow.id.desc()).limit(1)
        if status is not None:
            query = query.where(WeeklyTemplateRow.status == status.value)
        row = await self.session.scalar(query)
        return _template(row) if row else None

    async def decide(self, template_id: int, status: Status, staff_id: int | None, now: datetime) -> bool:
        """Settles a pending version; False when someone decided first."""
        result = await self.session.execute(
            update(WeeklyTemplateRow)
            .where(WeeklyTemplateRow.id == template_id, WeeklyTemplateRow.status == Status.PENDING.value)
            .values(status=status.value, decided_by=staff_id, decided_at=now)
        )
        return result.rowcount == 1

    # --- the week's facts -------------------------------------------------------------------------

    async def pupils(self, year_id: int, class_ids: list[int] | None = None) -> list[Pupil]:
        """The students in a class of the year now, class by class."""
        query = (
            select(StudentRow.id, StudentRow.full_name, ClassRow.id, ClassRow.name, ClassRow.grade)
            .join(EnrolmentRow, (EnrolmentRow.student_id == StudentRow.id) & EnrolmentRow.date_out.is_(None))
            .join(ClassRow, (ClassRow.id == EnrolmentRow.class_id) & (ClassRow.year_id == year_id))
            .order_by(ClassRow.name, StudentRow.id)
        )
        if class_ids is not None:
            query = query.where(ClassRow.id.in_(class_ids))
        return [Pupil(*row) for row in await self.session.execute(query)]

    async def absences(
        self, student_ids: list[int], first: date, last: date
    ) -> dict[int, list[tuple[date, int, str]]]:
        rows = await self.session.execute(
            select(AbsenceRow.student_id, AbsenceRow.day, AbsenceRow.session, AbsenceRow.mark)
            .where(AbsenceRow.student_id.in_(student_ids), AbsenceRow.day >= first, AbsenceRow.day <= last)
            .order_by(AbsenceRow.day, AbsenceRow.session)
        )
        found: dict[int, list[tuple[date, int, str]]] = defaultdict(list)
        for student_id, day, session, mark in rows:
            found[student_id].append((day, session, mark))
        return found

    async def releases(self, class_ids: list[int]) -> dict[tuple[int, int], list[datetime]]:
        """(class, semester) → when its report cards were approved (the school's release of results)."""
        rows = await self.session.execute(
            select(NoticeRow.class_id, NoticeRow.period, NoticeRow.decided_at).where(
                NoticeRow.kind == Kind.REPORT_CARD.value,
                NoticeRow.status == NoticeStatus.APPROVED.value,
                NoticeRow.class_id.in_(class_ids),
            )
        )
        found: dict[tuple[int, int], list[datetime]] = defaultdict(list)
        for class_id, period, decided_at in rows:
            semester = Period(period).semester
            if semester is not None and decided_at is not None:
                found[(class_id, semester)].append(as_utc(decided_at))
        return found

    async def released(
        self, pupils: list[Pupil], year_id: int, start: datetime, end: datetime, comments: bool
    ) -> list[Released]:
        """The scores (or subject comments) of these students that became visible to parents within
        (start, end]: entered, and then released by the approval of their class's report cards."""
        class_of = {p.id: p.class_id for p in pupils}
        releases = await self.releases(sorted(set(class_of.values())))
        table = SubjectCommentRow if comments else ScoreRow
        value = SubjectCommentRow.text if comments else ScoreRow.value
        kind = SubjectCommentRow.midterm if comments else ScoreRow.kind
        rows = await self.session.execute(
            select(table.student_id, SubjectRow.name, table.semester, kind, value, table.entered_at)
            .join(SubjectRow, SubjectRow.id == table.subject_id)
            .where(table.student_id.in_(list(class_of)), table.year_id == year_id, table.entered_at <= end)
            .order_by(SubjectRow.id, table.semester, table.id)
        )
        found = []
        for student_id, subject, semester, column, text, entered_at in rows:
            entered = as_utc(entered_at)
            later = [at for at in releases.get((class_of[student_id], semester), []) if at >= entered]
            since = min(later, default=None)
            if since is not None and start < since <= end:
                shown = "comment" if comments else column
                found.append(Released(student_id, subject, shown, text, since))
        return found

    async def notices(self, start: datetime, end: datetime) -> list[WeekNotice]:
        """Notices to parents approved within (start, end]."""
        rows = await self.session.execute(
            select(NoticeRow.id, NoticeRow.scope, NoticeRow.class_id, NoticeRow.grade, NoticeRow.text)
            .where(
                NoticeRow.kind.in_([Kind.SCHOOL.value, Kind.CLASS.value]),
                NoticeRow.status == NoticeStatus.APPROVED.value,
                NoticeRow.audience.in_([Audience.PARENTS.value, Audience.BOTH.value]),
                NoticeRow.decided_at > start,
                NoticeRow.decided_at <= end,
            )
            .order_by(NoticeRow.decided_at, NoticeRow.id)
        )
        return [WeekNotice(i, Scope(scope), c, g, text) for i, scope, c, g, text in rows]

    # --- read receipts ----------------------------------------------------------------------------

    async def mark_read(self, notice_id: int, channel: str, account: str, now: datetime) -> bool:
        """True the first time this account says it read the notice; False after."""
        if await self.read_at(notice_id, channel, account) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(
                    ReadReceiptRow(notice_id=notice_id, channel=channel, account=account, read_at=now)
                )
        except IntegrityError:  # the same press twice at once
            return False
        return True

    async def read_at(self, notice_id: int, channel: str, account: str) -> datetime | None:
        return as_utc(
            await self.session.scalar(
                select(ReadReceiptRow.read_at).where(
                    ReadReceiptRow.notice_id == notice_id,
                    ReadReceiptRow.channel == channel,
                    ReadReceiptRow.account == account,
                )
            )
        )

    async def readers(self, notice_id: int) -> set[tuple[str, str]]:
        rows = await self.session.execute(
            select(ReadReceiptRow.channel, ReadReceiptRow.account).where(
                ReadReceiptRow.notice_id == notice_id
            )
        )
        return {(channel, account) for channel, account in rows}

    async def sent_to(self, notice_id: int, channel: str, account: str) -> bool:
        """Whether the notice (or report card) was written to this account: only they may say they read it."""
        found = await self.session.scalar(
            select(OutboxRow.id)
            .where(
                OutboxRow.notice_id == notice_id, OutboxRow.channel == channel, OutboxRow.recipient == account
            )
            .limit(1)
        )
        return found is not None

    async def parent_readers(self, notice_id: int, class_id: int | None) -> list[Reader]:
        """The parents' accounts the notice was written to, once per child in a class of the notice's
        reach (every class for a grade's or the school's)."""
        sent = (
            select(OutboxRow.channel, OutboxRow.recipient).where(OutboxRow.notice_id == notice_id).distinct()
        ).subquery()
        query = (
            select(
                ClassRow.name,
                StudentRow.full_name,
                GuardianRow.full_name,
                AccountRow.channel,
                AccountRow.external_id,
                AccountRow.language,
            )
            .join(sent, (sent.c.channel == AccountRow.channel) & (sent.c.recipient == AccountRow.external_id))
            .join(GuardianRow, GuardianRow.id == AccountRow.guardian_id)
            .join(GuardianLinkRow, GuardianLinkRow.guardian_id == GuardianRow.id)
            .join(StudentRow, StudentRow.id == GuardianLinkRow.student_id)
            .join(EnrolmentRow, (EnrolmentRow.student_id == StudentRow.id) & EnrolmentRow.date_out.is_(None))
            .join(ClassRow, ClassRow.id == EnrolmentRow.class_id)
        )
        if class_id is not None:
            query = query.where(ClassRow.id == class_id)
        return [Reader(*row) for row in await self.session.execute(query.order_by(ClassRow.name))]

    async def remind_once(self, notice_id: int, staff_id: int | None, count: int, now: datetime) -> bool:
        """Records the notice's reminder; False when it was already sent (also when two press at once)."""
        if await self.reminded_at(notice_id) is not None:
            return False
        try:
            async with self.session.begin_nested():
                self.session.add(
                    ReadReminderRow(notice_id=notice_id, sent_by=staff_id, sent_at=now, count=count)
                )
        except IntegrityError:
            return False
        return True

    async def reminded_at(self, notice_id: int) -> datetime | None:
        return as_utc(
            await self.session.scalar(
                select(ReadReminderRow.sent_at).where(ReadReminderRow.notice_id == notice_id)
            )
        )


def reaches(notice: WeekNotice, pupil: Pupil) -> bool:
    if notice.scope is Scope.CLASS:
        return notice.class_id == pupil.class_id
    if notice.scope is Scope.GRADE:
        return notice.grade == pupil.grade
    return True
