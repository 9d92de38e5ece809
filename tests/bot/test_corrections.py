"""A saved score turns out wrong: the teacher asks for a correction from the phone, with a photo of
the test paper; the vice-principal approves (or rejects) it with one tap; the teacher is told; the
history of the value shows every step. One decision counts, even when two leaders press at once."""

import asyncio
import re
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import func, select

from domain.entry import Column
from domain.windows import ColumnKind, WindowDecision, WindowState
from localapi import Person
from storage.audit import verify
from storage.changes import Author
from storage.models import ChangeRow, CorrectionEvidenceRow, CorrectionRow, RefusalRow, ScoreRow, StaffRow
from storage.uow import UnitOfWork
from tests.bot.test_score_entry import link
from tests.localapi.helpers import png
from tests.storage.helpers import class_list_names
from tests.year_lists import approve_lists

REGULAR = Column(ColumnKind.REGULAR, 1)
MIDTERM = Column(ColumnKind.MIDTERM, 1)


async def saved_scores(
    school, column: Column, values: list[str], at=None, class_name="6A", subject="TOAN", teacher="GV01"
) -> None:
    """A teacher saved a column (values in class-list order): by default GV01's Toán in 6A."""
    async with UnitOfWork(school.database) as uow:
        year = await uow.school.year_row()
        class_id = (await uow.school.class_row(class_name)).id
        subject_id = (await uow.school.subject_rows())[subject].id
        teacher = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == teacher))
        students = await uow.roster.class_list(class_name, year.name)
        author = Author(teacher, "telegram", "1", at or school.clock())
        values_by_id = {s.id: v for s, v in zip(students, values, strict=True)}
        await uow.gradebook.save_column(class_id, subject_id, year.id, 1, column, values_by_id, author)
        await uow.commit()


@asynccontextmanager
async def correction_scene(school) -> AsyncIterator[tuple[str, Person, Person]]:
    """GV01's ĐĐGtx 1 in Toán for 6A saved as 6, 8, 9; the bot running with GV01 (Thầy Toàn) and the
    vice-principal (Thầy Phó) linked. Gives the first student's name, the teacher and the deputy."""
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, REGULAR, ["6", "8", "9"])
    teacher, deputy = school.api.person(1, "Thầy Toàn"), school.api.person(2, "Thầy Phó")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, deputy, "CB02")
        yield first, teacher, deputy


async def stored(school, column: Column) -> list[str]:
    """The column's values in class-list order."""
    async with UnitOfWork(school.database, read_only=True) as uow:
        students = await uow.roster.class_list("6A", (await uow.school.year_row()).name)
        rows = await uow.session.execute(
            select(ScoreRow.student_id, ScoreRow.value).where(
                ScoreRow.kind == column.kind.value, ScoreRow.position == column.position
            )
        )
        values = dict(rows.all())
    return [values[student.id] for student in students]


async def press_in_turn(person, *labels: str):
    for label in labels:
        message = await person.wait_for(lambda m, label=label: label in m.button_texts)
        person.press(label, message)


async def ask_for_correction(teacher, column_label: str, student: str, new: str, reason: str):
    teacher.send_command("/suadiem")
    await press_in_turn(teacher, "6A", "Toán", "HK 1", column_label)
    await press_student(teacher, student)
    await teacher.wait_for(lambda m: "Gửi giá trị mới" in m.text)
    await teacher.ask(new)
    return await teacher.ask(reason)


async def send_without_photo(teacher, deputy, first: str, new: str):
    """The teacher asks for the first student's ĐĐGtx 1 in Toán to become ``new``, without a photo, and
    sends it; returns the vice-principal's card with Approve."""
    slip = await ask_for_correction(teacher, "ĐĐGtx 1", first, new, "Ghi nhầm điểm của bạn cùng bàn")
    teacher.press("Bỏ qua, không có ảnh", slip)
    teacher.press("📨 Gửi đề nghị", await teacher.wait_for(lambda m: "📨 Gửi đề nghị" in m.button_texts))
    await teacher.wait_for(lambda m: "Đã gửi phiếu chỉnh điểm #" in m.text)
    return await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)


