"""The web chat in headless Chromium (Debian's, driven by Playwright's async API on the test's own event
loop, beside the server): a homeroom teacher signs in with her code on a 360-pixel phone and takes today's
attendance of 6A; she sends a photo from the phone's camera; a student whose name holds a <script> is
shown as text; the vice-principal in another browser context signs in and sees the school; a parent signs
in and sees only their child. Through the real server and the real bot, on both databases."""

from __future__ import annotations

import asyncio
import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from locales import translator
from storage.models import AbsenceRow, CorrectionRow, StudentRow
from storage.uow import UnitOfWork

pytest.importorskip("playwright")
from playwright.async_api import BrowserContext, Page, Route, async_playwright, expect  # noqa: E402

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


async def sign_in(chromium, front, code: str, context: BrowserContext | None = None) -> Page:
    context = context or await chromium.new_context(viewport=PHONE, locale="vi-VN")
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


async def test_a_message_sent_before_the_page_is_ready_waits_for_it_instead_of_being_lost(
    front, chromium, tmp_path
):
    """On a slow phone the chat's script arrives after the page: until it has, Send cannot be tapped
    (a tap would have submitted the page itself and the message would be gone)."""
    script_may_load = asyncio.Event()

    async def hold_the_script(route: Route) -> None:
        await script_may_load.wait()
        await route.continue_()

    context = await chromium.new_context(viewport=PHONE, locale="vi-VN")
    await context.route("**/static/chat.js", hold_the_script)
    teacher = await sign_in(chromium, front, await front.school.invite_staff("GV01"), context)
    for control in ("#text", "#send", "#photo"):
        await expect(teacher.locator(control)).to_be_disabled()
    await teacher.screenshot(path=tmp_path / "phone-waiting-for-the-script.png")
    await teacher.locator("#send").click(force=True)  # a tap at once: nothing happens, nothing is lost
    assert teacher.url.endswith("/"), "the page was not submitted"

    script_may_load.set()
    await expect(teacher.locator("#send")).to_be_enabled()
    await send(teacher, "/menu")
    await expect(last_bot_message(teacher)).to_contain_text(vi("attendance.menu_button"))
    assert "?" not in teacher.url, "the page was never submitted"


async def tap_first(page: Page, label: str) -> None:
    """Taps the first button labelled so on the bot's newest message that shows it."""
    button = page.locator(".message.bot").filter(has=page.get_by_role("button", name=label)).last
    await button.get_by_role("button", name=label).first.click()


async def test_a_column_of_40_scores_with_a_typo_fixed_then_a_correction_with_a_photo_approved(
    demo_front, chromium, tmp_path
):
    database = demo_front.school.database
    teacher = await sign_in(chromium, demo_front, await demo_front.school.invite_staff("GV005"))
    await send(teacher, "/nhapdiem")
    for label in ("6A · Toán", "HK 1 •", "ĐĐGtx 1"):
        await tap_first(teacher, label)
    await expect(last_bot_message(teacher)).to_contain_text("Gửi giá trị của cả lớp")
    prompt = await last_bot_message(teacher).inner_text()
    count = len(re.findall(r"^\d+\. ", prompt, re.MULTILINE))
    assert count >= 35
    values = (["8", "7,5", "9", "10", "6,5"] * 9)[:count]
    values[2] = "85"  # the comma forgotten
    await send(teacher, " ".join(values))
    await expect(last_bot_message(teacher)).to_contain_text("«85» lớn hơn 10 — có phải 8,5?")
    await send(teacher, "3=8,5")
    await tap_first(teacher, "✅ Lưu cột điểm")
    await expect(last_bot_message(teacher)).to_contain_text(f"{count} điểm mới, 0 không đổi")

    vice = await sign_in(chromium, demo_front, await demo_front.school.invite_staff("CB002"))
    await send(teacher, "/suadiem")
    for label in ("6A", "Toán", "HK 1", "ĐĐGtx 1", "1. "):
        await tap_first(teacher, label)
    await expect(last_bot_message(teacher)).to_contain_text("Gửi giá trị mới")
    await send(teacher, "9")
    await send(teacher, "Chép nhầm từ bài kiểm tra")
    await expect(last_bot_message(teacher)).to_contain_text("Gửi ảnh minh chứng")
    paper = tmp_path / "paper.png"
    Image.new("RGB", (48, 36), "#ddd").save(paper)
    await teacher.locator("#photo").set_input_files(str(paper))
    await expect(last_bot_message(teacher)).to_contain_text("Minh chứng: 1 ảnh")
    await tap_first(teacher, "📨 Gửi đề nghị")
    await expect(teacher.locator("#messages")).to_contain_text("Đã gửi phiếu chỉnh điểm #")

    await expect(vice.locator("#messages")).to_contain_text("Lý do: Chép nhầm từ bài kiểm tra")
    await expect(vice.locator(".message.bot img").last).to_be_visible()  # the teacher's photo
    await tap_first(vice, "✅ Duyệt")
    await expect(teacher.locator("#messages")).to_contain_text("Điểm đã được sửa", timeout=30_000)
    async with UnitOfWork(database, read_only=True) as uow:
        status = await uow.session.scalar(select(CorrectionRow.status))
    assert status == "approved"
