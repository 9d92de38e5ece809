"""A homeroom teacher takes the attendance of the class in the morning, and submits the month."""

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from domain.attendance import short_names
from domain.calendar import DayOff
from storage.models import (
    AbsenceRow,
    AttendanceMonthRow,
    AttendanceTakenRow,
    ChangeRow,
    ClassRow,
    RefusalRow,
    SchoolRow,
    StudentRow,
)
from storage.uow import UnitOfWork
from tests.storage.helpers import YEAR, class_list_names

SAVE, CONFIRM = "💾 Lưu", "✅ Xác nhận lưu"


async def link(school, person, staff_code: str) -> None:
    person.send_command(f"/start {await school.invite_staff(staff_code)}")
    await person.wait_for(lambda m: len(m.buttons) > 0)


def student_button(message, number: int) -> str:
    return next(label for label in message.button_texts if label.startswith(f"{number}. "))


async def tap_student(person, message, number: int, times: int = 1):
    """Taps the student's button ``times`` times, each on the list as the bot last showed it."""
    for _ in range(times):
        before = student_button(message, number)
        person.press(before, message)
        message = await person.wait_for(
            lambda m, before=before: m.buttons and student_button(m, number) != before
        )
    return message


async def open_list(person, title: str):
    return await person.wait_for(lambda m: m.text.startswith(title) and m.buttons)


async def absences(database) -> dict[str, str]:
    async with database.session(read_only=True) as session:
        rows = await session.execute(
            select(StudentRow.full_name, AbsenceRow.mark).join(
                StudentRow, StudentRow.id == AbsenceRow.student_id
            )
        )
        return dict(rows.all())


async def count(database, model, *where) -> int:
    async with database.session(read_only=True) as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_a_40_student_class_with_two_absences_takes_three_taps_besides_the_two_students(demo_school):
    school = demo_school
    teacher = school.api.person(1, "Cô Ngân")
    names = await class_list_names(school.database, "6A")
    assert len(names) >= 40  # the demo's 6A has 42
    short = short_names(names)
    taps = 0  # every press besides the two students' own
    async with school.bot_running():
        await link(school, teacher, "GV001")  # homeroom teacher of 6A, her only class: no choice to make
        teacher.send_command("/diemdanh")  # today's list at once
        sheet = await open_list(teacher, f"📋 Điểm danh 6A, 14/10/2025 — sĩ số {len(names)}")
        assert student_button(sheet, 5) == f"5. {short[4]} ✓" and "25. " not in " ".join(sheet.button_texts)
        sheet = await tap_student(teacher, sheet, 5)  # student A: once, with permission
        assert student_button(sheet, 5) == f"5. {short[4]} (P)"
        teacher.press("▶", sheet)  # student B is on the second page
        taps += 1
        sheet = await teacher.wait_for(lambda m: any(label.startswith("31. ") for label in m.button_texts))
        sheet = await tap_student(teacher, sheet, 31, times=2)  # student B: twice, without permission
        assert student_button(sheet, 31) == f"31. {short[30]} (K)"
        teacher.press(SAVE, sheet)
        taps += 1
        summary = await teacher.wait_for(lambda m: "Lưu điểm danh này?" in m.text)
        assert summary.text.splitlines()[0] == f"6A, 14/10/2025: 2 vắng — {short[4]} (P), {short[30]} (K)"
        teacher.press(CONFIRM, summary)
        taps += 1
        saved = await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh."))
        assert f"6A, 14/10/2025: 2 vắng — {short[4]} (P), {short[30]} (K)" in saved.text
    assert taps == 3 <= 6
    assert await absences(school.database) == {names[4]: "P", names[30]: "K"}
    assert await count(school.database, AttendanceTakenRow) == 1
    assert await count(school.database, ChangeRow, ChangeRow.entity == "absence") == 2


