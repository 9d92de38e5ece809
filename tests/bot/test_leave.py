"""A parent asks for days off for their child; the homeroom teacher accepts or declines with one tap;
the parent is told; an accepted day is already "P" when the teacher takes the next morning's attendance."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from domain.calendar import SATURDAYS_SETTING, DayOff
from domain.transfers import Change
from localzalo import LocalZaloApi
from storage.audit import verify
from storage.audit_values import compare_values
from storage.changes import Author, system_author
from storage.models import AbsenceRow, ClassRow, CorrectionRow, RefusalRow, StaffRow, StudentRow
from storage.models.leave import LeaveRequestRow
from storage.uow import UnitOfWork
from tests.bot.test_attendance import link, open_list, student_button
from tests.bot.test_zalo import ZALO_TOKEN, both_channels_running

SENT = "✅ Đã gửi đơn xin nghỉ #"


async def link_parent(school, parent, student_code: str) -> None:
    parent.send_command(f"/start {await school.invite_parent(student_code)}")
    await parent.wait_for(lambda m: len(m.buttons) > 0)


async def ask_leave(parent, days: str, reason: str):
    """/xinnghi with one child: the days, the reason; returns the bot's answer to the reason."""
    parent.send_command("/xinnghi")
    await parent.wait_for(lambda m: m.text.startswith("Xin nghỉ cho "))
    assert (await parent.ask(days)).text.startswith("Lý do nghỉ?")
    return await parent.ask(reason)


async def last_request(database) -> int:
    async with database.session(read_only=True) as session:
        return await session.scalar(select(func.max(LeaveRequestRow.id)))


async def count(database, model, *where) -> int:
    async with database.session(read_only=True) as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def teacher_accepts_the_latest_request(school, teacher) -> None:
    n = await last_request(school.database)
    card = await teacher.wait_for(lambda m: m.text.startswith(f"🙋 Đơn xin nghỉ #{n}"))
    teacher.press("✅ Đồng ý", card)
    await teacher.wait_for(lambda m: "✅ Đã đồng ý." in m.text)


async def marks(database) -> dict[tuple[str, date], str]:
    async with database.session(read_only=True) as session:
        rows = await session.execute(
            select(StudentRow.code, AbsenceRow.day, AbsenceRow.mark).join(
                StudentRow, StudentRow.id == AbsenceRow.student_id
            )
        )
        return {(code, day): mark for code, day, mark in rows}


async def test_an_accepted_request_is_p_in_the_next_mornings_attendance_with_its_reason(school):
    teacher, parent = school.api.person(1, "Toàn"), school.api.person(2, "Anh Hùng")
    async with school.bot_running():
        await link(school, teacher, "GV01")  # homeroom 6A
        await link_parent(school, parent, "HS001")  # Nguyễn Văn Bình, 6A
        sent = await ask_leave(parent, "15/10", "Cháu bị sốt, gia đình cho cháu đi khám")
        n = await last_request(school.database)  # numbers go on across tests on PostgreSQL
        assert sent.text == (
            f"{SENT}{n} tới giáo viên chủ nhiệm (Trần Văn Toàn). Khi cô/thầy trả lời, bot sẽ báo."
        )
        card = await teacher.wait_for(lambda m: m.text.startswith(f"🙋 Đơn xin nghỉ #{n}"))
        assert card.text.splitlines() == [
            f"🙋 Đơn xin nghỉ #{n}: Nguyễn Văn Bình, lớp 6A",
            "Nghỉ 15/10/2025 (cả ngày)",
            "Lý do: Cháu bị sốt, gia đình cho cháu đi khám",
        ]
        teacher.press("✅ Đồng ý", card)
        decided = await teacher.wait_for(lambda m: "✅ Đã đồng ý." in m.text)
        assert decided.buttons == []
        told = await parent.wait_for(lambda m: m.text.startswith(f"✅ Đơn xin nghỉ #{n}"), timeout=30)
        assert told.text == (
            f"✅ Đơn xin nghỉ #{n} của Nguyễn Văn Bình (15/10/2025 (cả ngày))"
            " đã được giáo viên chủ nhiệm đồng ý."
        )
        school.clock.now += timedelta(days=1)  # the next morning, 08:00
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A, 15/10/2025")
        assert student_button(sheet, 3) == "3. Bình (P)"  # already excused; the teacher may still tap
        assert "🙋 Đã xin phép: Bình — Cháu bị sốt, gia đình cho cháu đi khám" in sheet.text
        assert "Đã điểm danh lúc" not in sheet.text  # marked ahead of time, not taken
    assert await marks(school.database) == {("HS001", date(2025, 10, 15)): "P"}
    async with school.database.session(read_only=True) as session:  # the P is in the audit trail
        report = await verify(session)
        assert report.first_break is None
        assert await compare_values(session, report.logged) == []


