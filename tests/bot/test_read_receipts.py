"""Read receipts: parents press "Đã xem" under a notice; the author sees, class by class and in class-list
order, who has read it and who has not, and reminds the others once; forged presses are refused and
recorded. A parent on Zalo says "da xem" with the notice's number and receives the weekly news there."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.weekly import ALL_PARTS
from localzalo import LocalZaloApi
from services import weekly_news
from storage.models import NoticeRow, RefusalRow
from storage.uow import UnitOfWork
from tests.bot.test_notices import HEADER_6A, join_parents, write_class_notice
from tests.bot.test_score_entry import link
from tests.bot.test_weekly_news import REFUSED, local
from tests.bot.test_zalo import ZALO_TOKEN, both_channels_running

SEEN = "👁 Đã xem"


async def newest_notice(database) -> int:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.session.scalar(select(func.max(NoticeRow.id)))


async def refusals(database, action: str) -> int:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.session.scalar(
            select(func.count()).select_from(RefusalRow).where(RefusalRow.action == action)
        )


async def test_parents_say_they_read_the_author_sees_who_and_reminds_once(school):
    teacher, vice = school.api.person(31, "Toàn"), school.api.person(33, "Phó")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, vice, "CB02")
        binh, anh_accent, anh = await join_parents(school, ["HS001", "HS002", "HS003"], 500)
        await write_class_notice(teacher, "Thứ Hai học bù tiết Toán.")
        vice.press(
            "✅ Duyệt và gửi", await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        )
        notice_id = await newest_notice(school.database)
        received = {
            p: await p.wait_for(lambda m: m.text.startswith(HEADER_6A), timeout=30)
            for p in (binh, anh_accent, anh)
        }
        assert all(SEEN in m.button_texts for m in received.values())

        anh.press(SEEN, received[anh])
        await anh.wait_for(lambda m: m.text.startswith("Cảm ơn quý phụ huynh đã xác nhận đã xem."))
        anh.press(SEEN, received[anh])
        await anh.wait_for(lambda m: m.text.startswith("Quý phụ huynh đã xác nhận đã xem tin này rồi."))
        vice.press_data(vice.messages[-1].message_id, f"wk:r:{notice_id}")  # not sent to the vice-principal
        await vice.wait_for(lambda m: m.text.startswith(REFUSED))
        binh.press_data(received[binh].message_id, f"wk:s:{notice_id}")  # a parent asks who read it
        await binh.wait_for(lambda m: m.text.startswith(REFUSED))

        told = await teacher.wait_for(lambda m: "đã duyệt thông báo của bạn" in m.text)
        teacher.press("📊 Tình hình gửi", told)
        delivery = await teacher.wait_for(lambda m: "👁 Ai đã xem" in m.button_texts)
        teacher.press("👁 Ai đã xem", delivery)
        report = await teacher.wait_for(lambda m: m.text.startswith(f"👁 Thông báo số {notice_id}:"))
        lines = report.text.splitlines()
        assert lines[0] == f"👁 Thông báo số {notice_id}: 1/3 phụ huynh đã xem."
        assert "Lớp 6A: 1/3 đã xem" in lines
        people = [line.split(" — ")[0] for line in lines if line and line[0] in "✅⏳"]
        assert people == [
            "✅ Lê Minh Anh",
            "⏳ Trần Thị Ánh",
            "⏳ Nguyễn Văn Bình",
        ]  # given name first: Ánh, Bình

        teacher.press("🔔 Nhắc 2 phụ huynh chưa xem", report)
        await teacher.wait_for(lambda m: m.text == "🔔 Đã gửi lời nhắc tới 2 phụ huynh chưa xem.")
        for parent in (binh, anh_accent):
            reminder = await parent.wait_for(lambda m: m.text.startswith("🔔 Nhà trường nhắc"), timeout=30)
            assert (
                f"thông báo số {notice_id}" in reminder.text and "Thứ Hai học bù tiết Toán." in reminder.text
            )
        teacher.press_data(report.message_id, f"wk:m:{notice_id}")  # the second press
        await teacher.wait_for(lambda m: m.text.startswith("Lời nhắc đã được gửi lúc"))
        await school.outbox_settled()
    assert not any(m.text.startswith("🔔 Nhà trường nhắc") for m in anh.messages)
    assert [m.text.startswith("🔔") for m in binh.messages].count(True) == 1
    assert await refusals(school.database, "weekly-r") == 1
    assert await refusals(school.database, "weekly-s") == 1


async def test_a_parent_on_zalo_says_da_xem_and_receives_the_weekly_news(school):
    teacher, vice = school.api.person(31, "Toàn"), school.api.person(33, "Phó")
    school.clock.now = local(17, 9)
    zalo_api = LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits)
    async with zalo_api as zalo, both_channels_running(school, zalo):
        await link(school, teacher, "GV01")
        await link(school, vice, "CB02")
        lan = zalo.person("zl-lan", "Chị Lan")
        assert "Lê Minh Anh" in (await lan.ask(await school.invite_parent("HS003"))).text
        await write_class_notice(teacher, "Thứ Hai học bù tiết Toán.")
        vice.press(
            "✅ Duyệt và gửi", await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        )
        notice_id = await newest_notice(school.database)
        notice = await lan.wait_for(lambda m: m.text.startswith(HEADER_6A), timeout=30)
        assert notice.text.endswith(f"Khi đã đọc, xin trả lời: da xem {notice_id}")
        assert (await lan.ask(f"Đã xem {notice_id}")).text == "Cảm ơn quý phụ huynh đã xác nhận đã xem."
        assert (await lan.ask(f"da xem {notice_id + 50}")).text == "Tin này không được gửi cho bạn."

        async with UnitOfWork(school.database) as uow:
            template = await weekly_news.propose_template(
                uow, "Chào quý phụ huynh.", ALL_PARTS, None, school.clock()
            )
            await uow.commit()
        approval = await vice.wait_for(lambda m: m.text.startswith("📰 Mẫu bản tin tuần mới chờ duyệt"))
        vice.send_command("/bantin")
        vice.press(
            "✅ Duyệt mẫu",
            await vice.wait_for(lambda m: m.text.startswith(f"📰 Mẫu bản tin tuần số {template.id}")),
        )
        await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt mẫu"))
        assert approval.text
        assert await weekly_news.run_weekly(school.database, local(18, 17, 1)) == 1
        news = await lan.wait_for(lambda m: m.text.startswith("📰 Bản tin tuần 11/10/2025 – 18/10/2025"))
        assert "Em Lê Minh Anh, lớp 6A" in news.text and "• Thứ Hai học bù tiết Toán." in news.text
        assert "da xem" not in news.text  # the news asks for no receipt
    assert await refusals(school.database, "weekly-r") == 1
