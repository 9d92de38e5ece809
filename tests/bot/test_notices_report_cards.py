"""Report cards: the homeroom teacher prepares and submits the mid-term cards of 6A, the vice-principal
approves, each parent receives their own child's card (message and PDF) and can read it again with
/ketqua; nothing before the approval, and nothing of another child."""

import subprocess
from datetime import date

from sqlalchemy import select

from storage.changes import system_author
from storage.models import RefusalRow, ScoreRow, StudentRow, SubjectRow
from storage.uow import UnitOfWork
from tests.bot.test_notices import student_codes
from tests.bot.test_score_entry import link
from tests.exports.conftest import fill_class


async def child(database, code: str) -> tuple[int, str, str]:
    """(id, name, the Toán mid-term score as the card prints it) of a student."""
    async with UnitOfWork(database, read_only=True) as uow:
        student = await uow.session.scalar(select(StudentRow).where(StudentRow.code == code))
        score = await uow.session.scalar(
            select(ScoreRow.value)
            .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
            .where(ScoreRow.student_id == student.id, SubjectRow.name == "Toán", ScoreRow.kind == "midterm")
            .where(ScoreRow.semester == 1)
        )
    return student.id, student.full_name, score.replace(".", ",")


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


async def test_mid_term_report_cards_approved_reach_each_parent_with_their_own_childs_numbers(
    demo_school, tmp_path
):
    school = demo_school
    await fill_class(school.database, "6A", semesters=(1,))
    codes = (await student_codes(school.database, "6A"))[:3]
    children = [await child(school.database, code) for code in codes]
    teacher = school.api.person(1, "Cô chủ nhiệm 6A")
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    parents = [school.api.person(100 + n, f"PH {code}") for n, code in enumerate(codes)]
    async with school.bot_running():
        await link(school, teacher, "GV001")
        await link(school, vice, "CB002")
        for parent, code in zip(parents, codes, strict=True):
            parent.send_command(f"/start {await school.invite_parent(code)}")
            await parent.wait_for(lambda m: len(m.buttons) > 0)
        before = await parents[0].ask("/ketqua")
        assert before.text.startswith("Nhà trường chưa công bố kết quả nào")

        teacher.send_command("/phieulienlac")
        periods = await teacher.wait_for(lambda m: "Giữa học kỳ I" in m.button_texts)
        teacher.press("Giữa học kỳ I", periods)
        prepared = await teacher.wait_for(
            lambda m: m.text.startswith("Phiếu liên lạc lớp 6A — Giữa học kỳ I:")
        )
        assert "3 phụ huynh sẽ nhận" in prepared.text
        review = await teacher.wait_for(lambda m: m.file is not None)
        assert all(name in pdf_text(teacher.file_bytes(review), tmp_path) for _, name, _ in children)
        teacher.press("📨 Gửi Phó hiệu trưởng duyệt", prepared)
        await teacher.wait_for(
            lambda m: m.text.startswith("Đã gửi Phiếu liên lạc lớp 6A — Giữa học kỳ I tới")
        )

        request = await vice.wait_for(lambda m: m.text.startswith("🗂 Phiếu liên lạc chờ duyệt"))
        assert any(m.file is not None for m in vice.messages)
        vice.press("✅ Duyệt và gửi phụ huynh", request)
        released = await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt"))
        assert "phiếu của 42 học sinh tới 3 phụ huynh" in released.text

        for parent, (_, name, score) in zip(parents, children, strict=True):
            card = await parent.wait_for(lambda m: m.text.startswith("PHIẾU LIÊN LẠC · Giữa học kỳ I"))
            assert f"Họ và tên: {name}" in card.text
            toan = next(line for line in card.text.splitlines() if line.startswith("• Toán — "))
            assert toan.endswith(f"ĐĐGgk: {score}")
            others = [other for _, other, _ in children if other != name]
            assert not any(other in card.text for other in others)
            document = await parent.wait_for(lambda m: m.file is not None, timeout=15)
            assert document.text == f"Phiếu liên lạc của {name} — Giữa học kỳ I"
            assert name in pdf_text(parent.file_bytes(document), tmp_path)

        mother = parents[0]
        mother.send_command("/ketqua")
        choice = await mother.wait_for(lambda m: m.text.startswith("Kết quả đã công bố"))
        assert choice.button_texts == [f"{children[0][1]} · Giữa học kỳ I"]
        mother.press(choice.button_texts[0], choice)
        again = await mother.wait_for(
            lambda m: m.text.startswith("PHIẾU LIÊN LẠC") and m.message_id > choice.message_id
        )
        assert f"Họ và tên: {children[0][1]}" in again.text

        # a modified client asks for the second child's card with the released period's id: refused
        notice_id = choice.find_button(choice.button_texts[0])["callback_data"].split(":")[-1]
        mother.press_data(choice.message_id, f"rc:v:{children[1][0]}:{notice_id}")
        await mother.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
    assert not any(children[1][1] in m.text for m in mother.messages)
    async with UnitOfWork(school.database, read_only=True) as uow:
        refusals = (await uow.session.scalars(select(RefusalRow.action))).all()
    assert refusals == ["released-results"]


