"""The real application, polling the local Bot API, over a small school in a real database.

Time in the flood limits runs ``SPEEDUP`` times as fast as on Telegram: the bot's pacing and the local
Bot API's limits are scaled alike, so a bot that floods is still refused (and the test fails). A test
marked ``@pytest.mark.real_pace`` runs both at Telegram's real pace."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import build_application
from bot.config import load_settings
from domain.identity import PersonKind, PersonRef, create_invite
from domain.importing import Table
from domain.roster import import_roster
from domain.staff import import_staff
from localapi import LocalBotApi, RateLimits
from notifications.audit_head import AUDIT_HEAD_WEEKLY
from notifications.pacing import TELEGRAM, Pacing
from storage.db import Database
from storage.models import StaffRow, StudentRow
from storage.uow import UnitOfWork
from tests.conftest import copy_database
from tests.storage.helpers import HEADERS, ROWS, YEAR, set_up_school

TOKEN = "123456:TEST-token"
SPEEDUP = 10  # flood limits in tests: ten times Telegram's pace, on both sides
# The bot keeps its pace well below what the stand-in enforces: at ten times the pace, the 15 % margin
# it keeps against Telegram is 15 ms, less than the delays of a machine running the suite's four
# workers, and sends paced apart can reach the stand-in closer together than that (a burst held up
# opening its connections, the next send on time). At 0.8, two 429s were still seen in a full run.
BOT_PACE = 0.6
STAFF_HEADERS = [
    "Mã cán bộ",
    "Họ và tên",
    "Số điện thoại",
    "Vai trò",
    "Tổ chuyên môn",
    "Chủ nhiệm",
    "Phân công giảng dạy",
]
STAFF = [
    ["CB01", "Nguyễn Thị Hạnh", "0912000001", "Hiệu trưởng", "", "", ""],
    ["CB02", "Phạm Văn Phó", "0912000002", "Phó hiệu trưởng", "", "", ""],
    ["CB03", "Đỗ Quản Trị", "0912000003", "Quản trị", "", "", ""],
    ["GV01", "Trần Văn Toàn", "0912000004", "Giáo viên", "Tổ Toán - Tin", "6A", "6A: Toán; 6B: Toán"],
    ["GV02", "Lê Thị Văn", "0912000005", "Giáo viên", "Tổ Ngữ văn", "6B", "6A, 6B: Ngữ văn"],
]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 10, 14, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội

    def __call__(self) -> datetime:
        return self.now


@dataclass
class School:
    database: Database
    api: LocalBotApi
    clock: Clock
    pacing: Pacing = TELEGRAM  # pass it to build_application: the stand-in's limits match it

    async def outbox_settled(self, timeout: float = 30) -> None:
        """Waits until every outbox row is settled: none pending, none being sent."""
        async with asyncio.timeout(timeout):
            while True:
                async with UnitOfWork(self.database, read_only=True) as uow:
                    counts = await uow.outbox.counts()
                if not counts.get("pending") and not counts.get("sending"):
                    return
                await asyncio.sleep(0.05)

    @property
    def limits(self) -> RateLimits:
        """The flood limits at this school's pace, for another stand-in beside the Bot API (Zalo's)."""
        return RateLimits().faster(TELEGRAM.chat_period / self.pacing.chat_period / BOT_PACE)

    async def pause(self, seconds: float) -> None:
        """Waits for the flood limits to forget: ``seconds`` at Telegram's pace, less at the test's."""
        await asyncio.sleep(seconds * self.pacing.chat_period / TELEGRAM.chat_period)

    async def invite_staff(self, code: str, days_ago: int = 0) -> str:
        async with UnitOfWork(self.database) as uow:
            staff_id = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == code))
            invite = await create_invite(
                uow.identity, PersonRef(PersonKind.STAFF, staff_id), self.clock() - timedelta(days=days_ago)
            )
            await uow.commit()
        return invite.code

    async def invite_parent(self, student_code: str) -> str:
        async with UnitOfWork(self.database) as uow:
            student_id = await uow.session.scalar(
                select(StudentRow.id).where(StudentRow.code == student_code)
            )
            invite = await create_invite(uow.identity, None, self.clock(), student_id)
            await uow.commit()
        return invite.code

    async def revoke(self, code: str) -> None:
        async with UnitOfWork(self.database) as uow:
            staff_id = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == code))
            await uow.identity.revoke_staff(staff_id, self.clock())
            await uow.commit()

    @asynccontextmanager
    async def bot_running(self, **environ: str) -> AsyncIterator[None]:
        """The bot, with the settings of ``environ`` besides its token and database."""
        settings = load_settings(
            {
                "SODIEM_TELEGRAM_TOKEN": TOKEN,
                "SODIEM_TELEGRAM_API_URL": self.api.base_url,
                "SODIEM_DATABASE_URL": self.database.url,
                **environ,
            }
        )
        application = build_application(settings, self.database, self.clock, self.pacing)
        await application.initialize()
        await application.post_init(application)  # as run_polling does
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()


def speedup(request) -> float:
    """SPEEDUP, or 1 for a test marked real_pace."""
    return 1 if request.node.get_closest_marker("real_pace") else SPEEDUP


async def weekly_head_already_sent(database: Database, clock: Clock) -> None:
    """The Monday head of the clock's week counts as sent: a leader linking on Tuesday would otherwise get
    it between two steps of whatever the test is doing (tests/bot/test_audit_head_weekly.py tests it)."""
    monday = clock().date() - timedelta(days=clock().weekday())
    async with UnitOfWork(database) as uow:
        if not await uow.jobs.done(AUDIT_HEAD_WEEKLY.name, monday):
            await uow.jobs.record(AUDIT_HEAD_WEEKLY.name, monday, clock())
            await uow.commit()


@asynccontextmanager
async def bot_api_over(database: Database, speedup: float = SPEEDUP) -> AsyncIterator[School]:
    async with LocalBotApi(TOKEN, rate_limits=RateLimits().faster(speedup)) as api:
        clock = Clock()
        await weekly_head_already_sent(database, clock)
        yield School(database, api, clock, TELEGRAM.faster(speedup * BOT_PACE))
        refused = [refusal for refusal in api.refusals if not refusal.injected]
        assert refused == [], "every call the bot made must be a valid Bot API call, within the limits"


@pytest.fixture
async def school(database: Database, request) -> AsyncIterator[School]:
    """Classes 6A (3 students) and 6B (1); a principal, a vice-principal, an administrator and two
    teachers: GV01 homeroom 6A, Toán in 6A and 6B; GV02 homeroom 6B, Ngữ văn in 6A and 6B."""
    await set_up_school(database)
    async with UnitOfWork(database) as uow:
        today = datetime(2025, 10, 14).date()
        await import_roster(uow.roster, YEAR, Table(HEADERS, list(enumerate(ROWS, start=2))), today)
        await import_staff(uow.staff, YEAR, Table(STAFF_HEADERS, list(enumerate(STAFF, start=2))), today)
        await uow.commit()
    async with bot_api_over(database, speedup(request)) as ready:
        yield ready


@pytest.fixture
async def demo_school(database: Database, demo_template_url: str, request) -> AsyncIterator[School]:
    """The demo school of 2025-2026: twelve classes of about 40, thirty staff (GV005 teaches Toán in 6A).
    Built once per run, copied into the test's database."""
    await copy_database(demo_template_url, database)
    async with bot_api_over(database, speedup(request)) as ready:
        yield ready
