"""The homeroom teacher enters the class's conduct at the end of the semester."""

from sqlalchemy import select

from storage.models import ConductRow, StudentRow
from tests.bot.test_score_entry import link


async def test_conduct_in_one_message_by_initials_fixed_and_saved(school):
    teacher = school.api.person(21, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")  # homeroom teacher of 6A
        teacher.send_command("/renluyen")
        semesters = await teacher.wait_for(lambda m: "HK 1 •" in m.button_texts)
        teacher.press("HK 1 •", semesters)
        prompt = await teacher.wait_for(lambda m: m.text.startswith("Rèn luyện lớp 6A · HK 1"))
        assert "Các mức: Tốt, Khá, Đạt, Chưa đạt" in prompt.text
        review = await teacher.ask("t kha x")
        assert (
            "• Số 3 (Nguyễn Văn Bình): «x» không hợp lệ; chỉ dùng Tốt, Khá, Đạt, Chưa đạt (hoặc v)."
            in review.text
        )
        fixed = await teacher.ask("3=cđ")
        teacher.press("✅ Lưu cột điểm", fixed)
        saved = await teacher.wait_for(lambda m: m.text.startswith("Đã lưu Rèn luyện lớp 6A · HK 1"))
        assert saved.text.splitlines()[1:] == [
            "1. Lê Minh Anh — Tốt",
            "2. Trần Thị Ánh — Khá",
            "3. Nguyễn Văn Bình — Chưa đạt",
        ]
    async with school.database.session(read_only=True) as session:
        rows = await session.execute(
            select(StudentRow.code, ConductRow.level).join(StudentRow, StudentRow.id == ConductRow.student_id)
        )
        assert dict(rows.all()) == {"HS003": "Tốt", "HS002": "Khá", "HS001": "Chưa đạt"}


async def test_only_the_homeroom_teacher_enters_conduct(school):
    teacher = school.api.person(22, "Văn")
    async with school.bot_running():
        await link(school, teacher, "GV02")  # homeroom of 6B, not 6A
        teacher.send_command("/renluyen")
        semesters = await teacher.wait_for(lambda m: "HK 1 •" in m.button_texts)
        teacher.press_data(semesters.message_id, "cd:c:1")  # 6A
        assert await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