async def test_everyone_present_is_one_tap_and_then_the_confirmation(school):
    teacher = school.api.person(2, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A, 14/10/2025")
        assert sheet.button_texts[:3] == ["1. Anh ✓", "2. Ánh ✓", "3. Bình ✓"]  # class-list order
        teacher.press("✅ Cả lớp có mặt", sheet)
        summary = await teacher.wait_for(lambda m: "Lưu điểm danh này?" in m.text)
        assert summary.text.startswith("6A, 14/10/2025: có mặt đủ 3 học sinh")
        teacher.press(CONFIRM, summary)
        await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh."))
        help_text = (await teacher.ask("/trogiup")).text
        assert "/diemdanh /attendance — Điểm danh lớp chủ nhiệm" in help_text and "/thang /month" in help_text
    assert await absences(school.database) == {}
    assert await count(school.database, AttendanceTakenRow) == 1


async def test_two_homeroom_teachers_take_attendance_at_the_same_moment(school):
    toan, van = school.api.person(3, "Toàn"), school.api.person(4, "Văn")
    async with school.bot_running():
        await asyncio.gather(link(school, toan, "GV01"), link(school, van, "GV02"))
        toan.send_command("/diemdanh")
        van.send_command("/diemdanh")
        sheets = await asyncio.gather(open_list(toan, "📋 Điểm danh 6A"), open_list(van, "📋 Điểm danh 6B"))
        sheets = await asyncio.gather(
            tap_student(toan, sheets[0], 2), tap_student(van, sheets[1], 1, times=2)
        )
        for person, sheet in zip((toan, van), sheets, strict=True):
            person.press(SAVE, sheet)
        summaries = await asyncio.gather(
            *(p.wait_for(lambda m: CONFIRM in m.button_texts) for p in (toan, van))
        )
        for person, summary in zip((toan, van), summaries, strict=True):
            person.press(CONFIRM, summary)
        await asyncio.gather(*(p.wait_for(lambda m: m.text.startswith("✅ Đã lưu")) for p in (toan, van)))
    assert await absences(school.database) == {"Trần Thị Ánh": "P", "Phạm Thu Ân": "K"}
    assert await count(school.database, AttendanceTakenRow) == 2


async def test_a_restart_in_the_middle_loses_nothing_and_saves_nothing_twice(school):
    teacher = school.api.person(5, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A")
        sheet = await tap_student(teacher, sheet, 1)
        sheet = await tap_student(teacher, sheet, 2, times=2)
    await school.pause(3)  # a restart takes a few seconds (and Telegram's flood limits do not forget)
    async with school.bot_running():  # the teacher goes on with the message shown before the restart
        sheet = await tap_student(teacher, sheet, 3, times=3)  # P, K, and back to present
        assert sheet.button_texts[:3] == ["1. Anh (P)", "2. Ánh (K)", "3. Bình ✓"]
        teacher.press(SAVE, sheet)
        summary = await teacher.wait_for(lambda m: CONFIRM in m.button_texts)
        confirm_data = summary.find_button(CONFIRM)["callback_data"]
        teacher.press(CONFIRM, summary)
        await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh."))
        teacher.press_data(summary.message_id, confirm_data)  # the same button pressed again
        assert await teacher.wait_for(lambda m: m.text.startswith("Không có buổi điểm danh nào đang mở"))
        teacher.send_command("/diemdanh")  # taking the same day again shows what was saved
        again = await open_list(teacher, "📋 Điểm danh 6A, 14/10/2025")
        assert "Đã điểm danh lúc 14/10/2025 08:00" in again.text
        assert again.button_texts[:3] == ["1. Anh (P)", "2. Ánh (K)", "3. Bình ✓"]
        teacher.press(SAVE, again)
        teacher.press(CONFIRM, await teacher.wait_for(lambda m: CONFIRM in m.button_texts))
        resaved = await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh."))
        assert "Không có gì thay đổi" in resaved.text
    assert await absences(school.database) == {"Lê Minh Anh": "P", "Trần Thị Ánh": "K"}
    changes = await count(school.database, ChangeRow, ChangeRow.entity == "absence", ChangeRow.account == "5")
    assert changes == 2, "each saved mark is recorded once, with the account it came from"


async def test_others_are_refused_and_forged_buttons_change_nothing(school):
    van, admin = school.api.person(6, "Văn"), school.api.person(7, "Quản trị")
    async with school.database.session(read_only=True) as session:
        class_6a = await session.scalar(select(ClassRow.id).where(ClassRow.name == "6A"))
        student_6a = await session.scalar(select(StudentRow.id).where(StudentRow.code == "HS001"))
    async with school.bot_running():
        await link(school, admin, "CB03")
        admin.send_command("/diemdanh")
        assert await admin.wait_for(lambda m: m.text.startswith("Chỉ giáo viên chủ nhiệm điểm danh"))
        await link(school, van, "GV02")  # homeroom 6B; teaches Ngữ văn in 6A
        van.send_command("/diemdanh")
        sheet = await open_list(van, "📋 Điểm danh 6B")
        for forged in (
            f"att:t:{student_6a}",
            f"att:sm:{class_6a}:202510",
            f"att:so:{class_6a}:202510",
            "att:c:99999",
            "att:t:x",
            "att:zz",
        ):
            van.press_data(sheet.message_id, forged)
            assert await van.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        van.press_data(sheet.message_id, "att:d:20251015")  # tomorrow
        assert await van.wait_for(lambda m: m.text.startswith("15/10/2025 chưa tới"))
    assert await absences(school.database) == {}
    assert await count(school.database, AttendanceMonthRow) == 0
    assert await count(school.database, RefusalRow, RefusalRow.action == "take-attendance") == 7


async def test_a_photo_or_text_in_the_flow_gets_a_hint_and_changes_nothing(school):
    teacher = school.api.person(8, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A")
        await tap_student(teacher, sheet, 1)
        assert (await teacher.ask("Bình nghỉ ốm")).text.startswith("Đang điểm danh: hãy dùng các nút")
        teacher.send_photo(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        assert await teacher.wait_for(lambda m: m.text.startswith("Đang điểm danh: hãy dùng các nút"))
        teacher.press("📅 Ngày khác", sheet)
        days = await teacher.wait_for(lambda m: m.text.startswith("Điểm danh lớp 6A — chọn ngày"))
        assert days.button_texts[:3] == ["Hôm nay 14/10/2025", "T2 13/10/2025", "T7 11/10/2025"]
        assert (await teacher.ask("hôm kia")).text.startswith("«hôm kia» không phải là một ngày")
        assert (await teacher.ask("20/10")).text.startswith("20/10/2024 không thuộc năm học này")
        teacher.press("⬅ Quay lại", days)  # the mark toggled before is still there
        back = await open_list(teacher, "📋 Điểm danh 6A, 14/10/2025")
        assert back.button_texts[0] == "1. Anh (P)"
    assert await absences(school.database) == {}
    assert await count(school.database, AttendanceTakenRow) == 0


async def test_the_days_offered_leave_out_the_schools_days_off(school):
    async with UnitOfWork(school.database) as uow:
        await uow.calendar.save_days_off(YEAR, (DayOff(date(2025, 10, 13), date(2025, 10, 13), "Nghỉ bù"),))
        await uow.commit()
    teacher = school.api.person(18, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A")
        teacher.press("📅 Ngày khác", sheet)
        days = await teacher.wait_for(lambda m: m.text.startswith("Điểm danh lớp 6A — chọn ngày"))
        assert days.button_texts[:3] == ["Hôm nay 14/10/2025", "T7 11/10/2025", "T6 10/10/2025"]
        typed = await teacher.ask("13/10")  # a day off may still be typed: a class may meet on one
        assert typed.text.startswith("📋 Điểm danh 6A, 13/10/2025")


async def test_the_month_with_totals_is_submitted_and_then_closed_to_editing(school):
    teacher = school.api.person(9, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        for typed, marks in (("13/10", {1: 1, 3: 2}), (None, {1: 2})):
            teacher.send_command("/diemdanh")
            sheet = await open_list(teacher, "📋 Điểm danh 6A, 14/10/2025")
            if typed:
                teacher.press("📅 Ngày khác", sheet)
                await teacher.wait_for(lambda m: m.text.startswith("Điểm danh lớp 6A — chọn ngày"))
                teacher.send_text(typed)
                sheet = await open_list(teacher, "📋 Điểm danh 6A, 13/10/2025")
            for number, times in marks.items():
                sheet = await tap_student(teacher, sheet, number, times)
            teacher.press(SAVE, sheet)
            teacher.press(CONFIRM, await teacher.wait_for(lambda m: CONFIRM in m.button_texts))
            saved = await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh."))
        teacher.press("📊 Tháng 10/2025", saved)
        month = await teacher.wait_for(lambda m: m.text.startswith("📊 Chuyên cần lớp 6A — tháng 10/2025"))
        assert month.text.splitlines()[1:] == [
            "Số ngày đã điểm danh: 2",
            "• Lê Minh Anh: 1 P, 1 K (ngày 13 P, 14 K)",
            "• Nguyễn Văn Bình: 0 P, 1 K (ngày 13 K)",
            "Cả lớp: 1 P, 2 K",
            "Chưa nộp — hạn nộp 03/11/2025.",
        ]
        school.clock.now = datetime(2025, 11, 2, 1, 0, tzinfo=UTC)  # 2 November, the month is due tomorrow
        teacher.send_command("/thang")
        november = await teacher.wait_for(lambda m: m.text.startswith("📊 Chuyên cần lớp 6A — tháng 11/2025"))
        teacher.press("◀ Tháng 10/2025", november)
        october = await teacher.wait_for(lambda m: m.text.startswith("📊 Chuyên cần lớp 6A — tháng 10/2025"))
        teacher.press("📤 Nộp tháng", october)
        ask = await teacher.wait_for(lambda m: m.text.startswith("Nộp điểm danh tháng 10/2025 của lớp 6A?"))
        submit = ask.find_button("📤 Xác nhận nộp")["callback_data"]
        teacher.press(submit, ask)
        done = await teacher.wait_for(lambda m: m.text.startswith("✅ Đã nộp điểm danh tháng."))
        assert "Đã nộp lúc 02/11/2025 08:00" in done.text and "📤 Nộp tháng" not in done.button_texts
        teacher.press_data(ask.message_id, submit)  # pressed twice
        assert await teacher.wait_for(lambda m: m.text.startswith("Điểm danh tháng 10/2025 đã nộp"))
        teacher.send_command("/diemdanh")
        sheet = await open_list(teacher, "📋 Điểm danh 6A, 02/11/2025")
        teacher.press("📅 Ngày khác", sheet)
        days = await teacher.wait_for(lambda m: m.text.startswith("Điểm danh lớp 6A — chọn ngày"))
        assert days.button_texts[:2] == ["Hôm nay 02/11/2025", "T7 01/11/2025"]  # October is closed
        refused = await teacher.ask("31/10")
        assert refused.text.startswith("Điểm danh tháng 10/2025 đã nộp") and "/suadiem" in refused.text
    assert await count(school.database, AttendanceMonthRow) == 1
    assert await count(school.database, ChangeRow, ChangeRow.entity == "attendance_month") == 1
    assert await count(school.database, AbsenceRow) == 3


async def test_a_school_with_two_sessions_chooses_the_session(school):
    async with school.database.session() as session:
        row = await session.scalar(select(SchoolRow))
        row.settings = {**(row.settings or {}), "sessions_per_day": 2}
        await session.commit()
    teacher = school.api.person(10, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/diemdanh")
        choice = await teacher.wait_for(
            lambda m: m.text.startswith("Điểm danh lớp 6A, 14/10/2025 — chọn buổi")
        )
        teacher.press("🌇 Buổi chiều", choice)
        sheet = await open_list(teacher, "📋 Điểm danh 6A, 14/10/2025 (chiều)")
        sheet = await tap_student(teacher, sheet, 3)
        teacher.press(SAVE, sheet)
        summary = await teacher.wait_for(lambda m: CONFIRM in m.button_texts)
        assert summary.text.startswith("6A, 14/10/2025 (chiều): 1 vắng — Bình (P)")
        teacher.press(CONFIRM, summary)
        await teacher.wait_for(lambda m: m.text.startswith("✅ Đã lưu điểm danh."))
    async with school.database.session(read_only=True) as session:
        assert (await session.execute(select(AbsenceRow.day, AbsenceRow.session, AbsenceRow.mark))).all() == [
            (date(2025, 10, 14), 2, "P")
        ]
