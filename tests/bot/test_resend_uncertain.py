"""The author of a notice reads in its delivery report which message may not have arrived after a crash
("không chắc đã đến") and decides to send it again; the parent then receives it. A parent who forges
the button is refused."""

from sqlalchemy import select, update

from storage.models import OutboxRow, RefusalRow
from storage.uow import UnitOfWork
from tests.bot.test_notices import (
    HEADER_6A,
    join_parents,
    notices_received,
    student_codes,
    write_class_notice,
)
from tests.bot.test_notices_scheduler import delivered
from tests.bot.test_score_entry import link

TEXT = "Nghỉ học chiều thứ Sáu 24/10 để phun thuốc muỗi."


async def test_the_author_sends_again_a_message_that_may_not_have_arrived(demo_school):
    school = demo_school
    teacher, vice = school.api.person(1, "Cô chủ nhiệm 6A"), school.api.person(2, "Thầy Phó hiệu trưởng")
    codes = (await student_codes(school.database, "6A"))[:3]
    async with school.bot_running():
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        parents = await join_parents(school, codes, 20_000)
        await write_class_notice(teacher, TEXT)
        vice.press(
            "✅ Duyệt và gửi", await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        )
        told = await teacher.wait_for(lambda m: "đã duyệt thông báo của bạn" in m.text)
        for parent in parents:
            await parent.wait_for(lambda m: m.text.startswith(HEADER_6A), timeout=30)
        await delivered(school)
        async with UnitOfWork(school.database) as uow:  # as a crash during the send leaves it
            await uow.session.execute(
                update(OutboxRow)
                .where(OutboxRow.recipient == str(parents[0].id))
                .values(status="uncertain", error="interrupted while sending")
            )
            await uow.commit()

        teacher.press("📊 Tình hình gửi", told)
        report = await teacher.wait_for(lambda m: m.text.startswith("Thông báo số"))
        assert "không chắc đã đến" in report.text
        assert "🔁 Gửi lại 1 tin không chắc đã đến" in report.button_texts
        forged = report.find_button("🔁 Gửi lại 1 tin không chắc đã đến")["callback_data"]
        parents[1].press_data(parents[1].messages[-1].message_id, forged)
        await parents[1].wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))

        teacher.press("🔁 Gửi lại 1 tin không chắc đã đến", report)
        await teacher.wait_for(lambda m: m.text.startswith("Đã xếp 1 tin không chắc đã đến"))
        await parents[0].wait_for(lambda m: len(notices_received(parents[0])) == 2, timeout=30)
        await delivered(school)
    assert [len(notices_received(p)) for p in parents] == [2, 1, 1]  # the second copy: the author's decision
    async with UnitOfWork(school.database, read_only=True) as uow:
        assert (await uow.session.scalars(select(RefusalRow.action))).all() == ["notice"]