async def test_a_request_over_a_school_day_off_marks_only_the_days_the_school_opens(school):
    """The school closes on Thursday 16/10 for the district's sports day: a request for that day alone
    is answered at once, and one from Wednesday to Saturday marks P on 15, 17 and 18 only (an absence on a
    closed day would count towards the year's 45)."""
    async with UnitOfWork(school.database) as uow:
        sports_day = DayOff(date(2025, 10, 16), date(2025, 10, 16), "Hội khỏe Phù Đổng")
        await uow.calendar.save_days_off((await uow.school.year()).name, (sports_day,))
        await uow.commit()
    teacher, parent = school.api.person(21, "Toàn"), school.api.person(22, "Anh Hùng")
    async with school.bot_running():
        await link(school, teacher, "GV01")  # homeroom 6A
        await link_parent(school, parent, "HS001")  # Nguyễn Văn Bình, 6A
        parent.send_command("/xinnghi")
        await parent.wait_for(lambda m: m.text.startswith("Xin nghỉ cho "))
        closed = await parent.ask("16/10")
        assert closed.text.startswith("Ngày 16/10/2025 trường không học")
        assert (await parent.ask("15/10-18/10")).text.startswith("Lý do nghỉ?")
        await parent.ask("Cả nhà về quê dự đám cưới")
        await teacher_accepts_the_latest_request(school, teacher)
    assert await marks(school.database) == {("HS001", date(2025, 10, day)): "P" for day in (15, 17, 18)}


async def test_a_school_closed_on_saturdays_marks_no_saturday(school):
    """The school teaches Monday to Friday: a request for Saturday alone is answered at once; one from
    Friday to Monday marks P on Friday and Monday."""
    async with UnitOfWork(school.database) as uow:
        await uow.calendar.set_year_setting(SATURDAYS_SETTING, (await uow.school.year()).name, True)
        await uow.commit()
    teacher, parent = school.api.person(25, "Toàn"), school.api.person(26, "Anh Hùng")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link_parent(school, parent, "HS001")
        parent.send_command("/xinnghi")
        await parent.wait_for(lambda m: m.text.startswith("Xin nghỉ cho "))
        assert (await parent.ask("18/10")).text.startswith("Ngày 18/10/2025 trường không học")
        assert (await parent.ask("17/10-20/10")).text.startswith("Lý do nghỉ?")
        await parent.ask("Cả nhà về quê")
        await teacher_accepts_the_latest_request(school, teacher)
    assert await marks(school.database) == {("HS001", date(2025, 10, day)): "P" for day in (17, 20)}


