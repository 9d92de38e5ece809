"""A notice reaches every browser of the person through a push service that checks the school's
signature and decrypts the message; a browser the service says is gone is forgotten."""

from __future__ import annotations

import logging

import pytest

from domain.errors import DomainError
from notifications.vapid import create_vapid_key
from notifications.webpush import MAX_PAYLOAD, PushSettings, WebPushNotifier, payload
from services.web_push import subscribe
from storage.uow import UnitOfWork
from tests.webpush.conftest import NOW, web_account
from tests.webpush.push_service import Browser

SETTINGS = PushSettings(subject="mailto:admin@truong.edu.vn", ttl=3600, urgency="high", timeout=5)


async def subscribed(database, account_id: int, data: dict) -> None:
    async with UnitOfWork(database) as uow:
        await subscribe(uow, account_id, data, NOW, allow_loopback=True)


async def test_a_notice_reaches_each_browser_of_the_person_decrypted(
    database, vapid, server_key, push_service
):
    parent, other = await web_account(database, "parent"), await web_account(database, "other")
    phone, laptop, elsewhere = (push_service.subscribe(server_key) for _ in range(3))
    await subscribed(database, parent, phone.subscription(push_service.base_url))
    await subscribed(database, parent, laptop.subscription(push_service.base_url))
    await subscribed(database, other, elsewhere.subscription(push_service.base_url))
    notifier = WebPushNotifier(database, vapid, SETTINGS)
    try:
        await notifier.notify(parent, "Thông báo mới", "Họp phụ huynh lớp 6A lúc 8:00 thứ Bảy", "/chat#m42")
    finally:
        await notifier.close()
    received = await push_service.wait_for(2)
    assert push_service.rejected == []
    assert {r.token for r in received} == {phone.token, laptop.token}  # not the other person's browser
    for message in received:
        assert message.message == {
            "title": "Thông báo mới",
            "body": "Họp phụ huynh lớp 6A lúc 8:00 thứ Bảy",
            "url": "/chat#m42",
        }
        assert (message.ttl, message.urgency) == (3600, "high")
    async with UnitOfWork(database, read_only=True) as uow:
        rows = await uow.push_subscriptions.of_account(parent)
    assert all(row.last_success_at is not None and row.last_failure_at is None for row in rows)


async def test_a_browser_gone_from_the_push_service_is_forgotten(
    database, vapid, server_key, push_service, caplog
):
    parent = await web_account(database, "parent")
    kept, gone = push_service.subscribe(server_key), push_service.subscribe(server_key)
    for browser in (kept, gone):
        await subscribed(database, parent, browser.subscription(push_service.base_url))
    push_service.gone.add(gone.token)
    notifier = WebPushNotifier(database, vapid, SETTINGS)
    with caplog.at_level(logging.WARNING, logger="notifications.webpush"):
        await notifier.notify(parent, "Điểm mới", "Toán: 8,5", "/chat")
    await notifier.close()
    async with UnitOfWork(database, read_only=True) as uow:
        left = [row.endpoint for row in await uow.push_subscriptions.of_account(parent)]
    assert left == [kept.subscription(push_service.base_url)["endpoint"]]
    assert len(push_service.received) == 1
    assert "410" in caplog.text and gone.token not in caplog.text  # the endpoint's secret part is not logged


async def test_a_push_signed_with_another_key_is_refused_by_the_push_service(
    database, vapid, server_key, push_service, tmp_path, caplog
):
    parent = await web_account(database, "parent")
    browser = push_service.subscribe(server_key)
    await subscribed(database, parent, browser.subscription(push_service.base_url))
    impostor = create_vapid_key(tmp_path / "other.pem")
    notifier = WebPushNotifier(database, impostor, SETTINGS)
    with caplog.at_level(logging.WARNING, logger="notifications.webpush"):
        await notifier.notify(parent, "Giả mạo", "không được nhận", "/chat")
    await notifier.close()
    assert push_service.received == []
    assert push_service.rejected == [(browser.token, "not the key the browser subscribed with")]
    async with UnitOfWork(database, read_only=True) as uow:
        (row,) = await uow.push_subscriptions.of_account(parent)
    assert row.last_failure_at is not None and row.last_success_at is None  # kept: the fault is ours
    assert "403" in caplog.text and browser.token not in caplog.text


async def test_an_unreachable_push_service_is_logged_and_does_not_raise(database, vapid, server_key, caplog):
    parent = await web_account(database, "parent")
    dead = {
        **Browser("t", server_key).subscription("http://x"),
        "endpoint": "http://127.0.0.1:9/push/secret-token",
    }
    await subscribed(database, parent, dead)
    notifier = WebPushNotifier(database, vapid, SETTINGS)
    with caplog.at_level(logging.WARNING, logger="notifications.webpush"):
        await notifier.notify(parent, "Nhắc", "Nộp điểm", "/chat")
    await notifier.close()
    assert "no answer" in caplog.text and "secret-token" not in caplog.text


def test_a_long_body_is_shortened_to_fit_one_push_message():
    data = payload("Thông báo", "Ừ" * 5000, "/chat")
    assert len(data) <= MAX_PAYLOAD
    assert data.decode().endswith('…", "url": "/chat"}')


def test_the_settings_are_read_and_a_malformed_one_is_named():
    settings = PushSettings.from_environ(
        {"SODIEM_PUBLIC_URL": "https://truong.edu.vn/", "SODIEM_WEBPUSH_TTL": "600"}
    )
    assert (settings.subject, settings.ttl, settings.urgency) == ("https://truong.edu.vn", 600, "normal")
    assert PushSettings.from_environ({}).subject == "mailto:webpush@sodiem.invalid"
    for name, value in [
        ("SODIEM_WEBPUSH_TTL", "soon"),
        ("SODIEM_WEBPUSH_PARALLEL", "0"),
        ("SODIEM_WEBPUSH_URGENCY", "urgent"),
        ("SODIEM_VAPID_SUBJECT", "admin@truong.edu.vn"),
    ]:
        with pytest.raises(DomainError) as refused:
            PushSettings.from_environ({name: value})
        assert refused.value.params["name"] == name