async def press_student(person, name: str) -> None:
    """Presses the first student's button (its label also shows the saved value)."""
    message = await person.wait_for(lambda m: "chọn học sinh" in m.text)
    person.press(next(label for label in message.button_texts if label.startswith(f"1. {name}")), message)


def read_pdf(content: bytes, folder) -> tuple[str, int]:
    """The text (poppler's pdftotext) and the number of images (pdfimages) of a PDF."""
    path = folder / "slip.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    return text.stdout, len(listing.stdout.splitlines()) - 2


async def test_the_vice_principal_approves_and_the_value_and_its_history_change(school, tmp_path):
    async with correction_scene(school) as (first, teacher, deputy):
        asked = await ask_for_correction(teacher, "ĐĐGtx 1", first, "7,5", "Ghi nhầm điểm của bạn cùng bàn")
        assert "Gửi ảnh minh chứng" in asked.text and "Bỏ qua, không có ảnh" in asked.button_texts
        teacher.mark_read()
        teacher.send_photo(png(40, 30))
        slip = await teacher.next_message()
        assert "Điểm cũ → điểm mới: 6 → 7,5" in slip.text
        assert "Minh chứng: 1 ảnh" in slip.text and "Trong hạn (hạn chót 08/12/2025" in slip.text
        teacher.press("📨 Gửi đề nghị", slip)
        sent = await teacher.wait_for(lambda m: "Đã gửi phiếu chỉnh điểm #" in m.text)
        assert "Phạm Văn Phó" in sent.text

        photo = await deputy.wait_for(lambda m: m.file is not None)
        assert deputy.file_bytes(photo) == png(40, 30)
        card = await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        assert f"Học sinh: {first}" in card.text and "Lý do: Ghi nhầm điểm của bạn cùng bàn" in card.text
        deputy.press("✅ Duyệt", card)
        done = await deputy.wait_for(lambda m: "đã được Phạm Văn Phó duyệt" in m.text)
        assert done.button_texts == ["🖨 In phiếu (PDF)"]  # no more Approve or Reject
        told = await teacher.wait_for(lambda m: "đã được Phạm Văn Phó duyệt" in m.text)
        assert "Điểm đã được sửa" in told.text
        assert await stored(school, REGULAR) == ["7.5", "8", "9"]

        deputy.press("🖨 In phiếu (PDF)", done)
        printed = await deputy.wait_for(lambda m: m.file is not None and m.file.file_name.endswith(".pdf"))
        slip_text, images = read_pdf(deputy.file_bytes(printed), tmp_path)
        assert "PHIẾU GHI NHẬN VIỆC CHỈNH ĐIỂM #" in slip_text and "6 → 7,5" in slip_text
        assert "Ban giám hiệu duyệt" in slip_text and images == 1  # the photo of the evidence

        teacher.send_command("/lichsu")
        await press_in_turn(teacher, "6A", "Toán", "HK 1", "ĐĐGtx 1")
        await press_student(teacher, first)
        history = await teacher.wait_for(lambda m: m.text.startswith("Lịch sử:"))
        lines = history.text.splitlines()[1:]
        assert lines[0].endswith("Trần Văn Toàn: — → 6")
        assert "Phạm Văn Phó: 6 → 7,5" in lines[1] and "Ghi nhầm điểm của bạn cùng bàn" in lines[1]
    async with school.database.session(read_only=True) as session:
        evidence = await session.scalar(select(CorrectionEvidenceRow.content))
        assert evidence == png(40, 30)  # downloaded and kept, not only Telegram's file id
    async with school.database.session(read_only=True) as session:
        report = await verify(session)
    assert report.first_break is None and report.entries >= 6


