"""Web Push end to end, through ``sodiem run``'s own pieces: a parent signs in on the web and turns
notifications on (the page's API with a browser's key pair); the homeroom teacher writes a class notice,
the vice-principal approves it, the notice lands in the parent's web chat once, and the parent's
browser is told by Web Push — a push service that checks the school's VAPID signature and decrypts
what it was sent records it. Both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from locales import translator
from notifications.vapid import KEY_FILE_SETTING, create_vapid_key, public_key_text, read_vapid_key
from storage.models.webpush import PushSubscriptionRow
from storage.uow import UnitOfWork
from tests.bot.test_notices import HEADER_6A, write_class_notice
from tests.bot.test_score_entry import link
from tests.web.conftest import running
from tests.webpush.push_service import FAKE_PUSH_MANAGER, PushService

pytest.importorskip("playwright")
from playwright.async_api import async_playwright, expect  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")

NOTICE = "Họp phụ huynh thứ Bảy 18/10 lúc 7g30 tại phòng 6A."


@pytest.fixture
async def push_service():
    service = PushService()
    await service.start()
    yield service
    await service.stop()


async def test_a_parent_on_the_web_hears_of_an_approved_notice_by_web_push(school, push_service, tmp_path):
    vapid = create_vapid_key(tmp_path / "sodiem-vapid.pem")
    environ = {
        KEY_FILE_SETTING: str(tmp_path / "sodiem-vapid.pem"),
        "SODIEM_WEBPUSH_LOOPBACK": "1",
        "SODIEM_VAPID_SUBJECT": "mailto:admin@truong.edu.vn",
    }
    async with running(school, environ) as front:
        parent = front.browser()
        try:
            assert (await parent.sign_in(await school.invite_parent("HS001"))).status == 303
            async with parent.http.get("/push/key") as answer:
                key = await answer.json()
            assert key["publicKey"] == public_key_text(vapid)
            device = push_service.subscribe(key["publicKey"])
            refused = await parent.post(
                "/push/subscribe", device.subscription(push_service.base_url), csrf=False
            )
            assert refused.status == 403  # no CSRF token: the session middleware refuses
            subscribed = await parent.post("/push/subscribe", device.subscription(push_service.base_url))
            assert subscribed.status == 200

            teacher, vice = school.api.person(21, "Cô Toàn"), school.api.person(22, "Thầy Phó")
            await link(school, teacher, "GV01")
            await link(school, vice, "CB02")
            await write_class_notice(teacher, NOTICE)
            request = await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
            assert push_service.received == []  # nothing before the approval
            vice.press("✅ Duyệt và gửi", request)
            await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))

            shown = await parent.wait_for(lambda m: m.get("text", "").startswith(HEADER_6A), timeout=30)
            assert shown["text"] == f"{HEADER_6A}\n\n{NOTICE}"
            (pushed,) = await push_service.wait_for(1, timeout=30)
            assert pushed.token == device.token and push_service.rejected == []
            assert pushed.message["body"].startswith(HEADER_6A) and pushed.message["url"] == "/"
            await school.outbox_settled()
            assert len(push_service.received) == 1  # once
            async with UnitOfWork(school.database, read_only=True) as uow:
                (row,) = await uow.session.scalars(select(PushSubscriptionRow))
            assert row.last_success_at is not None
        finally:
            await parent.close()


async def test_a_parent_turns_notifications_on_in_the_chat_page_and_hears_of_a_notice(
    school, push_service, tmp_path
):
    """The same in headless Chromium on the real chat page: the parent presses the page's button and
    allows notifications; the browser subscribes (at the test push service: see push_service.py)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `make system` installs Debian's chromium package")
    create_vapid_key(tmp_path / "sodiem-vapid.pem")
    environ = {
        KEY_FILE_SETTING: str(tmp_path / "sodiem-vapid.pem"),
        "SODIEM_WEBPUSH_LOOPBACK": "1",
        "SODIEM_VAPID_SUBJECT": "mailto:admin@truong.edu.vn",
    }
    async with running(school, environ) as front, async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        context = await chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
        await context.grant_permissions(["notifications"], origin=front.url)
        device = push_service.subscribe(public_key_text(read_vapid_key(tmp_path / "sodiem-vapid.pem")))
        await context.add_init_script(
            FAKE_PUSH_MANAGER % json.dumps(device.subscription(push_service.base_url))
        )
        page = await context.new_page()
        page.set_default_timeout(20_000)
        await page.goto(front.url)
        await page.fill("#code", await school.invite_parent("HS001"))
        await page.click("#submit")
        button = page.locator("[data-sodiem-push]")
        await expect(button).to_have_text("Bật thông báo trên máy này")
        await button.click()
        await expect(page.locator("[data-sodiem-push-status]")).to_have_text(
            "Đã bật thông báo: máy này sẽ báo khi có tin mới."
        )

        teacher, vice = school.api.person(21, "Cô Toàn"), school.api.person(22, "Thầy Phó")
        await link(school, teacher, "GV01")
        await link(school, vice, "CB02")
        await write_class_notice(teacher, NOTICE)
        request = await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        vice.press("✅ Duyệt và gửi", request)
        await expect(page.locator(".message.bot").last).to_contain_text(NOTICE, timeout=30_000)
        (pushed,) = await push_service.wait_for(1, timeout=30)
        assert pushed.token == device.token and pushed.message["body"].startswith(HEADER_6A)
        await chromium.close()


async def test_a_parent_who_chooses_english_in_the_chat_gets_the_page_and_its_notification_texts_in_english(
    school, tmp_path
):
    en = translator("en")
    create_vapid_key(tmp_path / "sodiem-vapid.pem")
    async with running(school, {KEY_FILE_SETTING: str(tmp_path / "sodiem-vapid.pem")}) as front:
        parent = front.browser("vi-VN,vi;q=0.9")  # the phone itself is in Vietnamese
        try:
            assert (await parent.sign_in(await school.invite_parent("HS001"))).status == 303
            await parent.say("/ngonngu")
            choices = await parent.wait_for(lambda m: "reply_markup" in m)
            await parent.press(choices, en("language.name"))
            await parent.wait_for(lambda m: m["text"].startswith(en("bot.language.set")))

            async with parent.http.get("/") as page:
                html = await page.text()
            assert '<html lang="en">' in html and en("web.chat.placeholder") in html
            async with parent.http.get("/push/key") as answer:
                texts = (await answer.json())["texts"]
            assert texts["enable"] == en("webpush.ui.enable")
        finally:
            await parent.close()
