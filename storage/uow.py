"""The unit of work: one transaction around one use case. Nothing is written unless ``commit`` is
called; leaving the block without it rolls everything back. Repositories never commit.

A front end's turn, which may only read, opens it ``deferred`` (see storage/db.py): on SQLite it
reads without the writer lock; when ``stale`` after a failure, the turn is run again without
``deferred``. ``retried`` does both for a piece of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from storage.attendance_store import SqlAttendanceStore
from storage.audit import seal
from storage.calendar_store import SqlCalendarStore
from storage.correction_store import SqlCorrectionStore
from storage.db import ENQUEUED, Database, is_stale
from storage.export_store import SqlExportStore
from storage.gradebook_store import SqlGradebookStore
from storage.health_store import SqlHealthStore
from storage.identity_store import SqlIdentityStore
from storage.job_store import SqlJobStore
from storage.leave_store import SqlLeaveStore
from storage.new_year_store import SqlNewYearStore
from storage.notice_store import SqlNoticeStore
from storage.outbox_store import SqlOutboxStore
from storage.progress_store import SqlProgressStore
from storage.push_store import SqlPushSubscriptions
from storage.recipient_store import SqlRecipientStore
from storage.released_store import SqlReleasedCards
from storage.roster_store import SqlRosterStore
from storage.school_store import SqlClassViews, SqlSchoolStore
from storage.signed_store import SqlSignedStore
from storage.staff_store import SqlStaffStore
from storage.transfer_store import SqlTransferStore
from storage.web_store import SqlWebSessions
from storage.window_store import SqlWindowStore
from storage.year_end_store import SqlYearEndStore


class UnitOfWork:
    session: AsyncSession
    school: SqlSchoolStore
    calendar: SqlCalendarStore
    roster: SqlRosterStore
    staff: SqlStaffStore
    identity: SqlIdentityStore
    views: SqlClassViews
    gradebook: SqlGradebookStore
    windows: SqlWindowStore
    attendance: SqlAttendanceStore
    corrections: SqlCorrectionStore
    progress: SqlProgressStore
    outbox: SqlOutboxStore
    notices: SqlNoticeStore
    recipients: SqlRecipientStore
    jobs: SqlJobStore
    exports: SqlExportStore
    year_end: SqlYearEndStore
    transfers: SqlTransferStore
    new_year: SqlNewYearStore
    signed: SqlSignedStore
    released: SqlReleasedCards
    health: SqlHealthStore
    leave: SqlLeaveStore
    push_subscriptions: SqlPushSubscriptions
    web: SqlWebSessions

    def __init__(self, database: Database, read_only: bool = False, deferred: bool = False) -> None:
        self._database = database
        self._read_only = read_only
        self._deferred = deferred
        self._context: AbstractAsyncContextManager[AsyncSession] | None = None

    async def __aenter__(self) -> UnitOfWork:
        self._context = self._database.session(read_only=self._read_only, deferred=self._deferred)
        self.session = await self._context.__aenter__()
        self.school = SqlSchoolStore(self.session)
        self.calendar = SqlCalendarStore(self.session, self.school)
        self.roster = SqlRosterStore(self.session, self.school)
        self.staff = SqlStaffStore(self.session, self.school)
        self.identity = SqlIdentityStore(self.session, self.school)
        self.views = SqlClassViews(self.session, self.school)
        self.gradebook = SqlGradebookStore(self.session, self.school)
        self.windows = SqlWindowStore(self.session)
        self.attendance = SqlAttendanceStore(self.session, self.school)
        self.corrections = SqlCorrectionStore(self.session, self.gradebook)
        self.progress = SqlProgressStore(self.session)
        self.outbox = SqlOutboxStore(self.session)
        self.notices = SqlNoticeStore(self.session, self.school)
        self.recipients = SqlRecipientStore(self.session, self.school)
        self.jobs = SqlJobStore(self.session)
        self.year_end = SqlYearEndStore(self.session, self.school)
        self.exports = SqlExportStore(self.session, self.school, self.calendar, self.roster, self.year_end)
        self.transfers = SqlTransferStore(self.session, self.school)
        self.new_year = SqlNewYearStore(self.session, self.school, self.year_end)
        self.signed = SqlSignedStore(self.session)
        self.released = SqlReleasedCards(self.session)
        self.health = SqlHealthStore(self.session, self.school)
        self.leave = SqlLeaveStore(self.session)
        self.push_subscriptions = SqlPushSubscriptions(self.session)
        self.web = SqlWebSessions(self.session)
        return self

    @property
    def stale(self) -> bool:
        """A deferred unit's first write was refused: what it read had changed. Run it again."""
        return is_stale(self.session)

    async def commit(self) -> None:
        await seal(self.session)
        await self.session.commit()
        if self.session.info.pop(ENQUEUED, False):
            self._database.outbox_committed()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._context is not None
        await self._context.__aexit__(kind, error, trace)


T = TypeVar("T")


async def retried(database: Database, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """``work`` (which commits) in a deferred unit of work; if that went stale, once more with the
    writer lock from the start."""
    uow = UnitOfWork(database, deferred=True)
    try:
        async with uow:
            return await work(uow)
    except Exception:
        if not uow.stale:
            raise
    async with UnitOfWork(database) as uow:
        return await work(uow)
