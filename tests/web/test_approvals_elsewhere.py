"""A teacher on the web chat and a vice-principal on Telegram: the request reaches the leader on the
channel they use (through the outbox, with the command to open it), and the decision reaches the teacher
back on the web."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.models import StaffRow
from storage.uow import UnitOfWork
from tests.bot.test_corrections import REGULAR, saved_scores, stored
from tests.bot.test_score_entry import link
from tests.storage.helpers import class_list_names


def says(part: str):
    return lambda message: part in message.get("text", "")


def buttons(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def staff_name(school, code: str) -> str:
    async with UnitOfWork(school.database, read_only=True) as uow:
        return await uow.session.scalar(select(StaffRow.full_name).where(StaffRow.code == code))


async def press_when_offered(browser, label: str) -> None:
    message = await browser.wait_for(lambda m: any(b.startswith(label) for b in buttons(m)))
    assert (await browser.press(message, label)).status == 200


async def test_a_web_teachers_correction_reaches_the_vice_principal_on_telegram_who_approves(front):
    school = front.school
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, REGULAR, ["6", "8", "9"])
    deputy = school.api.person(2, "Thầy Phó")
    await link(school, deputy, "CB02")
    teacher = front.browser()
    try:
        assert (await teacher.sign_in(await school.invite_staff("GV01"))).status == 303
        await teacher.say("/suadiem")
        for label in ("6A", "Toán", "HK 1", "ĐĐGtx 1", f"1. {first}"):
            await press_when_offered(teacher, label)
        await teacher.wait_for(lambda m: "Gửi giá trị mới" in m.get("text", ""))
        await teacher.say("7,5")
        await teacher.wait_for(lambda m: "lý do" in m.get("text", "").lower())
        await teacher.say("Ghi nhầm điểm của bạn cùng bàn")
        await press_when_offered(teacher, "Bỏ qua, không có ảnh")
        await press_when_offered(teacher, "📨 Gửi đề nghị")
        sent = await teacher.wait_for(lambda m: "Đã gửi phiếu chỉnh điểm #" in m.get("text", ""))
        assert "Phạm Văn Phó" in sent["text"]

        told = await deputy.wait_for(lambda m: "Gõ /duyet" in m.text, timeout=30)
        assert "Điểm cũ → điểm mới: 6 → 7,5" in told.text and f"Học sinh: {first}" in told.text
        assert told.button_texts == []  # buttons only on the channel the request was made on

        deputy.send_command("/duyet")
        waiting = await deputy.wait_for(lambda m: any("6 → 7,5" in b for b in m.button_texts))
        deputy.press(next(b for b in waiting.button_texts if "6 → 7,5" in b), waiting)
        card = await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        deputy.press("✅ Duyệt", card)
        await deputy.wait_for(lambda m: "đã được Phạm Văn Phó duyệt" in m.text)

        decided = await teacher.wait_for(
            lambda m: "đã được Phạm Văn Phó duyệt" in m.get("text", ""), timeout=30
        )
        assert "Điểm đã được sửa" in decided["text"]
        assert await stored(school, REGULAR) == ["7.5", "8", "9"]
    finally:
        await teacher.close()


async def test_report_cards_submitted_on_the_web_are_approved_on_telegram_with_phieulienlac(demo_front):
    school = demo_front.school
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    await link(school, vice, "CB002")
    teacher = demo_front.browser()
    try:
        assert (await teacher.sign_in(await school.invite_staff("GV001"))).status == 303
        await teacher.say("/phieulienlac")
        await press_when_offered(teacher, "Giữa học kỳ I")
        await press_when_offered(teacher, "📨 Gửi Phó hiệu trưởng duyệt")
        sent = await teacher.wait_for(lambda m: m.get("text", "").startswith("Đã gửi Phiếu liên lạc lớp 6A"))
        assert f"tới {await staff_name(school, 'CB002')} để duyệt" in sent["text"]

        told = await vice.wait_for(lambda m: "Gõ /phieulienlac" in m.text, timeout=30)
        assert told.text.startswith("🗂 Phiếu liên lạc chờ duyệt") and "Lớp 6A — Giữa học kỳ I" in told.text
        vice.send_command("/phieulienlac")
        card = await vice.wait_for(lambda m: "✅ Duyệt và gửi phụ huynh" in m.button_texts, timeout=60)
        assert any(m.file is not None and m.file.file_name.endswith(".pdf") for m in vice.messages)
        vice.press("✅ Duyệt và gửi phụ huynh", card)
        await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))

        approved = await teacher.wait_for(
            lambda m: "đã duyệt thông báo của bạn" in m.get("text", ""), timeout=30
        )
        assert "Phiếu liên lạc lớp 6A — Giữa học kỳ I" in approved["text"]
    finally:
        await teacher.close()
