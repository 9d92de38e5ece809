"""Released means frozen: the mid-term cards of 6A are approved; a score corrected afterwards does not
reach the parent's /ketqua, and the homeroom teacher is told that evening that the released cards are
out of date; after the next approval the parent sees the new value."""

from datetime import UTC, datetime

from domain.columns import offered_columns
from domain.evaluation import rules_for
from storage.changes import Author
from storage.uow import UnitOfWork
from tests.bot.test_notices import student_codes
from tests.bot.test_notices_report_cards import child, release
from tests.bot.test_notices_scheduler import restart
from tests.bot.test_score_entry import link
from tests.exports.conftest import fill_class

CARD = "PHIẾU LIÊN LẠC · Giữa học kỳ I"
OUT_OF_DATE = "⚠️ Phiếu liên lạc lớp 6A — Giữa học kỳ I đã công bố không còn khớp"


async def correct_midterm(database, student_id: int, value: str) -> None:
    """The Toán mid-term score of the student, re-entered after the release (the teacher's own store)."""
    async with UnitOfWork(database) as uow:
        year = await uow.school.year()
        year_row = await uow.school.year_row()
        class_row = await uow.school.class_row("6A")
        subject_id = next(row.id for row in (await uow.school.subject_rows()).values() if row.name == "Toán")
        subject = await uow.gradebook.subject(subject_id)
        offered = offered_columns(rules_for(year.name, class_row.grade), subject, class_row.grade)
        column = next(o.column for o in offered if o.column.kind.value == "midterm")
        author = Author(None, "test", "", datetime(2025, 10, 15, 3, 0, tzinfo=UTC))
        saved = await uow.gradebook.save_column(
            class_row.id, subject_id, year_row.id, 1, column, {student_id: value}, author, may_overwrite=True
        )
        assert saved.saved == 1
        await uow.commit()


async def release_again(teacher, vice, after: int) -> None:
    """The homeroom teacher prepares and submits the period again; the vice-principal approves."""
    teacher.send_command("/phieulienlac")
    periods = await teacher.wait_for(lambda m: "Giữa học kỳ I" in m.button_texts and m.message_id > after)
    teacher.press("Giữa học kỳ I", periods)
    prepared = await teacher.wait_for(
        lambda m: "📨 Gửi Phó hiệu trưởng duyệt" in m.button_texts and m.message_id >= periods.message_id
    )
    seen = max(m.message_id for m in vice.messages)
    teacher.press("📨 Gửi Phó hiệu trưởng duyệt", prepared)
    request = await vice.wait_for(
        lambda m: m.text.startswith("🗂 Phiếu liên lạc chờ duyệt") and m.message_id > seen
    )
    vice.press("✅ Duyệt và gửi phụ huynh", request)
    await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt") and m.message_id >= request.message_id)


def toan(card_text: str) -> str:
    return next(line for line in card_text.splitlines() if line.startswith("• Toán — "))


async def test_a_correction_after_release_reaches_parents_only_through_the_next_approval(demo_school):
    school = demo_school
    await fill_class(school.database, "6A", semesters=(1,))
    code = (await student_codes(school.database, "6A"))[0]
    student_id, _, approved = await child(school.database, code)
    corrected = "9,5" if approved != "9,5" else "8,5"
    teacher, vice = school.api.person(1, "Cô chủ nhiệm 6A"), school.api.person(2, "Thầy Phó hiệu trưởng")
    mother = school.api.person(100, f"PH {code}")
    async with school.bot_running():
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        mother.send_command(f"/start {await school.invite_parent(code)}")
        await mother.wait_for(lambda m: len(m.buttons) > 0)
        await release(teacher, vice, "Giữa học kỳ I", "6A")
        sent = await mother.wait_for(lambda m: m.text.startswith(CARD))
        assert toan(sent.text).endswith(f"ĐĐGgk: {approved}")

    await correct_midterm(school.database, student_id, corrected.replace(",", "."))
    await restart(school, datetime(2025, 10, 15, 11, 0, tzinfo=UTC))  # 18:00 in Hà Nội: the evening check
    async with school.bot_running():
        warning = await teacher.wait_for(lambda m: m.text.startswith(OUT_OF_DATE))
        assert "1 học sinh" in warning.text and "/phieulienlac" in warning.text
        mother.send_command("/ketqua")
        choice = await mother.wait_for(lambda m: m.text.startswith("Kết quả đã công bố"))
        mother.press(choice.button_texts[0], choice)
        kept = await mother.wait_for(lambda m: m.text.startswith(CARD) and m.message_id > choice.message_id)
        assert toan(kept.text).endswith(f"ĐĐGgk: {approved}")  # what was approved, not the book

        await release_again(teacher, vice, warning.message_id)
        renewed = await mother.wait_for(lambda m: m.text.startswith(CARD) and m.message_id > kept.message_id)
        assert toan(renewed.text).endswith(f"ĐĐGgk: {corrected}")
        mother.send_command("/ketqua")
        choice = await mother.wait_for(
            lambda m: m.text.startswith("Kết quả đã công bố") and m.message_id > renewed.message_id
        )
        mother.press(choice.button_texts[-1], choice)
        latest = await mother.wait_for(lambda m: m.text.startswith(CARD) and m.message_id > choice.message_id)
        assert toan(latest.text).endswith(f"ĐĐGgk: {corrected}")
    assert len([m for m in teacher.messages if m.text.startswith(OUT_OF_DATE)]) == 1