async def test_days_after_a_move_to_another_class_are_marked_in_the_new_class(school):
    """Bình moves from 6A to 6B from Friday 17/10 (decided in advance); his parent asks for Wednesday to
    Friday. 6A's book gets Wednesday and Thursday, 6B's Friday: each class's papers show what happened in
    it."""
    async with UnitOfWork(school.database) as uow:
        await uow.transfers.move("HS001", "6B", date(2025, 10, 17), "gia đình xin", system_author("test"))
        await uow.commit()
    teacher, parent = school.api.person(23, "Toàn"), school.api.person(24, "Anh Hùng")
    async with school.bot_running():
        await link(school, teacher, "GV01")  # homeroom 6A: the request is made while Bình is in 6A
        await link_parent(school, parent, "HS001")
        await ask_leave(parent, "15/10-17/10", "Cháu đi khám răng ở thành phố")
        await teacher_accepts_the_latest_request(school, teacher)
    async with school.database.session(read_only=True) as session:
        rows = await session.execute(
            select(AbsenceRow.day, ClassRow.name).join(ClassRow, ClassRow.id == AbsenceRow.class_id)
        )
        assert sorted(rows.all()) == [
            (date(2025, 10, 15), "6A"),
            (date(2025, 10, 16), "6A"),
            (date(2025, 10, 17), "6B"),
        ]


async def test_no_day_is_marked_from_the_day_the_child_leaves_the_school(school):
    """Bình transfers to another school from Friday 17/10: of a request for Wednesday to Friday, only
    Wednesday and Thursday are his absences here."""
    async with UnitOfWork(school.database) as uow:
        await uow.transfers.leave(
            Change.TRANSFER_OUT, "HS001", date(2025, 10, 17), "theo gia đình", "THCS Lê Quý Đôn",
            system_author("test"),
        )  # fmt: skip
        await uow.commit()
    teacher, parent = school.api.person(27, "Toàn"), school.api.person(28, "Anh Hùng")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link_parent(school, parent, "HS001")
        await ask_leave(parent, "15/10-17/10", "Cháu chuẩn bị chuyển trường")
        await teacher_accepts_the_latest_request(school, teacher)
    assert await marks(school.database) == {("HS001", date(2025, 10, day)): "P" for day in (15, 16)}


async def test_a_declined_request_is_told_and_a_second_press_decides_nothing(school):
    teacher, parent = school.api.person(3, "Toàn"), school.api.person(4, "Chị Lan")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link_parent(school, parent, "HS002")  # Trần Thị Ánh, 6A
        await ask_leave(parent, "16/10-17/10", "Về quê ăn cưới")
        n = await last_request(school.database)
        card = await teacher.wait_for(lambda m: m.text.startswith(f"🙋 Đơn xin nghỉ #{n}"))
        accept = card.find_button("✅ Đồng ý")["callback_data"]
        teacher.press("❌ Từ chối", card)
        await teacher.wait_for(lambda m: "❌ Đã từ chối." in m.text)
        teacher.press_data(card.message_id, accept)  # the other button, pressed late
        again = await teacher.wait_for(lambda m: "Đơn này đã bị từ chối trước đó." in m.text)
        assert "Đã đồng ý" not in again.text
        told = await parent.wait_for(lambda m: m.text.startswith(f"❌ Đơn xin nghỉ #{n}"), timeout=30)
        assert "từ 16/10/2025 đến 17/10/2025 (cả ngày)" in told.text
        await school.outbox_settled()
    assert await marks(school.database) == {}
    assert await count(school.database, LeaveRequestRow, LeaveRequestRow.status == "declined") == 1


async def test_a_request_for_today_after_the_cutoff_is_marked_late(school):
    teacher, parent = school.api.person(5, "Toàn"), school.api.person(6, "Chị Mai")
    async with school.bot_running():  # 08:00 on 14/10; the default cut-off is 07:00
        await link(school, teacher, "GV01")
        await link_parent(school, parent, "HS003")
        sent = await ask_leave(parent, "14/10", "Cháu đau bụng")
        assert "sau giờ chốt của trường nên được ghi là nộp muộn" in sent.text
        card = await teacher.wait_for(lambda m: m.text.startswith("🙋 Đơn xin nghỉ #"))
        assert "⏰ Nộp muộn: gửi lúc 14/10/2025 08:00, sau giờ chốt của trường." in card.text
    async with UnitOfWork(school.database) as uow:
        await uow.school.change_settings(leave_cutoff="09:00")
        await uow.commit()
    await school.pause(3)  # a restart takes a few seconds (and Telegram's flood limits do not forget)
    async with school.bot_running():
        sent = await ask_leave(parent, "15/10", "Khám răng")  # tomorrow: never late
        assert "nộp muộn" not in sent.text
    assert await count(school.database, LeaveRequestRow, LeaveRequestRow.late) == 1


