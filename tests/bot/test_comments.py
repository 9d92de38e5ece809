"""A subject teacher writes comments, typed or picked, for the students of a class."""

import subprocess

from sqlalchemy import select

from domain.report_card import Period, report_cards
from exports.report_cards import card_pdf
from locales import translator
from storage.models import ChangeRow, ClassRow, HomeroomCommentRow, StudentRow, SubjectCommentRow
from storage.uow import UnitOfWork
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


async def test_the_homeroom_teacher_writes_the_homeroom_comment_and_the_report_card_prints_it(
    school, tmp_path
):
    homeroom = school.api.person(33, "Toàn")  # GV01: homeroom teacher of 6A
    async with school.bot_running():
        await link(school, homeroom, "GV01")
        homeroom.send_command("/nhanxet")
        choices = await homeroom.wait_for(lambda m: "6A · Chủ nhiệm" in m.button_texts)
        assert "6B · Chủ nhiệm" not in choices.button_texts  # GV02's class
        homeroom.press("6A · Chủ nhiệm", choices)
        homeroom.press("HK 1 •", await homeroom.wait_for(lambda m: "HK 1 •" in m.button_texts))
        homeroom.press("1. Anh", await homeroom.wait_for(lambda m: m.text.startswith("Đã nhận xét 0/3")))
        await homeroom.wait_for(lambda m: m.text.startswith("Nhận xét cho Lê Minh Anh"))
        comment = "Em ngoan, lễ phép; cần mạnh dạn phát biểu hơn trong giờ học."
        assert (await homeroom.ask(comment)).text.startswith("Đã lưu nhận xét cho Lê Minh Anh")
        after = await homeroom.wait_for(lambda m: m.text.startswith("Đã nhận xét 1/3"))
        assert "1. Anh ✓" in after.button_texts
    async with school.database.session(read_only=True) as session:
        rows = await session.execute(
            select(StudentRow.code, HomeroomCommentRow.semester, HomeroomCommentRow.text).join(
                StudentRow, StudentRow.id == HomeroomCommentRow.student_id
            )
        )
        assert rows.all() == [("HS003", 1, comment)]
        assert await session.scalar(select(ChangeRow.new_value).where(ChangeRow.entity == "homeroom_comment"))
        assert not list(await session.scalars(select(SubjectCommentRow)))
    async with UnitOfWork(school.database, read_only=True) as uow:
        book = await uow.exports.class_book("6A")
    cards = report_cards(book, Period.SEMESTER_1)
    assert [card.homeroom_comment for card in cards] == [comment, None, None]
    path = tmp_path / "cards.pdf"
    path.write_bytes(card_pdf(cards, translator("vi")))
    first = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True).stdout
    assert comment in " ".join(first.split())
    midterm = report_cards(
        book, Period.MIDTERM_1
    )  # the homeroom comment is the semester's, not the mid-term's
    assert [card.homeroom_comment for card in midterm] == [None, None, None]
    path.write_bytes(card_pdf(midterm, translator("vi")))
    first = subprocess.run(["pdftotext", "-l", "1", str(path), "-"], capture_output=True, text=True).stdout
    assert "Lê Minh Anh" in " ".join(first.split()) and "cần mạnh dạn" not in " ".join(first.split())


async def test_a_subject_teacher_may_not_write_another_classs_homeroom_comment(school):
    teacher = school.api.person(34, "Văn")  # GV02: homeroom of 6B, teaches Ngữ văn in 6A
    async with school.bot_running():
        await link(school, teacher, "GV02")
        teacher.send_command("/nhanxet")
        choices = await teacher.wait_for(lambda m: "6B · Chủ nhiệm" in m.button_texts)
        data = choices.find_button("6B · Chủ nhiệm")["callback_data"].replace(
            f":{await _class_id(school, '6B')}:", f":{await _class_id(school, '6A')}:"
        )
        teacher.press_data(choices.message_id, data)
        assert await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))


async def _class_id(school, name: str) -> int:
    async with school.database.session(read_only=True) as session:
        return await session.scalar(select(ClassRow.id).where(ClassRow.name == name))


async def test_the_mid_term_card_prints_the_mid_term_comment_and_the_semester_card_the_semesters(school):
    teacher = school.api.person(34, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        for period, comment in (
            ("Giữa HK 1 •", "Giữa kỳ: cần luyện tập thêm."),
            ("HK 1 •", "Cuối kỳ: tiến bộ."),
        ):
            teacher.send_command("/nhanxet")
            teacher.press("6A · Toán", await teacher.wait_for(lambda m: "6A · Toán" in m.button_texts))
            teacher.press(period, await teacher.wait_for(lambda m, p=period: p in m.button_texts))
            teacher.press("1. Anh", await teacher.wait_for(lambda m: m.text.startswith("Đã nhận xét 0/3")))
            await teacher.wait_for(lambda m: m.text.startswith("Nhận xét cho Lê Minh Anh"))
            assert (await teacher.ask(comment)).text.startswith("Đã lưu nhận xét cho Lê Minh Anh")
    async with UnitOfWork(school.database, read_only=True) as uow:
        book = await uow.exports.class_book("6A")
    for period, comment in (
        (Period.MIDTERM_1, "Giữa kỳ: cần luyện tập thêm."),
        (Period.SEMESTER_1, "Cuối kỳ: tiến bộ."),
    ):
        anh = report_cards(book, period)[0]
        assert anh.student.full_name == "Lê Minh Anh"
        assert {line.name: line.comment for line in anh.subjects}["Toán"] == comment
    assert {line.name: line.comment for line in report_cards(book, Period.MIDTERM_2)[0].subjects}[
        "Toán"
    ] is None
