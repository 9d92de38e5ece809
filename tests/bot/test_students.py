"""A student's own account: Bình (6A) links with the code from his slip and reads, read-only, his released
mid-term card as approved (a score entered afterwards is not on it), the notice his homeroom teacher wrote
to the students; a classmate's card asked for with a forged button is refused and logged, and the
students' and parents' codes each link only their own kind of account."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.accounts import student_codes
from storage.db import as_utc
from storage.models import AccountRow, InviteRow, RefusalRow, StudentRow
from storage.uow import UnitOfWork
from tests.bot.test_notices_report_cards import release
from tests.bot.test_released_frozen import correct_midterm, toan
from tests.bot.test_score_entry import link

NOTICE = "Thứ Hai các em mặc đồng phục thể dục, mang giày thể thao."


async def invite_student(school, code: str) -> str:
    """The student's own code, as ``sodiem invite --students --student CODE`` makes it."""
    async with UnitOfWork(school.database) as uow:
        [found] = await student_codes(uow, None, code, school.clock(), timedelta(days=14))
        await uow.commit()
    return found.invite.code


async def student_ids(database) -> dict[str, int]:
    async with UnitOfWork(database, read_only=True) as uow:
        return dict((await uow.session.execute(select(StudentRow.code, StudentRow.id))).all())


async def write_notice_to_students(teacher, text: str) -> None:
    teacher.send_command("/thongbao")
    teacher.press("Lớp 6A", await teacher.wait_for(lambda m: "Lớp 6A" in m.button_texts))
    teacher.press("Học sinh", await teacher.wait_for(lambda m: "Học sinh" in m.button_texts))
    await teacher.wait_for(lambda m: m.text.startswith("Thông báo cho Lớp 6A — Học sinh."))
    preview = await teacher.ask(text)
    teacher.press("📨 Gửi Phó hiệu trưởng duyệt", preview)
    await teacher.wait_for(lambda m: m.text.startswith("Đã gửi thông báo tới"))


async def test_a_student_reads_only_their_own_released_results_and_the_notices_for_students(school):
    ids = await student_ids(school.database)
    await correct_midterm(school.database, ids["HS001"], "7")  # on the card the vice-principal approves
    teacher = school.api.person(1, "Thầy chủ nhiệm 6A")
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    binh = school.api.person(200, "Bình")
    mother = school.api.person(100, "PH HS001")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, vice, "CB02")
        binh.send_command(f"/start {await invite_student(school, 'HS001')}")
        linked = await binh.wait_for(lambda m: m.text.startswith("Xin chào"))
        assert linked.text == "Xin chào Nguyễn Văn Bình! Tài khoản đã được liên kết: học sinh lớp 6A."
        menu = await binh.wait_for(lambda m: len(m.buttons) > 0)
        assert menu.button_texts == ["📊 Kết quả", "🌐 Ngôn ngữ / Language", "❓ Trợ giúp"]
        nothing = await binh.ask("/ketqua")
        assert nothing.text.startswith("Nhà trường chưa công bố kết quả nào của em")

        # codes link only their own kind of account; the code refused stays usable
        parents_code = await school.invite_parent("HS001")
        refused = await binh.ask(parents_code)
        assert refused.text.startswith("Tài khoản này là tài khoản của học sinh")
        mother.send_command(f"/start {parents_code}")
        await mother.wait_for(lambda m: len(m.buttons) > 0)
        refused = await mother.ask(await invite_student(school, "HS001"))
        assert refused.text.startswith("Mã này dành cho tài khoản riêng của học sinh")

        await release(teacher, vice, "Giữa học kỳ I", "6A")
        await mother.wait_for(lambda m: m.text.startswith("PHIẾU LIÊN LẠC · Giữa học kỳ I"))
        await correct_midterm(school.database, ids["HS001"], "9.5")  # entered after the release

        binh.send_command("/ketqua")
        choice = await binh.wait_for(lambda m: m.text.startswith("Kết quả đã công bố — chọn đợt"))
        assert choice.button_texts == ["Nguyễn Văn Bình · Giữa học kỳ I"]
        binh.press(choice.button_texts[0], choice)
        card = await binh.wait_for(lambda m: m.text.startswith("PHIẾU LIÊN LẠC · Giữa học kỳ I"))
        assert "Họ và tên: Nguyễn Văn Bình" in card.text and toan(card.text).endswith("ĐĐGgk: 7")
        assert "9,5" not in toan(card.text) and "Lê Minh Anh" not in card.text

        # a modified client: a classmate's card with the released period's id, then a teacher's buttons
        notice_id = choice.find_button(choice.button_texts[0])["callback_data"].split(":")[-1]
        binh.press_data(choice.message_id, f"rc:v:{ids['HS002']}:{notice_id}")
        await binh.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        for data in ("nt:start", f"rc:ok:{notice_id}", "sc:start", "kids"):
            before = binh.messages[-1].message_id
            binh.press_data(choice.message_id, data)
            await binh.wait_for(lambda m, after=before: m.text.startswith("Xin lỗi") and m.message_id > after)

        await write_notice_to_students(teacher, NOTICE)
        request = await vice.wait_for(lambda m: m.text.startswith("📝 Thông báo chờ duyệt"))
        assert "Gửi tới: Lớp 6A — Học sinh (1 người)" in request.text
        vice.press("✅ Duyệt và gửi", request)
        notice = await binh.wait_for(lambda m: m.text.endswith(NOTICE))
        assert notice.text.startswith("📢 Thông báo của lớp 6A")
        await school.outbox_settled()
    assert not any(NOTICE in m.text for m in mother.messages)
    assert not any("Lê Minh Anh" in m.text or "Trần Thị Ánh" in m.text for m in binh.messages)
    async with UnitOfWork(school.database, read_only=True) as uow:
        refused = select(RefusalRow).where(RefusalRow.external_id == "200").order_by(RefusalRow.id)
        refusals = (await uow.session.scalars(refused)).all()
        accounts = (await uow.session.scalars(select(AccountRow).order_by(AccountRow.external_id))).all()
        unused = await uow.session.scalar(select(InviteRow).where(InviteRow.used_at.is_(None)))
    assert [(r.action, r.detail) for r in refusals][0] == ("released-results", f"{ids['HS002']}:{notice_id}")
    assert len(refusals) == 5
    student, mothers = (next(a for a in accounts if a.external_id == who) for who in ("200", "100"))
    assert (student.student_id, student.guardian_id, student.staff_id) == (ids["HS001"], None, None)
    assert mothers.student_id is None and mothers.guardian_id is not None
    assert unused.for_student and as_utc(unused.expires_at) > datetime(2025, 10, 20, tzinfo=UTC)
