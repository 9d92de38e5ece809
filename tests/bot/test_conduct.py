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


async def test_a_primary_homeroom_teacher_rates_a_quality(database):
    from tests.bot.conftest import bot_api_over
    from tests.bot.primary import create_primary_school

    await create_primary_school(database)
    async with bot_api_over(database) as school:
        person = school.api.person(41, "Cô Thu")
        async with school.bot_running():
            await link(school, person, "GV31")
            person.send_command("/renluyen")
            aspects = await person.wait_for(lambda m: "chăm chỉ" in m.button_texts)
            assert aspects.button_texts[:5] == [
                "yêu nước",
                "nhân ái",
                "chăm chỉ",
                "trung thực",
                "trách nhiệm",
            ]
            person.press("chăm chỉ", aspects)
            person.press("HK 1 •", await person.wait_for(lambda m: "HK 1 •" in m.button_texts))
            prompt = await person.wait_for(lambda m: "Các mức: T, Đ, C" in m.text)
            assert prompt.text.startswith("chăm chỉ lớp 3A · HK 1")
            review = await person.ask("t c")
            person.press("✅ Lưu cột điểm", review)
            saved = await person.wait_for(lambda m: m.text.startswith("Đã lưu chăm chỉ lớp 3A · HK 1"))
            assert saved.text.splitlines()[1:] == ["1. Võ Văn An — T", "2. Lý Thị Ngọc — C"]
            person.send_command("/ketqua")
            person.press("3A — cả lớp", await person.wait_for(lambda m: "3A — cả lớp" in m.button_texts))
            person.press("HK 1", await person.wait_for(lambda m: "HK 1" in m.button_texts))
            assert await person.wait_for(lambda m: "được đánh giá cuối năm: hãy chọn «Cả năm»" in m.text)
    async with database.session(read_only=True) as session:
        aspects = await session.scalars(select(ConductRow.aspect))
        assert set(aspects) == {"chăm chỉ"}


async def test_a_primary_class_s_year_results_come_from_the_book(database):
    """At the end of the year Ngọc has T everywhere and 9 in every test; An has H with tests of 6 and one
    quality rated C. /ketqua for the whole year shows the TT27 levels; a subject shows level and test."""
    from tests.bot.conftest import bot_api_over
    from tests.bot.primary import create_primary_school, fill_primary_year

    await create_primary_school(database)
    ratings = {"P1": "T", "P2": "Đ"}
    await fill_primary_year(database, {"P1": "T", "P2": "H"}, {"P1": "9", "P2": "6"}, ratings)
    async with bot_api_over(database) as school:
        person = school.api.person(41, "Cô Thu")
        async with school.bot_running():
            await link(school, person, "GV31")
            person.send_command("/ketqua")
            person.press("3A — cả lớp", await person.wait_for(lambda m: "3A — cả lớp" in m.button_texts))
            person.press("Cả năm", await person.wait_for(lambda m: "Cả năm" in m.button_texts))
            shown = await person.wait_for(lambda m: m.text.startswith("3A · Cả năm"))
            assert shown.text.splitlines()[2:4] == [
                "1. Võ Văn An — Học tập: Hoàn thành · lên lớp",
                "2. Lý Thị Ngọc — Học tập: Hoàn thành xuất sắc · lên lớp",
            ]
            why = await person.ask("2")
            assert "Học sinh Xuất sắc" in why.text
    from domain.report_card import Period, report_cards
    from storage.uow import UnitOfWork

    async with UnitOfWork(database, read_only=True) as uow:
        cards = report_cards(await uow.exports.class_book("3A"), Period.YEAR)
    assert [(c.student.full_name, c.learning, c.award) for c in cards] == [
        ("Võ Văn An", "Hoàn thành", None),
        ("Lý Thị Ngọc", "Hoàn thành xuất sắc", "Học sinh Xuất sắc"),
    ]  # the year cards read the same ratings from the book


async def test_a_primary_homeroom_teacher_proposes_the_year_lists_with_an_exemplary_pupil(database):
    """TT27 at the end of the year: /xetlenlop first names the ratings still missing; once everything is
    in, Ngọc completes with distinction (Học sinh Xuất sắc) and An completes well; the class recognises
    An as exemplary, with a reason, and An is awarded Học sinh Tiêu biểu."""
    from datetime import UTC, datetime

    from tests.bot.conftest import bot_api_over
    from tests.bot.primary import create_primary_school, fill_primary_year

    await create_primary_school(database)
    await fill_primary_year(database, {"P1": "T", "P2": "T"}, {"P1": "9", "P2": "8"}, {"P1": "T"})
    async with bot_api_over(database) as school:
        school.clock.now = datetime(2026, 5, 25, 2, 0, tzinfo=UTC)
        person = school.api.person(41, "Cô Thu")
        async with school.bot_running():
            await link(school, person, "GV31")
            waiting = await person.ask("/xetlenlop")
            assert "• Phẩm chất, năng lực · HK 2: 1" in waiting.text.splitlines()
            await fill_primary_year(database, {}, {}, {"P2": "T"})
            counts = await person.ask("/xetlenlop")
            assert "Sĩ số: 2 học sinh" in counts.text and "• Lên lớp: 2" in counts.text
            assert "• Học sinh Xuất sắc: 1" in counts.text
            line = await person.ask("1")
            assert line.text.startswith("Võ Văn An\nHọc tập: Hoàn thành tốt")
            person.press("⚑ Học sinh tiêu biểu", line)
            await person.wait_for(lambda m: "hãy gửi lý do" in m.text)
            flagged = await person.ask("Giúp đỡ các bạn trong lớp, đạt giải vẽ tranh cấp trường")
            assert "Học sinh tiêu biểu: Giúp đỡ các bạn trong lớp" in flagged.text
            assert "Học sinh Tiêu biểu hoàn thành tốt trong học tập và rèn luyện" in flagged.text
