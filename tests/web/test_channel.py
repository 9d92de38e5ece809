"""The web as a channel: a message for a web-linked person lands in their web chat through the outbox
(once), and the notifier (Web Push) is told; /phien lists a person's browsers and signs one or all out,
from Telegram or from the web chat itself; /web sends a one-time sign-in link."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage.models import AccountRow, RefusalRow
from storage.models.web import WebSessionRow
from storage.outbox_store import Outgoing
from storage.uow import UnitOfWork


async def web_account(front) -> AccountRow:
    async with UnitOfWork(front.school.database, read_only=True) as uow:
        return (await uow.session.scalars(select(AccountRow).where(AccountRow.channel == "web"))).one()


async def test_an_outbox_message_reaches_the_web_chat_once_and_the_notifier_hears_of_it(front):
    parent = front.browser()
    try:
        await parent.sign_in(await front.school.invite_parent("HS001"))
        account = await web_account(front)
        async with UnitOfWork(front.school.database) as uow:
            message = Outgoing(
                "web-1", "web", account.external_id, "Phụ huynh", "Họp phụ huynh lúc 7:30 thứ Bảy"
            )
            await uow.outbox.enqueue([message], datetime.now(UTC) - timedelta(seconds=1))
            await uow.commit()
        await front.school.outbox_settled()
        shown = await parent.wait_for(lambda m: m["text"] == "Họp phụ huynh lúc 7:30 thứ Bảy")
        assert shown["from_bot"]
        assert front.notifier.sent == [(account.id, "Sổ điểm", "Họp phụ huynh lúc 7:30 thứ Bảy", "/")]
        chat = await parent.chat()
        assert [m["text"] for m in chat["messages"]].count("Họp phụ huynh lúc 7:30 thứ Bảy") == 1
    finally:
        await parent.close()


async def test_sessions_are_listed_and_signed_out_from_telegram(front):
    code = await front.school.invite_staff("GV01")
    toan = front.school.api.person(2001, "Toàn")
    phone, laptop = front.browser(), front.browser()
    try:
        toan.send_command(f"/start {code}")
        await toan.next_message()
        await phone.sign_in(await front.school.invite_staff("GV01"))
        await laptop.sign_in(await front.school.invite_staff("GV01"))
        toan.send_command("/phien")
        listing = await toan.wait_for(lambda m: "Đăng xuất tất cả" in m.button_texts)
        assert listing.text.startswith("Bạn đang đăng nhập trên 2 trình duyệt:")
        assert "Chrome / Android" in listing.text
        # someone else's session id in the button's data: refused and recorded, nothing ended
        toan.press_data(listing.message_id, "ses:end:999")
        await toan.wait_for(lambda m: m.message_id > listing.message_id)
        async with UnitOfWork(front.school.database, read_only=True) as uow:
            refused = await uow.session.scalar(
                select(RefusalRow.detail).where(RefusalRow.action == "sessions")
            )
            assert refused == "ses:end:999"
            assert await uow.session.scalar(select(func.count()).select_from(WebSessionRow)) == 2
        toan.press("Đăng xuất trình duyệt 1", listing)
        ended = await toan.wait_for(lambda m: m.text.startswith("Đã đăng xuất."))
        assert "1 trình duyệt" in ended.text
        statuses = []
        for browser in (phone, laptop):
            async with browser.http.get("/api/chat") as response:
                statuses.append(response.status)
        assert sorted(statuses) == [200, 401]
        toan.press("Đăng xuất tất cả", ended)
        await toan.wait_for(lambda m: m.text.startswith("Đã đăng xuất.\n\nBạn chưa đăng nhập"))
        async with laptop.http.get("/api/chat") as one, phone.http.get("/api/chat") as other:
            assert (one.status, other.status) == (401, 401)
    finally:
        await phone.close()
        await laptop.close()


async def test_a_person_linked_on_telegram_gets_a_one_time_sign_in_link(front):
    code = await front.school.invite_staff("GV02")
    van = front.school.api.person(2002, "Văn")
    browser = front.browser()
    try:
        van.send_command(f"/start {code}")
        await van.next_message()
        van.send_command("/web")
        sent = await van.wait_for(lambda m: "/signin?code=" in m.text)
        link = re.search(r"http://127\.0\.0\.1/signin\?code=(\w+)", sent.text)
        async with browser.http.get(f"/signin?code={link[1]}") as page:
            assert f'value="{link[1]}"' in await page.text()
        assert (await browser.sign_in(link[1])).status == 303
        await browser.say("/menu")
        menu = await browser.wait_for(lambda m: bool(m.get("reply_markup")))
        assert "Lê Thị Văn" in menu["text"]
        other = front.browser()
        try:
            assert (await other.sign_in(link[1])).status == 400, "the link works once"
        finally:
            await other.close()
    finally:
        await browser.close()


async def test_a_parent_on_the_web_receives_the_released_card_and_sees_only_their_child(demo_front):
    from tests.bot.test_notices import student_codes
    from tests.bot.test_notices_report_cards import child
    from tests.bot.test_score_entry import link
    from tests.exports.conftest import fill_class

    school = demo_front.school
    await fill_class(school.database, "6A", semesters=(1,))
    codes = await student_codes(school.database, "6A")
    _, name, _ = await child(school.database, codes[0])
    _, other, _ = await child(school.database, codes[1])
    teacher, vice = school.api.person(1, "Cô chủ nhiệm 6A"), school.api.person(2, "Thầy Phó hiệu trưởng")
    parent = demo_front.browser()
    try:
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        await parent.sign_in(await school.invite_parent(codes[0]))
        teacher.send_command("/phieulienlac")
        teacher.press("Giữa học kỳ I", await teacher.wait_for(lambda m: "Giữa học kỳ I" in m.button_texts))
        prepared = await teacher.wait_for(lambda m: m.text.startswith("Phiếu liên lạc lớp 6A — "), timeout=90)
        teacher.press("📨 Gửi Phó hiệu trưởng duyệt", prepared)
        request = await vice.wait_for(lambda m: m.text.startswith("🗂 Phiếu liên lạc chờ duyệt"), timeout=90)
        vice.press("✅ Duyệt và gửi phụ huynh", request)
        card = await parent.wait_for(
            lambda m: "PHIẾU LIÊN LẠC · Giữa học kỳ I" in m.get("text", ""), timeout=90
        )
        assert f"Họ và tên: {name}" in card["text"]
        account = await web_account(demo_front)
        await demo_front.school.outbox_settled()  # the push follows the card into the chat
        assert {sent[0] for sent in demo_front.notifier.sent} == {account.id}
        await parent.say("/ketqua")
        choice = await parent.wait_for(lambda m: m.get("text", "").startswith("Kết quả đã công bố"))
        labels = [b["text"] for row in choice["reply_markup"]["inline_keyboard"] for b in row]
        assert labels and all(other not in label for label in labels)
        assert (await parent.press(choice, labels[0])).status == 200
        shown = await parent.wait_for(
            lambda m: m["message_id"] >= choice["message_id"] and "Toán" in m.get("text", "")
        )
        assert name in shown["text"]
        chat = await parent.chat()
        texts = [m.get("text") or m.get("caption") or "" for m in chat["messages"]]
        assert not any(other in text for text in texts), "only their own child"
    finally:
        await parent.close()
