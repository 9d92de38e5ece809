"""/biendong: the administrator records a class change and a transfer in from the chat, checks the summary
before anything is written; a wrong date is answered plainly and changes nothing; a teacher is refused
and the refusal is kept."""

from datetime import date

from sqlalchemy import func, select

from storage.changes import system_author
from storage.models import EnrolmentRow, RefusalRow
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link


async def codes(database, class_name: str, on: date | None = None) -> list[str]:
    async with UnitOfWork(database, read_only=True) as uow:
        return [s.code for s in await uow.roster.class_list(class_name, on=on)]


async def enrolments(database) -> int:
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.session.scalar(select(func.count()).select_from(EnrolmentRow))


async def test_the_administrator_moves_a_student_and_takes_one_in_from_the_chat(school):
    admin = school.api.person(3, "Anh Quản trị")
    async with school.bot_running():
        await link(school, admin, "CB03")
        admin.send_command("/biendong")
        admin.press("chuyển lớp", await admin.wait_for(lambda m: "chuyển lớp" in m.button_texts))
        await admin.wait_for(lambda m: m.text == "Gõ mã học sinh.")
        classes = await admin.ask("HS001")
        assert classes.text == "Nguyễn Văn Bình — chọn lớp mới:" and "6B" in classes.button_texts
        admin.press("6B", classes)
        await admin.wait_for(lambda m: m.text.startswith("Nguyễn Văn Bình — gõ ngày biến động"))
        assert (await admin.ask("20/10/2025")).text.startswith("Gõ lý do")
        summary = await admin.ask("Phụ huynh xin chuyển lớp")
        assert summary.text == (
            "Kiểm tra lại trước khi ghi:\nchuyển lớp: Nguyễn Văn Bình (HS001)\nLớp mới: 6B\n"
            "Từ ngày: 20/10/2025\nLý do: Phụ huynh xin chuyển lớp"
        )
        assert "HS001" in await codes(school.database, "6A")  # nothing written before the confirmation
        admin.press("✅ Ghi", summary)
        done = await admin.wait_for(lambda m: m.text.startswith("Đã ghi"))
        assert done.text == "Đã ghi: Nguyễn Văn Bình (HS001) chuyển từ lớp 6A sang lớp 6B từ ngày 20/10/2025."

        admin.send_command("/biendong")
        admin.press("chuyển đến", await admin.wait_for(lambda m: "chuyển đến" in m.button_texts))
        await admin.wait_for(lambda m: m.text == "Gõ mã học sinh.")
        assert (await admin.ask("HS100")).text.startswith("Chưa có học sinh mã «HS100»")
        classes = await admin.ask("Lê Thị Hồng Nhung, 03/04/2014")
        admin.press("6A", classes)
        await admin.wait_for(lambda m: "gõ ngày biến động" in m.text)
        assert "không phải ngày hợp lệ" in (await admin.ask("32/10/2025")).text
        await admin.ask("03/11/2025")
        admin.press("✅ Ghi", await admin.ask("Theo gia đình — từ THCS Lê Quý Đôn"))
        await admin.wait_for(
            lambda m: m.text.startswith("Đã ghi: Lê Thị Hồng Nhung (HS100) chuyển đến lớp 6A")
        )

    assert set(await codes(school.database, "6B")) == {"HS001", "HS004"}
    assert "HS001" in await codes(school.database, "6A", on=date(2025, 10, 19))
    assert "HS100" in await codes(school.database, "6A")
    assert "HS100" not in await codes(school.database, "6A", on=date(2025, 11, 2))


async def test_a_date_outside_the_year_is_answered_and_changes_nothing(school):
    admin = school.api.person(3, "Anh Quản trị")
    before = await enrolments(school.database)
    async with school.bot_running():
        await link(school, admin, "CB03")
        admin.send_command("/biendong")
        admin.press("bỏ học", await admin.wait_for(lambda m: "bỏ học" in m.button_texts))
        await admin.wait_for(lambda m: m.text == "Gõ mã học sinh.")
        await admin.ask("HS002")
        await admin.ask("15/07/2026")
        admin.press("✅ Ghi", await admin.ask("Hoàn cảnh gia đình"))
        refused = await admin.wait_for(lambda m: m.text.startswith("Ngày 15/07/2026 không thuộc năm học"))
        assert "Hãy nhập một ngày trong năm học." in refused.text
    assert await enrolments(school.database) == before
    assert "HS002" in await codes(school.database, "6A")


async def test_a_teacher_may_not_record_transfers_and_the_refusal_is_kept(school):
    teacher = school.api.person(4, "Thầy Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/biendong")
        await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
    async with UnitOfWork(school.database, read_only=True) as uow:
        actions = list(await uow.session.scalars(select(RefusalRow.action)))
    assert actions == ["transfer"]


async def test_attendance_lists_each_class_as_it_was_on_the_day_taken(school):
    async with UnitOfWork(school.database) as uow:
        await uow.transfers.move("HS001", "6B", date(2025, 10, 10), "xin chuyển lớp", system_author("test"))
        await uow.commit()
    toan, van = school.api.person(4, "Thầy Toàn"), school.api.person(5, "Cô Văn")
    async with school.bot_running():
        await link(school, toan, "GV01")  # homeroom 6A
        await link(school, van, "GV02")  # homeroom 6B
        toan.send_command("/diemdanh")
        today = await toan.wait_for(lambda m: m.text.startswith("📋 Điểm danh 6A, 14/10/2025") and m.buttons)
        assert "sĩ số 2" in today.text and not any("Bình" in label for label in today.button_texts)
        toan.press("📅 Ngày khác", today)
        await toan.wait_for(lambda m: m.text.startswith("Điểm danh lớp 6A — chọn ngày"))
        before = await toan.ask("09/10")
        assert before.text.startswith("📋 Điểm danh 6A, 09/10/2025 — sĩ số 3")
        assert any("Bình" in label for label in before.button_texts)
        van.send_command("/diemdanh")
        sheet = await van.wait_for(lambda m: m.text.startswith("📋 Điểm danh 6B, 14/10/2025") and m.buttons)
        assert "sĩ số 2" in sheet.text and any("Bình" in label for label in sheet.button_texts)
