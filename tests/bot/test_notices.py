"""Notices: the homeroom teacher writes, the vice-principal edits and approves, forty parents receive
the final text once; a rejected notice reaches nobody; nobody else may decide."""

import asyncio

from sqlalchemy import func, select

from storage.models import OutboxRow, RefusalRow
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link

HEADER_6A = "📢 Thông báo của lớp 6A"


async def student_codes(database, class_name: str) -> list[str]:
    async with UnitOfWork(database, read_only=True) as uow:
        return [entry.code for entry in await uow.roster.class_list(class_name)]


async def join_parents(school, codes: list[str], first_id: int, at_once: int = 5) -> list:
    """Parents join a few at a time, as they do at a meeting: well within the 30 messages a second that
    Telegram lets a bot send (each is greeted with two messages)."""
    parents = [school.api.person(first_id + n, f"PH {code}") for n, code in enumerate(codes)]
    for start in range(0, len(parents), at_once):
        group = list(zip(parents, codes, strict=True))[start : start + at_once]
        for parent, code in group:
            parent.send_command(f"/start {await school.invite_parent(code)}")
        await asyncio.gather(*(p.wait_for(lambda m: len(m.buttons) > 0, timeout=60) for p, _ in group))
        await school.pause(0.5)
    return parents


async def write_class_notice(teacher, text: str) -> None:
    teacher.send_command("/thongbao")
    teacher.press("Lớp 6A", await teacher.wait_for(lambda m: "Lớp 6A" in m.button_texts))
    teacher.press("Phụ huynh", await teacher.wait_for(lambda m: "Phụ huynh" in m.button_texts))
    await teacher.wait_for(lambda m: m.text.startswith("Thông báo cho Lớp 6A — Phụ huynh."))
    preview = await teacher.ask(text)
    assert preview.text.startswith("Xem trước — Lớp 6A — Phụ huynh:")
    teacher.press("📨 Gửi Phó hiệu trưởng duyệt", preview)
    await teacher.wait_for(lambda m: m.text.startswith("Đã gửi thông báo tới"))


def notices_received(parent) -> list[str]:
    return [m.text for m in parent.messages if m.text.startswith("📢")]


async def test_a_class_notice_edited_and_approved_reaches_forty_parents_once(demo_school):
    school = demo_school
    teacher = school.api.person(1, "Cô chủ nhiệm 6A")
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    codes = (await student_codes(school.database, "6A"))[:40]
    async with school.bot_running():
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        parents = await join_parents(school, codes, 10_000)

        await write_class_notice(teacher, "Họp phụ huynh thứ Bảy 18/10 lúc 7g30 tại phòng 6A.")
        request = await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        assert "Gửi tới: Lớp 6A — Phụ huynh (40 người)" in request.text
        assert request.text.endswith("Họp phụ huynh thứ Bảy 18/10 lúc 7g30 tại phòng 6A.")
        await asyncio.sleep(0.5)
        assert all(notices_received(p) == [] for p in parents)  # nothing before the approval

        vice.press("✏️ Sửa nội dung", request)
        await vice.wait_for(lambda m: m.text.startswith("Nội dung hiện tại:"))
        final = "Họp phụ huynh thứ Bảy 18/10 lúc 7g30 tại phòng 6A. Kính mời quý phụ huynh đến đúng giờ."
        edited = await vice.ask(final)
        assert edited.text.endswith(final) and "✅ Duyệt và gửi" in edited.button_texts
        approve = edited.find_button("✅ Duyệt và gửi")["callback_data"]
        vice.press("✅ Duyệt và gửi", edited)
        approved = await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))
        assert approved.text.startswith("✅ Đã duyệt. Đang gửi tới 40 người")

        told = await teacher.wait_for(lambda m: "đã duyệt thông báo của bạn" in m.text)
        assert "(có sửa nội dung)" in told.text and told.text.endswith(final)
        for parent in parents:
            await parent.wait_for(lambda m: m.text.startswith(HEADER_6A), timeout=30)
        assert all(notices_received(p) == [f"{HEADER_6A}\n\n{final}"] for p in parents)

        await school.outbox_settled()  # the last sends are recorded a moment after they arrive
        teacher.press("📊 Tình hình gửi", told)
        report = await teacher.wait_for(lambda m: m.text.startswith("Thông báo số"))
        assert "40 người — đã gửi 40, đang chờ 0, không gửi được 0." in report.text.splitlines()[0]
        assert len(report.text.splitlines()) == 41

        vice.press_data(approved.message_id, approve)
        await vice.wait_for(lambda m: m.text == "Thông báo này đã được duyệt rồi.")
    assert all(len(notices_received(p)) == 1 for p in parents)  # the second press sent nothing


async def test_a_rejected_notice_reaches_nobody_and_a_teacher_cannot_approve(school):
    teacher = school.api.person(21, "Toàn")
    vice = school.api.person(22, "Phó")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, vice, "CB02")
        parents = await join_parents(school, ["HS001", "HS002"], 20_000)
        await write_class_notice(teacher, "Lớp nghỉ học ngày mai.")
        request = await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        approve = request.find_button("✅ Duyệt và gửi")["callback_data"]

        teacher.press_data(teacher.last_message.message_id, approve)  # a forged press by the author
        await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))

        vice.press("❌ Từ chối", request)
        await vice.wait_for(lambda m: m.text.startswith("❌ Đã từ chối"))
        told = await teacher.wait_for(lambda m: "đã từ chối thông báo của bạn" in m.text)
        assert told.text.endswith("Lớp nghỉ học ngày mai.")
        vice.press_data(request.message_id, approve)
        await vice.wait_for(lambda m: m.text == "Thông báo này đã bị từ chối rồi.")
        await asyncio.sleep(1.5)  # a full round of the dispatcher
    assert all(notices_received(p) == [] for p in parents)
    async with UnitOfWork(school.database, read_only=True) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(OutboxRow)) == 0
        refusals = (await uow.session.scalars(select(RefusalRow.action))).all()
    assert refusals == ["notice-decision"]