async def test_a_rejection_tells_the_teacher_why_and_changes_nothing(school):
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, REGULAR, ["6", "8", "9"])
    teacher, principal = school.api.person(1, "Thầy Toàn"), school.api.person(3, "Cô Hạnh")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, principal, "CB01")
        await ask_for_correction(teacher, "ĐĐGtx 1", first, "9", "Chấm lại bài")
        await press_in_turn(teacher, "Bỏ qua, không có ảnh", "📨 Gửi đề nghị")
        card = await principal.wait_for(lambda m: "❌ Từ chối" in m.button_texts)
        assert "Minh chứng: không có ảnh" in card.text
        principal.press("❌ Từ chối", card)
        await principal.wait_for(lambda m: "Lý do từ chối phiếu" in m.text)
        principal.send_text("Cần bài làm của học sinh để đối chiếu")
        told = await teacher.wait_for(lambda m: "đã bị Nguyễn Thị Hạnh từ chối" in m.text)
        assert "Lý do: Cần bài làm của học sinh để đối chiếu" in told.text
    assert await stored(school, REGULAR) == ["6", "8", "9"]


async def test_a_late_midterm_correction_needs_the_paper_and_the_examiner_and_says_it_is_late(school):
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, MIDTERM, ["5", "7", "8"], at=datetime(2025, 11, 5, 3, 0, tzinfo=UTC))
    school.clock.now = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
    teacher, deputy = school.api.person(1, "Thầy Toàn"), school.api.person(2, "Thầy Phó")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, deputy, "CB02")
        asked = await ask_for_correction(teacher, "ĐĐGgk", first, "6,5", "Cộng sót câu 3")
        assert "bắt buộc" in asked.text and "Bỏ qua, không có ảnh" not in asked.button_texts
        assert "cần một ảnh" in (await teacher.ask("không có ảnh")).text
        teacher.mark_read()
        teacher.send_photo(png(64, 48))
        assert "giám khảo" in (await teacher.next_message()).text
        slip = await teacher.ask("Nguyễn Văn Giám")
        assert "Giám khảo xác nhận: Nguyễn Văn Giám" in slip.text
        assert "⚠ TRỄ HẠN: hạn chót là 13/11/2025 (năm ngày sau kỳ kiểm tra)" in slip.text
        teacher.press("📨 Gửi đề nghị", slip)
        card = await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        assert "⚠ TRỄ HẠN" in card.text
        deputy.send_command("/duyet")
        waiting = await deputy.wait_for(lambda m: "đang chờ duyệt" in m.text)
        assert any(label.endswith(" 6A Toán: 5 → 6,5 ⚠") for label in waiting.button_texts)


async def test_forged_approvals_from_a_teacher_change_nothing(school):
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, REGULAR, ["6", "8", "9"])
    teacher = school.api.person(1, "Thầy Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await ask_for_correction(teacher, "ĐĐGtx 1", first, "10", "Nhầm")
        await press_in_turn(teacher, "Bỏ qua, không có ảnh", "📨 Gửi đề nghị")
        sent = await teacher.wait_for(lambda m: "chưa thành viên Ban giám hiệu nào liên kết" in m.text)
        number = re.search(r"#(\d+)", sent.text)[1]  # saved for /duyet though nobody was reached
        for forged in (f"ap:ok:{number}", f"ap:v:{number}", f"ap:no:{number}", "ap:ok:999999"):
            teacher.press_data(sent.message_id, forged)
            await teacher.wait_for(lambda m: "không có quyền" in m.text)
    assert await stored(school, REGULAR) == ["6", "8", "9"]
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(CorrectionRow.status)) == "pending"
        assert await session.scalar(select(func.count()).select_from(RefusalRow)) == 4