async def submit_october(school) -> None:
    async with UnitOfWork(school.database) as uow:
        class_id = await uow.session.scalar(select(ClassRow.id).where(ClassRow.name == "6A"))
        teacher = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "GV01"))
        await uow.attendance.submit_month(
            class_id, 2025, 10, Author(teacher, "telegram", "7", school.clock())
        )
        await uow.commit()


async def test_a_day_of_a_submitted_month_goes_to_the_leadership_as_a_correction(school):
    teacher, vice, parent = (school.api.person(n, name) for n, name in ((7, "Toàn"), (8, "Phó"), (9, "Bố")))
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, vice, "CB02")
        await link_parent(school, parent, "HS001")
        await ask_leave(parent, "16/10", "Thi đấu cờ vua cấp huyện")
        n = await last_request(school.database)
        card = await teacher.wait_for(lambda m: m.text.startswith(f"🙋 Đơn xin nghỉ #{n}"))
        await submit_october(school)  # the teacher submits October meanwhile (a month may be early)
        teacher.press("✅ Đồng ý", card)
        decided = await teacher.wait_for(lambda m: "✅ Đã đồng ý." in m.text)
        async with school.database.session(read_only=True) as session:
            correction_id = await session.scalar(select(func.max(CorrectionRow.id)))
        assert (
            f"Tháng đã chốt điểm danh: đã gửi phiếu sửa điểm danh #{correction_id} tới Ban giám hiệu"
            " (Phạm Văn Phó)." in decided.text
        )
        slip = await vice.wait_for(
            lambda m: f"Đơn xin nghỉ #{n} của phụ huynh: Thi đấu cờ vua cấp huyện" in m.text
        )
        assert slip.buttons
    assert await marks(school.database) == {}  # nothing written until the leadership approves
    async with school.database.session(read_only=True) as session:
        correction = await session.scalar(select(CorrectionRow))
    assert (correction.target, correction.day, correction.new_value, correction.status) == (
        "absence",
        date(2025, 10, 16),
        "P",
        "pending",
    )


async def test_bad_input_is_answered_and_nothing_is_half_written(school):
    parent, stranger, other = (
        school.api.person(10, "Bố"),
        school.api.person(11, "Lạ"),
        school.api.person(12, "Văn"),
    )
    async with school.database.session(read_only=True) as session:
        not_theirs = await session.scalar(select(StudentRow.id).where(StudentRow.code == "HS002"))
    async with school.bot_running():
        stranger.send_command("/xinnghi")
        assert (
            await stranger.wait_for(lambda m: "chưa được liên kết với học sinh nào" in m.text)
        ).buttons == []
        await link_parent(school, parent, "HS001")
        await link(school, other, "GV02")  # homeroom 6B
        parent.send_command("/xinnghi")
        await parent.wait_for(lambda m: m.text.startswith("Xin nghỉ cho Nguyễn Văn Bình"))
        for typed, answer in (
            ("13/10", "13/10/2025 đã qua (hôm nay 14/10/2025)"),
            ("15/08/2026", "Ngày nghỉ phải trong năm học"),
            ("ngày mai", 'Chưa đọc được ngày "ngày mai"'),
            ("17/10-15/10", "Ngày cuối 15/10/2025 trước ngày đầu 17/10/2025"),
            ("15/10-30/11", "Mỗi đơn xin nghỉ tối đa 30 ngày"),
        ):
            assert (await parent.ask(typed)).text.startswith(answer)
        assert (await parent.ask("15/10")).text.startswith("Lý do nghỉ?")
        assert (await parent.ask("x" * 301)).text == "Lý do dài 301 ký tự, tối đa 300. Hãy viết ngắn lại."
        saved = await parent.ask("Ốm")  # 6A's teacher is not linked: the parent is told so
        n = await last_request(school.database)
        assert saved.text.startswith(f"✅ Đã lưu đơn xin nghỉ #{n}, nhưng lớp chưa có giáo viên chủ nhiệm")
        parent.send_command("/xinnghi")
        await parent.wait_for(lambda m: m.text.startswith("Xin nghỉ cho "))
        overlap = await parent.ask("15/10-16/10")
        assert overlap.text.startswith(f"Đã có đơn #{n} cho những ngày từ 15/10/2025 đến 15/10/2025")
        for forged in (f"xn:k:{not_theirs}", f"xn:y:{n}", "xn:zz"):
            parent.press_data(overlap.message_id, forged)
            assert await parent.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        other.press("🙋 Đơn xin nghỉ")  # her menu's button: nothing of 6A waits for 6B's teacher
        assert await other.wait_for(lambda m: m.text == "Không có đơn xin nghỉ nào đang chờ.")
        other.press_data((await other.wait_for(lambda m: True)).message_id, f"xn:y:{n}")
        assert await other.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
    assert await count(school.database, LeaveRequestRow) == 1
    assert await count(school.database, LeaveRequestRow, LeaveRequestRow.status == "pending") == 1
    assert await count(school.database, RefusalRow, RefusalRow.action == "leave") == 4


