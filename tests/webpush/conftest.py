"""Web Push fixtures: the school's VAPID key in a file of the test's own, a web account to subscribe,
and the test push service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from notifications.vapid import KEY_FILE_SETTING, create_vapid_key, public_key_text
from storage.models import AccountRow
from storage.uow import UnitOfWork
from tests.webpush.push_service import PushService

NOW = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)


@pytest.fixture
def vapid(tmp_path, monkeypatch):
    path = tmp_path / "sodiem-vapid.pem"
    monkeypatch.setenv(KEY_FILE_SETTING, str(path))
    return create_vapid_key(path)


@pytest.fixture
def server_key(vapid) -> str:
    return public_key_text(vapid)


async def web_account(database, name: str) -> int:
    async with UnitOfWork(database) as uow:
        row = AccountRow(channel="web", external_id=name, language="vi", linked_at=NOW)
        uow.session.add(row)
        await uow.session.flush()
        await uow.commit()
        return row.id


@pytest.fixture
async def push_service() -> AsyncIterator[PushService]:
    service = PushService()
    await service.start()
    yield service
    await service.stop()