async def release(teacher, vice, period: str, class_name: str) -> str:
    """The homeroom teacher prepares and submits the class's cards of ``period``, the vice-principal
    approves; the answer the vice-principal sees."""
    teacher.send_command("/phieulienlac")
    teacher.press(period, await teacher.wait_for(lambda m: period in m.button_texts))
    prepared = await teacher.wait_for(lambda m: m.text.startswith(f"Phiếu liên lạc lớp {class_name} — "))
    teacher.press("📨 Gửi Phó hiệu trưởng duyệt", prepared)
    request = await vice.wait_for(
        lambda m: m.text.startswith("🗂 Phiếu liên lạc chờ duyệt") and f"Lớp {class_name} " in m.text
    )
    vice.press("✅ Duyệt và gửi phụ huynh", request)
    return (await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt") and class_name in m.text)).text


async def test_a_student_who_moved_class_gets_one_card_from_the_class_they_end_the_semester_in(school):
    """HS001 moves 6A → 6B on 20/10/2025: 6A's semester I cards are for those still in 6A at its end,
    so HS001's mother hears nothing from 6A; 6B's release brings her the card, once."""
    async with UnitOfWork(school.database) as uow:
        await uow.transfers.move("HS001", "6B", date(2025, 10, 20), "xin chuyển lớp", system_author("test"))
        await uow.commit()
    homeroom_6a = school.api.person(1, "Thầy chủ nhiệm 6A")
    homeroom_6b = school.api.person(2, "Cô chủ nhiệm 6B")
    vice = school.api.person(3, "Thầy Phó hiệu trưởng")
    mover_mother = school.api.person(100, "PH HS001")
    stayer_mother = school.api.person(101, "PH HS002")
    async with school.bot_running():
        await link(school, homeroom_6a, "GV01")
        await link(school, homeroom_6b, "GV02")
        await link(school, vice, "CB02")
        for parent, code in ((mover_mother, "HS001"), (stayer_mother, "HS002")):
            parent.send_command(f"/start {await school.invite_parent(code)}")
            await parent.wait_for(lambda m: len(m.buttons) > 0)

        released_6a = await release(homeroom_6a, vice, "Học kỳ I", "6A")
        assert "phiếu của 2 học sinh tới 1 phụ huynh" in released_6a
        await stayer_mother.wait_for(lambda m: m.text.startswith("PHIẾU LIÊN LẠC · Học kỳ I"))

        released_6b = await release(homeroom_6b, vice, "Học kỳ I", "6B")
        assert "phiếu của 2 học sinh tới 1 phụ huynh" in released_6b
        card = await mover_mother.wait_for(lambda m: m.text.startswith("PHIẾU LIÊN LẠC · Học kỳ I"))
        assert "Lớp: 6B" in card.text and "Nguyễn Văn Bình" in card.text
        await mover_mother.wait_for(lambda m: m.file is not None, timeout=15)
    cards = [m for m in mover_mother.messages if m.text.startswith("PHIẾU LIÊN LẠC")]
    assert len(cards) == 1
    assert len([m for m in mover_mother.messages if m.file is not None]) == 1
