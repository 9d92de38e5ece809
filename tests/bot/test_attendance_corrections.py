"""An attendance mark of a month already submitted is corrected like a score: the homeroom teacher asks,
the vice-principal approves, and /lichsu shows both steps; a subject teacher sees no other class's
attendance history."""

from datetime import datetime

from sqlalchemy import func, select

from storage.changes import Author
from storage.models import RefusalRow, StaffRow
from storage.uow import UnitOfWork
from tests.bot.test_corrections import press_in_turn
from tests.bot.test_score_entry import link
from tests.storage.helpers import class_list_names


async def test_an_attendance_mark_of_a_submitted_month_is_corrected_after_approval(school):
    first = (await class_list_names(school.database, "6A"))[0]
    async with UnitOfWork(school.database) as uow:
        class_id = (await uow.school.class_row("6A")).id
        teacher_id = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "GV01"))
        student = (await uow.roster.class_list("6A", (await uow.school.year_row()).name))[0]
        author = Author(teacher_id, "telegram", "1", school.clock())
        day = datetime(2025, 9, 22).date()
        await uow.attendance.save_day(class_id, day, 0, [student.id], {student.id: "P"}, author)
        await uow.attendance.submit_month(class_id, 2025, 9, author)
        await uow.commit()
    teacher, deputy = school.api.person(1, "Thầy Toàn"), school.api.person(2, "Thầy Phó")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, deputy, "CB02")
        teacher.send_command("/suadiem")
        await press_in_turn(teacher, "📋 Điểm danh 6A (tháng đã nộp)", "09/2025", f"1. {first}")
        asked = await teacher.wait_for(lambda m: "các ngày vắng đã ghi" in m.text)
        assert "22/09 P" in asked.text
        assert "không thuộc tháng 09/2025" in (await teacher.ask("22/10 K")).text
        assert "đã ghi đúng như vậy" in (await teacher.ask("22/09 P")).text
        await teacher.ask("22/09 K")
        await teacher.ask("Gia đình không xin phép, ghi nhầm")
        await press_in_turn(teacher, "Bỏ qua, không có ảnh")
        slip = await teacher.wait_for(lambda m: "📨 Gửi đề nghị" in m.button_texts)
        assert "Lớp 6A · Điểm danh ngày 22/09/2025" in slip.text
        assert "vắng có phép (P) → vắng không phép (K)" in slip.text
        teacher.press("📨 Gửi đề nghị", slip)
        card = await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        deputy.press("✅ Duyệt", card)
        await teacher.wait_for(lambda m: "Điểm danh đã được sửa" in m.text)

        deputy.send_command("/lichsu")
        await press_in_turn(deputy, "📋 Điểm danh 6A", "09/2025", f"1. {first}")
        history = await deputy.wait_for(lambda m: m.text.startswith("Lịch sử điểm danh:"))
        assert history.text.splitlines()[0] == f"Lịch sử điểm danh: {first}, tháng 09/2025"
        taken, corrected = history.text.splitlines()[1:]
        assert taken.startswith("22/09: • ") and taken.endswith("Trần Văn Toàn: có mặt → P")
        assert "Phạm Văn Phó: P → K" in corrected and "Gia đình không xin phép, ghi nhầm" in corrected
    async with UnitOfWork(school.database, read_only=True) as uow:
        assert await uow.attendance.marks([student.id], day, 0) == {student.id: "K"}


async def test_a_subject_teacher_sees_no_attendance_history_of_a_class_not_hers(school):
    """GV01 is 6A's homeroom teacher and teaches Toán in 6B: /lichsu offers him 6A's attendance, not
    6B's, and a forged press for 6B's attendance is refused and logged."""
    async with UnitOfWork(school.database, read_only=True) as uow:
        class_id = (await uow.school.class_row("6B")).id
    teacher = school.api.person(1, "Thầy Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/lichsu")
        menu = await teacher.wait_for(lambda m: "6B" in m.button_texts)
        assert [label for label in menu.button_texts if "Điểm danh" in label] == ["📋 Điểm danh 6A"]
        teacher.press_data(menu.message_id, f"cr:am:{class_id}")
        await teacher.wait_for(lambda m: "không có quyền" in m.text)
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(func.count()).select_from(RefusalRow)) == 1
