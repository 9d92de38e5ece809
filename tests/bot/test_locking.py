"""The vice-principal locks and opens the book from the phone; teachers find it locked or open."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from storage.models import ChangeRow, RefusalRow
from tests.bot.test_corrections import press_in_turn
from tests.bot.test_score_entry import link


async def open_regular_column(teacher):
    teacher.send_command("/nhapdiem")
    await press_in_turn(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 1")
    return await teacher.wait_for(lambda m: "Sổ điểm đang khoá" in m.text or "Gửi giá trị" in m.text)


async def test_a_grade_locked_now_and_one_class_opened_for_a_day(school):
    deputy, teacher = school.api.person(2, "Thầy Phó"), school.api.person(1, "Thầy Toàn")
    async with school.bot_running():
        await link(school, deputy, "CB02")
        await link(school, teacher, "GV01")
        deputy.send_command("/khoaso")
        await press_in_turn(deputy, "Khối 6", "Toán", "Thường xuyên", "Ngay bây giờ")
        confirm = await deputy.wait_for(lambda m: "✅ Xác nhận" in m.button_texts)
        assert confirm.text == "🔒 Khoá sổ · Khối 6 · Toán · Thường xuyên · từ 14/10/2025 08:00"
        deputy.press("✅ Xác nhận", confirm)
        await deputy.wait_for(lambda m: m.text.startswith("Đã ghi: 🔒 Khoá sổ · Khối 6"))
        assert "Sổ điểm đang khoá" in (await open_regular_column(teacher)).text

        deputy.send_command("/moso")
        await press_in_turn(
            deputy, "Một lớp…", "6A", "Toán", "mọi cột", "Ngay bây giờ", "1 ngày", "✅ Xác nhận"
        )
        saved = await deputy.wait_for(lambda m: m.text.startswith("Đã ghi: 🔓 Mở sổ"))
        assert saved.text.endswith("Lớp 6A · Toán · mọi cột · từ 14/10/2025 08:00 đến 15/10/2025 08:00")
        teacher.send_command("/huy")
        assert "Gửi giá trị" in (await open_regular_column(teacher)).text

        deputy.send_command("/lichkhoa")
        plan = await deputy.wait_for(lambda m: m.text.startswith("📅 Lịch khoá/mở sổ — HK 1"))
        assert "• Thường xuyên: mở từ" in plan.text
        assert plan.text.count("đang áp dụng") == 2
    async with school.database.session(read_only=True) as session:
        recorded = await session.scalar(
            select(func.count()).select_from(ChangeRow).where(ChangeRow.entity == "book-window")
        )
    assert recorded == 2


async def test_a_lock_set_for_later_takes_effect_at_its_time(school):
    deputy, teacher = school.api.person(2, "Thầy Phó"), school.api.person(1, "Thầy Toàn")
    async with school.bot_running():
        await link(school, deputy, "CB02")
        await link(school, teacher, "GV01")
        deputy.send_command("/khoaso")
        await press_in_turn(deputy, "Toàn trường", "Tất cả các môn", "mọi cột")
        await deputy.wait_for(lambda m: "Từ lúc nào?" in m.text)
        assert "Không đọc được ngày giờ" in (await deputy.ask("31/02/2025 17:00")).text
        assert "Thời điểm này đã qua" in (await deputy.ask("01/10/2025")).text
        assert "nằm ngoài năm học" in (await deputy.ask("20/10/2027 17:00")).text
        confirm = await deputy.ask("20/10/2025 17:00")
        assert confirm.text == "🔒 Khoá sổ · Toàn trường · mọi cột · từ 20/10/2025 17:00"
        deputy.press("✅ Xác nhận", confirm)
        await deputy.wait_for(lambda m: m.text.startswith("Đã ghi:"))
        deputy.send_command("/lichkhoa")
        assert "sắp tới" in (await deputy.wait_for(lambda m: m.text.startswith("📅"))).text
        assert "Gửi giá trị" in (await open_regular_column(teacher)).text
        teacher.send_command("/huy")
        school.clock.now = datetime(2025, 10, 20, 10, 1, tzinfo=UTC)  # 17:01 in Hà Nội
        assert "Sổ điểm đang khoá" in (await open_regular_column(teacher)).text


async def test_a_teacher_cannot_lock_or_open(school):
    teacher = school.api.person(1, "Thầy Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        for command in ("/khoaso", "/moso", "/lichkhoa"):
            assert "không có quyền" in (await teacher.ask(command)).text
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(func.count()).select_from(RefusalRow)) == 3
