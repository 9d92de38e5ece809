"""The real application, polling the local Bot API, over a small school in a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import build_application
from bot.config import load_settings
from cli.demo import create_demo_school
from domain.identity import PersonKind, PersonRef, create_invite
from domain.importing import Table
from domain.roster import import_roster
from domain.staff import import_staff
from localapi import LocalBotApi
from storage.db import Database
from storage.models import StaffRow, StudentRow
from storage.uow import UnitOfWork
from tests.storage.helpers import HEADERS, ROWS, YEAR, set_up_school

TOKEN = "123456:TEST-token"
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
    async def bot_running(self) -> AsyncIterator[None]:
        settings = load_settings(
            {
                "SODIEM_TELEGRAM_TOKEN": TOKEN,
                "SODIEM_TELEGRAM_API_URL": self.api.base_url,
                "SODIEM_DATABASE_URL": self.database.url,
            }
        )
        application = build_application(settings, self.database, self.clock)
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


@asynccontextmanager
async def bot_api_over(database: Database) -> AsyncIterator[School]:
    async with LocalBotApi(TOKEN, rate_limits=True) as api:
        yield School(database, api, Clock())
        refused = [refusal for refusal in api.refusals if not refusal.injected]
        assert refused == [], "every call the bot made must be a valid Bot API call, within the limits"


@pytest.fixture
async def school(database: Database) -> AsyncIterator[School]:
    """Classes 6A (3 students) and 6B (1); a principal, a vice-principal, an administrator and two
    teachers: GV01 homeroom 6A, Toán in 6A and 6B; GV02 homeroom 6B, Ngữ văn in 6A and 6B."""
    await set_up_school(database)
    async with UnitOfWork(database) as uow:
        today = datetime(2025, 10, 14).date()
        await import_roster(uow.roster, YEAR, Table(HEADERS, list(enumerate(ROWS, start=2))), today)
        await import_staff(uow.staff, YEAR, Table(STAFF_HEADERS, list(enumerate(STAFF, start=2))), today)
        await uow.commit()
    async with bot_api_over(database) as ready:
        yield ready


@pytest.fixture
async def demo_school(database: Database) -> AsyncIterator[School]:
    """The demo school of 2025-2026: twelve classes of about 40, thirty staff (GV005 teaches Toán in 6A)."""
    await create_demo_school(database, YEAR)
    async with bot_api_over(database) as ready:
        yield ready
