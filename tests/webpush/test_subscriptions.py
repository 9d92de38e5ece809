"""A browser's subscription is checked before it is kept; a person's browsers are theirs alone."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from domain.errors import DomainError
from services.web_push import MAX_PER_ACCOUNT, subscribe, subscriptions_of, unsubscribe
from storage.models import AccountRow
from storage.uow import UnitOfWork
from tests.webpush.conftest import NOW, web_account
from tests.webpush.push_service import Browser, b64url

FCM = "https://fcm.googleapis.com/fcm/send"


def browser_subscription(endpoint: str = f"{FCM}/abc123") -> dict:
    data = Browser("t", "k").subscription("https://unused")
    return {**data, "endpoint": endpoint}


async def stored(database, account_id: int) -> list[str]:
    async with UnitOfWork(database, read_only=True) as uow:
        return [s.endpoint for s in await subscriptions_of(uow, account_id)]


async def test_a_browser_subscribes_and_unsubscribes(database):
    parent = await web_account(database, "parent")
    data = browser_subscription()
    async with UnitOfWork(database) as uow:
        await subscribe(uow, parent, data, NOW)
    async with UnitOfWork(database) as uow:  # the same browser again: still one subscription
        await subscribe(uow, parent, data, NOW)
    assert await stored(database, parent) == [data["endpoint"]]
    async with UnitOfWork(database) as uow:
        assert await unsubscribe(uow, parent, data["endpoint"]) is True
    assert await stored(database, parent) == []


def broken(change) -> dict:
    data = browser_subscription()
    change(data)
    return data


BAD = {
    "webpush.error.shape": [[], "text", {"endpoint": FCM}, {"endpoint": FCM, "keys": "x"}],
    "webpush.error.endpoint": [
        broken(lambda d: d.update(endpoint="http://push.example.com/x")),  # not https
        broken(lambda d: d.update(endpoint="http://127.0.0.1:8000/x")),  # loopback not allowed here
        broken(lambda d: d.update(endpoint="javascript:alert(1)")),
        broken(lambda d: d.update(endpoint="https://user:pw@push.example.com/x")),
        broken(lambda d: d.update(endpoint="https:///x")),
        broken(lambda d: d.update(endpoint="https://push.example.com/a b")),
        broken(lambda d: d.update(endpoint=42)),
    ],
    "webpush.error.endpoint_long": [broken(lambda d: d.update(endpoint=FCM + "/" + "a" * 1100))],
    "webpush.error.p256dh": [
        broken(lambda d: d["keys"].update(p256dh=b64url(b"\x04" + b"\x01" * 64))),  # not on the curve
        broken(lambda d: d["keys"].update(p256dh=b64url(b"\x04" * 33))),
        broken(lambda d: d["keys"].update(p256dh="not base64!")),
        broken(lambda d: d["keys"].pop("p256dh")),
    ],
    "webpush.error.auth": [
        broken(lambda d: d["keys"].update(auth=b64url(b"x" * 15))),
        broken(lambda d: d["keys"].update(auth=b64url(b"x" * 17))),
        broken(lambda d: d["keys"].update(auth=None)),
    ],
}


@pytest.mark.parametrize(("key", "data"), [(key, data) for key, cases in BAD.items() for data in cases])
async def test_a_bad_subscription_is_refused_with_the_reason_and_nothing_kept(database, key, data):
    parent = await web_account(database, "parent")
    async with UnitOfWork(database) as uow:
        with pytest.raises(DomainError) as refused:
            await subscribe(uow, parent, data, NOW)
    assert refused.value.key == key
    assert await stored(database, parent) == []


async def test_the_test_push_service_on_loopback_only_when_allowed(database):
    parent = await web_account(database, "parent")
    data = browser_subscription("http://127.0.0.1:8123/push/abc")
    async with UnitOfWork(database) as uow:
        await subscribe(uow, parent, data, NOW, allow_loopback=True)
    async with UnitOfWork(database) as uow:
        with pytest.raises(DomainError):
            await subscribe(
                uow, parent, browser_subscription("http://10.0.0.1/push/abc"), NOW, allow_loopback=True
            )
    assert await stored(database, parent) == [data["endpoint"]]


async def test_another_persons_browser_is_not_removed_by_someone_else(database):
    parent, teacher = await web_account(database, "parent"), await web_account(database, "teacher")
    data = browser_subscription()
    async with UnitOfWork(database) as uow:
        await subscribe(uow, parent, data, NOW)
    async with UnitOfWork(database) as uow:
        assert await unsubscribe(uow, teacher, data["endpoint"]) is False
    assert await stored(database, parent) == [data["endpoint"]]


async def test_a_shared_browser_notifies_whoever_subscribed_on_it_last(database):
    parent, teacher = await web_account(database, "parent"), await web_account(database, "teacher")
    data = browser_subscription()
    async with UnitOfWork(database) as uow:
        await subscribe(uow, parent, data, NOW)
    async with UnitOfWork(database) as uow:
        await subscribe(uow, teacher, browser_subscription(data["endpoint"]), NOW)
    assert await stored(database, parent) == []
    assert await stored(database, teacher) == [data["endpoint"]]


async def test_a_new_browser_beyond_the_limit_replaces_the_oldest(database):
    parent = await web_account(database, "parent")
    for number in range(MAX_PER_ACCOUNT + 2):
        async with UnitOfWork(database) as uow:
            await subscribe(uow, parent, browser_subscription(f"{FCM}/{number}"), NOW)
    kept = await stored(database, parent)
    assert len(kept) == MAX_PER_ACCOUNT
    assert f"{FCM}/0" not in kept and f"{FCM}/1" not in kept and f"{FCM}/{MAX_PER_ACCOUNT + 1}" in kept


async def test_a_removed_account_takes_its_subscriptions_with_it(database):
    parent = await web_account(database, "parent")
    async with UnitOfWork(database) as uow:
        await subscribe(uow, parent, browser_subscription(), NOW)
    async with UnitOfWork(database) as uow:
        await uow.session.execute(delete(AccountRow).where(AccountRow.id == parent))
        await uow.commit()
    async with UnitOfWork(database, read_only=True) as uow:
        assert await uow.push_subscriptions.count() == 0
