"""The teacher looks at what the engine makes of the entered scores, and asks why."""

from datetime import UTC, datetime

from domain.windows import WindowDecision, WindowState
from storage.changes import Author
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link, open_column

MATH_COLUMNS = {
    "ĐĐGtx 1": "8 6 9",
    "ĐĐGtx 2": "8 6 9",
    "ĐĐGtx 3": "8 6 9",
    "ĐĐGtx 4": "8 6 v",
    "ĐĐGgk": "7 5 9",
    "ĐĐGck": "9 6,5 9",
}


async def open_the_book(school) -> None:
    """The vice-principal opens the whole book for semester 1 (every column kind)."""
    async with UnitOfWork(school.database) as uow:
        year = await uow.school.year_row()
        decision = WindowDecision(WindowState.OPEN, datetime(2025, 10, 1, tzinfo=UTC))
        await uow.windows.add_decision(year.id, 1, decision, Author(None, "cli", "", school.clock()))
        await uow.commit()


async def enter_column(teacher, label: str, values: str) -> None:
    teacher.send_command("/nhapdiem")
    await open_column(teacher, "6A · Toán", "HK 1 •", label)
    review = await teacher.ask(values)
    teacher.press("✅ Lưu cột điểm", review)
    await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))


async def test_averages_what_is_missing_and_why(school):
    await open_the_book(school)
    teacher = school.api.person(11, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        for label, values in MATH_COLUMNS.items():
            await enter_column(teacher, label, values)
        teacher.send_command("/ketqua")
        choose = await teacher.wait_for(lambda m: "6A · Toán" in m.button_texts)
        assert choose.button_texts[:1] == ["6A — cả lớp"]  # GV01 is also the homeroom teacher of 6A
        teacher.press("6A · Toán", choose)
        period = await teacher.wait_for(lambda m: "HK 1" in m.button_texts)
        teacher.press("HK 1", period)
        listing = await teacher.wait_for(lambda m: m.text.startswith("6A · Toán · HK 1"))
        lines = listing.text.splitlines()
        # (8×4 + 2×7 + 3×9) / 9 = 73/9 = 8,1 and (6×4 + 2×5 + 3×6,5) / 9 = 53,5/9 = 5,9;
        # the third student waits for a make-up test
        assert lines[2:5] == [
            "1. Lê Minh Anh — 8,1",
            "2. Trần Thị Ánh — 5,9",
            "3. Nguyễn Văn Bình — chưa đủ điểm",
        ]
        why = await teacher.ask("1")
        assert why.text.splitlines()[:2] == [
            "Vì sao — Lê Minh Anh:",
            "• ĐTBmhk = (32 + 2 × 7 + 3 × 9) / 9 = 8,1.",
        ]
        pending = await teacher.ask("3")
        assert "chờ kiểm tra bù" in pending.text
        assert (await teacher.ask("9")).text == "Không có học sinh số 9 (lớp có 3 học sinh)."

        teacher.send_command("/ketqua")
        choose = await teacher.wait_for(lambda m: "6A — cả lớp" in m.button_texts)
        teacher.press("6A — cả lớp", choose)
        teacher.press("HK 1", await teacher.wait_for(lambda m: "HK 1" in m.button_texts))
        overview = await teacher.wait_for(lambda m: m.text.startswith("6A · HK 1"))
        assert "1. Lê Minh Anh — chưa đủ điểm" in overview.text
        missing = await teacher.ask("1")
        assert "Ngữ văn" in missing.text and "thiếu" in missing.text


async def test_a_subject_teacher_cannot_open_another_teachers_subject(school):
    teacher = school.api.person(12, "Văn")
    async with school.bot_running():
        await link(school, teacher, "GV02")  # Ngữ văn in 6A, 6B; homeroom of 6B only
        teacher.send_command("/ketqua")
        choose = await teacher.wait_for(lambda m: "6A · Ngữ văn" in m.button_texts)
        assert "6A — cả lớp" not in choose.button_texts
        for forged in ("rs:c:1:0", "rs:c:1:2"):  # the whole of 6A; Toán in 6A
            teacher.press_data(choose.message_id, forged)
            assert await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
