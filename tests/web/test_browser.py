"""The web chat in headless Chromium (Debian's, driven by Playwright's async API on the test's own event
loop, beside the server): a homeroom teacher signs in with her code on a 360-pixel phone and takes today's
attendance of 6A; she sends a photo from the phone's camera; a student whose name holds a <script> is
shown as text; the vice-principal in another browser context signs in and sees the school; a parent signs
in and sees only their child. Through the real server and the real bot, on both databases."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from locales import translator
from storage.models import AbsenceRow, StudentRow
from storage.uow import UnitOfWork

pytest.importorskip("playwright")
from playwright.async_api import Page, async_playwright, expect  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
SCRIPT = "<script>alert(1)</script>"
SCRIPT_NAME = f"Lê Văn {SCRIPT}"  # the given name (shown on the attendance buttons) is the script
vi = translator("vi")


@pytest.fixture
async def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make system` installs Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        await browser.close()


async def sign_in(chromium, front, code: str) -> Page:
    context = await chromium.new_context(viewport=PHONE, locale="vi-VN")
    page = await context.new_page()
    page.set_default_timeout(20_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.dialogs = dialogs
    await page.goto(front.url)
    await expect(page).to_have_url(re.compile(r"/signin$"))
    await page.fill("#code", code)
    await page.click("#submit")
    await expect(page.locator("#composer")).to_be_visible()
    return page


async def send(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.locator("#send").click()
    await expect(page.locator(".message.me").last).to_have_text(text)


async def tap(page: Page, label: str | re.Pattern) -> None:
    await page.locator(".message.bot:has(.buttons)").last.get_by_role("button", name=label).click()


def last_bot_message(page: Page):
    return page.locator(".message.bot").last


async def test_staff_and_a_parent_use_the_web_chat_on_their_phones(front, chromium, tmp_path):
    database = front.school.database
    async with UnitOfWork(database) as uow:
        await uow.session.execute(
            update(StudentRow).where(StudentRow.code == "HS002").values(full_name=SCRIPT_NAME)
        )
        await uow.commit()

    teacher = await sign_in(chromium, front, await front.school.invite_staff("GV01"))
    assert await teacher.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await send(teacher, "/menu")
    await tap(teacher, vi("attendance.menu_button"))
    await expect(last_bot_message(teacher)).to_contain_text("📋 Điểm danh 6A")
    await expect(last_bot_message(teacher)).to_contain_text(SCRIPT)  # as text, on a button
    first = teacher.locator(".message.bot:has(.buttons)").last.get_by_role(
        "button", name=re.compile(r"^1\. ")
    )
    await first.click()  # once: absent with permission
    await expect(teacher.get_by_role("button", name=re.compile(r"^1\. .*\(P\)$"))).to_be_visible()
    await tap(teacher, vi("attendance.save"))
    await expect(last_bot_message(teacher)).to_contain_text("Lưu điểm danh này?")
    await tap(teacher, vi("attendance.confirm_button"))
    await expect(last_bot_message(teacher)).to_contain_text("✅ Đã lưu điểm danh.")
    async with UnitOfWork(database, read_only=True) as uow:
        absences = list(await uow.session.scalars(select(AbsenceRow)))
    assert [absence.mark for absence in absences] == ["P"]
    assert teacher.dialogs == [], "the name's <script> never ran"
    await teacher.screenshot(path=tmp_path / "phone-attendance.png")

    photo = tmp_path / "paper.png"
    Image.new("RGB", (64, 48), "#c33").save(photo)
    await teacher.locator("#photo").set_input_files(str(photo))
    await expect(teacher.locator(".message.me img").last).to_be_visible()
    shown = await teacher.locator(".message.me img").last.evaluate("image => image.naturalWidth")
    assert shown == 64

    vice = await sign_in(chromium, front, await front.school.invite_staff("CB02"))
    await send(vice, "/lop")
    await expect(last_bot_message(vice)).to_contain_text("6B")

    parent = await sign_in(chromium, front, await front.school.invite_parent("HS001"))
    await send(parent, "/con")
    await expect(last_bot_message(parent)).to_contain_text("Nguyễn Văn Bình")
    await expect(parent.locator("#messages")).not_to_contain_text(SCRIPT)
    await expect(teacher.locator("#messages")).not_to_contain_text("/con"), "each their own chat"
    png = await parent.screenshot()
    assert Image.open(io.BytesIO(png)).size == (PHONE["width"], PHONE["height"])