async def test_two_leaders_approving_at_once_make_one_decision(school):
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, REGULAR, ["6", "8", "9"])
    teacher = school.api.person(1, "Thầy Toàn")
    deputy, principal = school.api.person(2, "Thầy Phó"), school.api.person(3, "Cô Hạnh")
    async with school.bot_running():
        for person, code in ((teacher, "GV01"), (deputy, "CB02"), (principal, "CB01")):
            await link(school, person, code)
        await ask_for_correction(teacher, "ĐĐGtx 1", first, "7", "Nhầm dòng")
        await press_in_turn(teacher, "Bỏ qua, không có ảnh", "📨 Gửi đề nghị")
        cards = await asyncio.gather(
            *(leader.wait_for(lambda m: "✅ Duyệt" in m.button_texts) for leader in (deputy, principal))
        )
        deputy.press("✅ Duyệt", cards[0])
        principal.press("✅ Duyệt", cards[1])
        answers = await asyncio.gather(
            *(leader.wait_for(lambda m: "duyệt lúc" in m.text) for leader in (deputy, principal))
        )
        assert sum("đã được xử lý" in answer.text for answer in answers) == 1
        await teacher.wait_for(lambda m: "duyệt lúc" in m.text)
    async with school.database.session(read_only=True) as session:
        correction_id = await session.scalar(select(CorrectionRow.id))
        decisions = await session.scalar(
            select(func.count()).select_from(ChangeRow).where(ChangeRow.entity == "correction")
        )
        changes = await session.scalar(
            select(func.count()).select_from(ChangeRow).where(ChangeRow.reason.like(f"#{correction_id}:%"))
        )
    assert decisions == 2 and changes == 1  # the request, one decision; the value written once
    assert await stored(school, REGULAR) == ["7.0", "8", "9"]


