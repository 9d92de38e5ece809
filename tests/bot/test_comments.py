"""A subject teacher writes comments, typed or picked, for the students of a class."""

from sqlalchemy import select

from storage.models import ChangeRow, StudentRow, SubjectCommentRow
from tests.bot.test_score_entry import link


async def test_comments_typed_and_picked_are_saved_in_vietnamese(school):
    teacher = school.api.person(31, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/ngonngu")
        teacher.press("English", await teacher.wait_for(lambda m: "English" in m.button_texts))
        await teacher.wait_for(lambda m: m.text.startswith("Switched to English."))
        teacher.send_command("/comments")
        teacher.press("6A · Toán", await teacher.wait_for(lambda m: "6A · Toán" in m.button_texts))
        teacher.press("Semester 1 •", await teacher.wait_for(lambda m: "Semester 1 •" in m.button_texts))
        listing = await teacher.wait_for(lambda m: m.text.startswith("Commented 0/3 students"))
        teacher.press("1. Anh", listing)
        ask = await teacher.wait_for(lambda m: m.text.startswith("Comment for Lê Minh Anh"))
        teacher.press("Clear progress; keep it up.", ask)
        after_pick = await teacher.wait_for(lambda m: m.text.startswith("Commented 1/3 students"))
        assert "1. Anh ✓" in after_pick.button_texts
        teacher.press("3. Bình", after_pick)
        await teacher.wait_for(lambda m: m.text.startswith("Comment for Nguyễn Văn Bình"))
        assert (await teacher.ask("Chăm chỉ,   cẩn thận  khi làm bài.")).text.startswith("Comment saved")
    async with school.database.session(read_only=True) as session:
        rows = await session.execute(
            select(StudentRow.code, SubjectCommentRow.text).join(
                StudentRow, StudentRow.id == SubjectCommentRow.student_id
            )
        )
        assert dict(rows.all()) == {
            "HS003": "Có tiến bộ rõ rệt, cần phát huy.",
            "HS001": "Chăm chỉ, cẩn thận khi làm bài.",
        }
        assert await session.scalar(select(ChangeRow.new_value).where(ChangeRow.entity == "comment").limit(1))


async def test_a_quick_pick_on_an_older_students_screen_is_refused(school):
    teacher = school.api.person(32, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/nhanxet")
        teacher.press("6A · Toán", await teacher.wait_for(lambda m: "6A · Toán" in m.button_texts))
        teacher.press("HK 1 •", await teacher.wait_for(lambda m: "HK 1 •" in m.button_texts))
        teacher.press("1. Anh", await teacher.wait_for(lambda m: "1. Anh" in m.button_texts))
        first = await teacher.wait_for(lambda m: m.text.startswith("Nhận xét cho Lê Minh Anh"))
        pick = first.find_button("Có tiến bộ rõ rệt, cần phát huy.")["callback_data"]
        assert (await teacher.ask("Tốt.")).text == "Đã lưu nhận xét cho Lê Minh Anh: «Tốt.»"
        listing = await teacher.wait_for(lambda m: "3. Bình" in m.button_texts)
        teacher.press("3. Bình", listing)
        await teacher.wait_for(lambda m: m.text.startswith("Nhận xét cho Nguyễn Văn Bình"))
        teacher.press_data(first.message_id, pick)  # Anh's old screen, while Bình's is open
        assert await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
    async with school.database.session(read_only=True) as session:
        texts = await session.scalars(select(SubjectCommentRow.text))
        assert list(texts) == ["Tốt."]
