"""A student on Zalo: Bình links with his own code, asks ``ketqua`` and reads his released mid-term card as
approved (not a score entered afterwards), receives the notice for the students of 6A; attendance and
the parents' commands are not his, a parent's code does not link his account, and a classmate's card
slipped into his choices is refused and logged."""

from sqlalchemy import select

from localzalo import LocalZaloApi
from storage.models import RefusalRow
from storage.uow import UnitOfWork
from tests.bot.test_notices_report_cards import release
from tests.bot.test_released_frozen import correct_midterm, toan
from tests.bot.test_score_entry import link
from tests.bot.test_students import NOTICE, invite_student, student_ids, write_notice_to_students
from tests.bot.test_zalo import ZALO_TOKEN, both_channels_running

CARD = "PHIẾU LIÊN LẠC · Giữa học kỳ I"


async def test_a_student_on_zalo_reads_only_their_own_released_card_and_the_students_notice(school):
    ids = await student_ids(school.database)
    await correct_midterm(school.database, ids["HS001"], "7")
    teacher = school.api.person(1, "Thầy chủ nhiệm 6A")
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    zalo_api = LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits)
    async with zalo_api as zalo, both_channels_running(school, zalo):
        await link(school, teacher, "GV01")
        await link(school, vice, "CB02")
        binh = zalo.person("zl-binh", "Bình")
        linked = await binh.ask(await invite_student(school, "HS001"))
        assert linked.text.startswith("Đã liên kết! Chào Nguyễn Văn Bình, từ nay em xem được kết quả")
        assert "• ketqua" in linked.text and "diemdanh" not in linked.text
        assert (await binh.ask("ketqua")).text.startswith("Nhà trường chưa công bố kết quả nào của em")
        assert (await binh.ask("diemdanh")).text.startswith("Em có thể gửi:")  # the parents' command
        assert (await binh.ask("kenh")).text.startswith("Em có thể gửi:")
        refused = await binh.ask(await school.invite_parent("HS002"))
        assert refused.text.startswith("Tài khoản này là tài khoản của học sinh")

        await release(teacher, vice, "Giữa học kỳ I", "6A")
        await correct_midterm(school.database, ids["HS001"], "9.5")  # after the release: not on the card
        assert (await binh.ask("ketqua")).text == "Gửi 1 để xem Giữa học kỳ I."
        card = await binh.ask("1")
        assert card.text.startswith(CARD) and "Họ và tên: Nguyễn Văn Bình" in card.text
        assert toan(card.text).endswith("ĐĐGgk: 7") and "Lê Minh Anh" not in card.text

        async with UnitOfWork(school.database) as uow:  # as if the choices had been a classmate's
            dialog = await uow.identity.dialog("zalo", "zl-binh")
            items = [[ids["HS002"], dialog.data["items"][0][1]]]
            await uow.identity.save_dialog(
                "zalo", "zl-binh", dialog.flow, dialog.step, {"items": items}, school.clock()
            )
            await uow.commit()
        assert (await binh.ask("1")).text.startswith("Kết quả này không còn xem được")

        await write_notice_to_students(teacher, NOTICE)
        vice.press(
            "✅ Duyệt và gửi", await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        )
        notice = await binh.wait_for(lambda m: NOTICE in m.text, timeout=30)
        assert notice.text.startswith("📢 Thông báo của lớp 6A")
        await school.outbox_settled()
    async with UnitOfWork(school.database, read_only=True) as uow:
        refused = (await uow.session.scalars(select(RefusalRow))).all()
    assert [(r.channel, r.external_id, r.action) for r in refused] == [
        ("zalo", "zl-binh", "released-results")
    ]
    classmates = ("Lê Minh Anh", "Trần Thị Ánh")
    assert not any(name in m.text for m in zalo.sent_messages("zl-binh") for name in classmates)
    assert [r for r in zalo.refusals if not r.injected] == []
