"""The sandbox through its page, in headless Chromium: a homeroom teacher picks who she is, opens the
menu and takes today's attendance of 6A; people switch, the page goes English, files arrive, and a
reset brings back the pristine school. Screenshots of the main screens are kept under tests/artifacts/."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from telegram import Bot

from locales import translator
from notifications.telegram_request import AiohttpRequest
from sandbox.service import TOKEN
from storage.models import AbsenceRow, ClassRow, ScoreRow, StudentRow, SubjectRow

pytest.importorskip("playwright")
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from tests.sandbox.conftest import SANDBOX_GROUP

pytestmark = SANDBOX_GROUP

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")  # Playwright's loop must be gone before other modules use asyncio
def browser():
    """Debian's headless chromium driven by Playwright (never a browser Playwright downloads)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make system` installs Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
vi, en = translator("vi"), translator("en")
DONE = re.compile(r"\bdone\b")


def open_page(browser, running, viewport) -> Page:
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(20_000)
    page.goto(running.url)
    expect(page.locator("#overlay")).to_be_hidden()
    return page


def last_bot_message(page: Page):
    return page.locator(".message.bot").last


def tap(page: Page, label: str | re.Pattern) -> None:
    """Taps an inline button of the bot's last message that has buttons."""
    page.locator(".message.bot:has(.buttons)").last.get_by_role("button", name=label).click()


def send(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.locator("#composer button").click()


def task(page: Page, key: str):
    return page.locator(f'[data-task="sandbox.tour.{key}"]')


def screenshot(page: Page, artifacts, name: str, viewport: dict) -> None:
    """Saves the screen and checks it is the size asked for and far from blank."""
    png = page.screenshot(path=artifacts / name)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (viewport["width"], viewport["height"])
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) >= 50, f"{name} looks blank: {len(colours or [])} colours"
    commonest = max(count for count, _ in colours)
    assert commonest < 0.8 * image.size[0] * image.size[1], f"{name} is mostly one colour"


async def absences_today(running) -> dict[str, str]:
    async with running.sandbox.database.session(read_only=True) as session:
        rows = await session.execute(
            select(StudentRow.full_name, AbsenceRow.mark)
            .join(StudentRow, StudentRow.id == AbsenceRow.student_id)
            .join(ClassRow, ClassRow.id == AbsenceRow.class_id)
            .where(ClassRow.name == "6A", AbsenceRow.day == running.sandbox.today())
        )
        return dict(rows.all())


def test_a_homeroom_teacher_picks_who_she_is_opens_the_menu_and_takes_todays_attendance(
    sandbox, browser, artifacts
):
    page = open_page(browser, sandbox, DESKTOP)
    screenshot(page, artifacts, "desktop-start.png", DESKTOP)
    page.locator('[data-persona="homeroom"]').click()
    chat = page.locator("#messages")
    expect(chat).to_contain_text("Nguyễn Ngọc Ngân")  # linked by the sandbox itself: the welcome is there
    expect(task(page, "homeroom.menu")).not_to_have_class(DONE)

    send(page, "/menu")
    expect(page.locator(".message.me").last).to_have_text("/menu")
    expect(task(page, "homeroom.menu")).to_have_class(DONE)

    tap(page, vi("attendance.menu_button"))
    today = vi.date(sandbox.sandbox.today())
    expect(last_bot_message(page)).to_contain_text(f"📋 Điểm danh 6A, {today}")
    first = page.locator(".message.bot:has(.buttons)").last.get_by_role("button", name=re.compile(r"^1\. "))
    first_label = first.inner_text()
    first.click()  # once: absent with permission
    expect(page.get_by_role("button", name=re.compile(r"^1\. .*\(P\)$"))).to_be_visible()
    tap(page, vi("attendance.save"))
    expect(last_bot_message(page)).to_contain_text("Lưu điểm danh này?")
    screenshot(page, artifacts, "desktop-attendance-confirm.png", DESKTOP)
    tap(page, vi("attendance.confirm_button"))
    expect(last_bot_message(page)).to_contain_text("✅ Đã lưu điểm danh.")
    expect(task(page, "homeroom.attendance")).to_have_class(DONE)
    screenshot(page, artifacts, "desktop-attendance-saved.png", DESKTOP)

    saved = sandbox.call(absences_today(sandbox))
    assert list(saved.values()) == ["P"] and first_label.startswith("1. ")
    assert list(saved)[0].endswith(first_label[3:].removesuffix(" ✓").split()[-1])
    page.close()


def test_on_a_phone_people_switch_with_one_click_each_with_their_own_chat(sandbox, browser, artifacts):
    page = open_page(browser, sandbox, PHONE)
    page.locator('[data-persona="parent"]').click()
    expect(page.locator("#chat-who")).to_contain_text(vi("sandbox.persona.parent"))
    send(page, "/con")
    expect(last_bot_message(page)).to_contain_text("6A")
    screenshot(page, artifacts, "phone-parent.png", PHONE)

    page.locator('[data-persona="vice_principal"]').click()
    expect(page.locator(".message.me")).to_have_count(1)  # only her own /start: the parent's /con is not here
    expect(page.locator("#messages")).to_contain_text("Phan Công Việt")
    page.locator("#tour-box summary").click()
    expect(task(page, "vice_principal.approve_correction")).not_to_have_class(DONE)
    screenshot(page, artifacts, "phone-vice-principal-tour.png", PHONE)

    page.locator('[data-persona="parent"]').click()
    expect(page.locator(".message.me").last).to_have_text("/con")
    expect(task(page, "parent.children")).to_have_class(DONE)

    page.locator('[data-persona="homeroom"]').click()
    tap(page, vi("attendance.menu_button"))
    expect(last_bot_message(page)).to_contain_text("📋 Điểm danh 6A")
    newest = page.locator(".message.bot:has(.buttons)").last.locator("button").last
    expect(newest).to_be_in_viewport()  # the chat follows its newest message, tour open or not
    screenshot(page, artifacts, "phone-attendance.png", PHONE)
    page.close()