async def test_a_correction_is_approved_into_a_locked_book(school):
    first = (await class_list_names(school.database, "6A"))[0]
    await saved_scores(school, REGULAR, ["6", "8", "9"])
    async with UnitOfWork(school.database) as uow:
        year = await uow.school.year_row()
        lock = WindowDecision(WindowState.LOCKED, school.clock(), decided_at=school.clock())
        await uow.windows.add_decision(year.id, 1, lock, Author(None, "cli", "admin", school.clock()))
        await uow.commit()
    teacher, deputy = school.api.person(1, "Thầy Toàn"), school.api.person(2, "Thầy Phó")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        await link(school, deputy, "CB02")
        teacher.send_command("/nhapdiem")
        await press_in_turn(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 1 ✓")
        await teacher.wait_for(lambda m: "Sổ điểm đang khoá" in m.text)
        await ask_for_correction(teacher, "ĐĐGtx 1", first, "8,5", "Nhập nhầm")
        await press_in_turn(teacher, "Bỏ qua, không có ảnh", "📨 Gửi đề nghị")
        card = await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        deputy.press("✅ Duyệt", card)
        await teacher.wait_for(lambda m: "Điểm đã được sửa" in m.text)
    assert await stored(school, REGULAR) == ["8.5", "8", "9"]  # as entry writes them: tenths


async def test_an_old_button_cannot_carry_a_subject_into_another_class(school):
    """GV01 may see 6A's Ngữ văn (his homeroom class) but not 6B's: a semester button left from 6A
    pressed after choosing 6B is refused, and nothing of 6B's Ngữ văn is shown."""
    await saved_scores(school, REGULAR, ["7", "8", "9"], subject="NV", teacher="GV02")
    await saved_scores(school, REGULAR, ["9,5"], class_name="6B", subject="NV", teacher="GV02")
    teacher = school.api.person(1, "Thầy Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/lichsu")
        await press_in_turn(teacher, "6A", "Ngữ văn")
        semesters = await teacher.wait_for(lambda m: "HK 1" in m.button_texts)
        teacher.send_command("/lichsu")
        await press_in_turn(teacher, "6B")
        await teacher.wait_for(lambda m: "6B: chưa có điểm nào bạn được xem" in m.text)
        teacher.press("HK 1", semesters)
        await teacher.wait_for(lambda m: "không có quyền" in m.text)
        assert not any("9,5" in m.text for m in teacher.messages)


async def the_saved_6_becomes_5_another_way(school) -> None:
    """Meanwhile the value changes outside the request (another session, an import)."""
    async with UnitOfWork(school.database) as uow:
        row = await uow.session.scalar(select(ScoreRow).where(ScoreRow.value == "6"))
        row.value = "5"
        await uow.commit()


async def test_a_value_changed_after_the_request_is_not_overwritten(school):
    async with correction_scene(school) as (first, teacher, deputy):
        await ask_for_correction(teacher, "ĐĐGtx 1", first, "7", "Nhầm")
        await press_in_turn(teacher, "Bỏ qua, không có ảnh", "📨 Gửi đề nghị")
        card = await deputy.wait_for(lambda m: "✅ Duyệt" in m.button_texts)
        await the_saved_6_becomes_5_another_way(school)
        deputy.press("✅ Duyệt", card)
        moved = await deputy.wait_for(lambda m: "không được áp dụng" in m.text)
        assert "hiện là 5" in moved.text
    assert await stored(school, REGULAR) == ["5", "8", "9"]


async def test_a_request_is_not_sent_for_a_value_that_moved_meanwhile_or_one_already_waiting(school):
    async with correction_scene(school) as (first, teacher, deputy):
        await send_without_photo(teacher, deputy, first, "7")

        slip = await ask_for_correction(teacher, "ĐĐGtx 1", first, "7,5", "Nhầm lần nữa")
        teacher.press("Bỏ qua, không có ảnh", slip)
        confirm = await teacher.wait_for(lambda m: "📨 Gửi đề nghị" in m.button_texts)
        await the_saved_6_becomes_5_another_way(school)
        teacher.press("📨 Gửi đề nghị", confirm)
        moved = await teacher.wait_for(lambda m: "vừa thay đổi trong lúc soạn" in m.text)
        assert "bắt đầu lại với /suadiem" in moved.text

        slip = await ask_for_correction(teacher, "ĐĐGtx 1", first, "7,5", "Nhầm lần nữa")
        teacher.press("Bỏ qua, không có ảnh", slip)
        teacher.press("📨 Gửi đề nghị", await teacher.wait_for(lambda m: "📨 Gửi đề nghị" in m.button_texts))
        waiting = await teacher.wait_for(lambda m: "đang chờ duyệt" in m.text)
        assert re.search(r"đã có phiếu chỉnh điểm #\d+ đang chờ duyệt", waiting.text)
    async with UnitOfWork(school.database, read_only=True) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(CorrectionRow)) == 1


async def test_no_correction_once_the_year_lists_are_sent_until_the_leadership_sends_them_back(school):
    async with correction_scene(school) as (first, teacher, deputy):
        card = await send_without_photo(teacher, deputy, first, "7,5")

        async with UnitOfWork(school.database, read_only=True) as uow:
            year = (await uow.school.year_row()).name
        await approve_lists(school.database, year, unapproved=frozenset({"6A"}))  # 6A's lists sent
        deputy.press("✅ Duyệt", card)
        refused = await deputy.wait_for(lambda m: "trả lại danh sách trước" in m.text)
        assert refused.text.startswith("Danh sách xét lên lớp của lớp 6A đã gửi hoặc đã được duyệt")
        slip = await ask_for_correction(teacher, "ĐĐGtx 1", first, "8", "Ghi nhầm điểm của bạn cùng bàn")
        teacher.press("Bỏ qua, không có ảnh", slip)
        teacher.press("📨 Gửi đề nghị", await teacher.wait_for(lambda m: "📨 Gửi đề nghị" in m.button_texts))
        await teacher.wait_for(lambda m: "trả lại danh sách trước" in m.text)
    assert await stored(school, REGULAR) == ["6", "8", "9"]