async def test_a_parent_on_zalo_asks_with_text_and_the_teacher_decides_on_telegram(school):
    teacher = school.api.person(13, "Toàn")
    zalo_api = LocalZaloApi(ZALO_TOKEN, rate_limits=school.limits)
    async with zalo_api as zalo, both_channels_running(school, zalo):
        await link(school, teacher, "GV01")
        mai = zalo.person("zl-mai", "Chị Mai")
        await mai.ask(await school.invite_parent("HS003"))  # Lê Minh Anh, 6A
        assert (await mai.ask("Xin nghỉ")).text.startswith("Xin nghỉ cho Lê Minh Anh: gõ ngày nghỉ")
        assert (await mai.ask("13/10")).text.startswith("13/10/2025 đã qua (hôm nay 14/10/2025)")
        assert (await mai.ask("15/10-16/10")).text.startswith("Lý do nghỉ?")
        sent = await mai.ask("Cháu đi khám mắt ở bệnh viện tỉnh")
        n = await last_request(school.database)
        assert sent.text.startswith(f"✅ Đã gửi đơn xin nghỉ #{n} tới giáo viên chủ nhiệm (Trần Văn Toàn)")
        told = await teacher.wait_for(lambda m: m.text.startswith(f"🙋 Đơn xin nghỉ #{n}"), timeout=30)
        assert told.text.endswith("Gõ /xinnghi để đồng ý hoặc từ chối.") and told.buttons == []
        teacher.send_command("/xinnghi")
        card = await teacher.wait_for(lambda m: m.text.startswith(f"🙋 Đơn xin nghỉ #{n}") and m.buttons)
        assert "Nghỉ từ 15/10/2025 đến 16/10/2025 (cả ngày)" in card.text
        teacher.press("✅ Đồng ý", card)
        await teacher.wait_for(lambda m: "✅ Đã đồng ý." in m.text)
        accepted = await mai.wait_for(lambda m: m.text.startswith(f"✅ Đơn xin nghỉ #{n}"), timeout=30)
        assert "Lê Minh Anh" in accepted.text and "đồng ý" in accepted.text
        assert (await mai.ask("xinnghi")).text.startswith("Xin nghỉ cho Lê Minh Anh")
        assert (await mai.ask("16/10")).text.startswith(f"Đã có đơn #{n} cho những ngày từ 15/10/2025")
        assert (await mai.ask("huỷ")).text == "Đã hủy, chưa gửi đơn nào."
        await school.outbox_settled()
    assert await marks(school.database) == {
        ("HS003", date(2025, 10, 15)): "P",
        ("HS003", date(2025, 10, 16)): "P",
    }