def test_the_page_and_the_bot_speak_english_at_one_switch(sandbox, browser, artifacts):
    page = open_page(browser, sandbox, DESKTOP)
    page.select_option("#language", "en")
    expect(page.locator("#reset")).to_have_text(en("sandbox.page.reset"))
    page.locator('[data-persona="subject"]').click()
    expect(page.locator('[data-persona="subject"] .role')).to_have_text(en("sandbox.persona.subject"))
    send(page, "/menu")
    expect(last_bot_message(page).get_by_role("button", name=en("bot.menu.help"))).to_be_visible()
    expect(task(page, "subject.menu")).to_have_text(re.compile(re.escape(en("sandbox.tour.subject.menu"))))
    screenshot(page, artifacts, "desktop-english.png", DESKTOP)
    page.close()


def test_documents_come_with_a_download_link_and_pictures_are_shown(sandbox, browser):
    png = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 40, 40)).save(png, format="PNG")
    table = "Họ và tên;Điểm\nVõ Thị Linh;8,5\n".encode()

    async def bot_sends() -> None:  # as an export will: a PTB bot over sodiem's HTTP client
        bot = Bot(TOKEN, base_url=sandbox.sandbox.local.base_url, request=AiohttpRequest())
        await bot.request.initialize()
        try:
            await bot.send_document(7004, table, filename="bảng điểm 6A.csv")
            await bot.send_photo(7004, png.getvalue(), filename="chart.png")
        finally:
            await bot.request.shutdown()

    sandbox.call(bot_sends())
    page = open_page(browser, sandbox, DESKTOP)
    page.locator('[data-persona="parent"]').click()
    link = page.locator("a.document")
    expect(link).to_have_text("bảng điểm 6A.csv")
    assert page.request.get(sandbox.url + link.get_attribute("href")).body() == table
    picture = page.locator(".bubble img")
    expect(picture).to_be_visible()
    assert picture.evaluate("image => [image.naturalWidth, image.naturalHeight]") == [120, 80]
    page.close()


def test_start_over_brings_back_the_pristine_school_and_empty_chats(sandbox, browser, artifacts):
    page = open_page(browser, sandbox, DESKTOP)
    page.locator('[data-persona="subject"]').click()
    send(page, "/menu")
    expect(task(page, "subject.menu")).to_have_class(DONE)
    generation = sandbox.get("/sandbox/state")["generation"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#reset").click()
    expect(page.locator("#overlay")).to_be_hidden(timeout=60_000)
    expect(page.locator(".message.me")).to_have_count(1)  # the /start the sandbox wrote, nothing else
    expect(task(page, "subject.menu")).not_to_have_class(DONE)
    assert sandbox.get("/sandbox/state")["generation"] == generation + 1
    page.close()


async def saved_score(running, student_name: str) -> str:
    async with running.sandbox.database.session(read_only=True) as session:
        return await session.scalar(
            select(ScoreRow.value)
            .join(StudentRow, StudentRow.id == ScoreRow.student_id)
            .join(ClassRow, ClassRow.id == ScoreRow.class_id)
            .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
            .where(ClassRow.name == "6B", SubjectRow.code == "TOAN", StudentRow.full_name == student_name)
            .where(ScoreRow.kind == "regular", ScoreRow.position == 1, ScoreRow.semester == 1)
        )


def test_a_teacher_asks_for_a_correction_and_the_vice_principal_approves_it(sandbox, browser, artifacts):
    page = open_page(browser, sandbox, DESKTOP)
    page.locator('[data-persona="subject"]').click()
    send(page, "/suadiem")
    for label in ("6B", "Toán", "HK 1", "ĐĐGtx 1"):
        tap(page, label)
    first = page.locator(".message.bot:has(.buttons)").last.get_by_role("button", name=re.compile(r"^1\. "))
    name, old = first.inner_text()[3:].rsplit(": ", 1)
    new = "10" if old != "10" else "9"
    first.click()
    expect(last_bot_message(page)).to_contain_text("Gửi giá trị mới")
    send(page, new)
    expect(last_bot_message(page)).to_contain_text("Lý do chỉnh sửa")
    send(page, "Nhập nhầm dòng")
    tap(page, "Bỏ qua, không có ảnh")
    tap(page, "📨 Gửi đề nghị")
    expect(last_bot_message(page)).to_contain_text("Đã gửi phiếu chỉnh điểm #")
    expect(task(page, "subject.ask_correction")).to_have_class(DONE)

    page.locator('[data-persona="vice_principal"]').click()
    expect(page.locator(".message.bot:has(.buttons)").last).to_contain_text(f"Học sinh: {name}")
    screenshot(page, artifacts, "desktop-correction-card.png", DESKTOP)
    tap(page, "✅ Duyệt")
    expect(page.locator("#messages")).to_contain_text("Điểm đã được sửa")
    expect(task(page, "vice_principal.approve_correction")).to_have_class(DONE)
    assert float(sandbox.call(saved_score(sandbox, name))) == float(new)
    page.close()
