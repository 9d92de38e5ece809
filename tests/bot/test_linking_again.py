"""One account, every role its owner has: a teacher who sends a parent's code becomes teacher and
parent, and /ketqua asks whose results; a parent of two children, imported under two guardian
records, sees both after a yes; a code for another staff member is taken only after a yes."""

from __future__ import annotations

from sqlalchemy import select

from localzalo import LocalZaloApi
from storage.models import AccountRow, InviteRow
from tests.bot.test_score_entry import link
from tests.bot.test_zalo import ZALO_TOKEN, both_channels_running


async def test_a_teacher_who_sends_a_parents_code_is_teacher_and_parent(school):
    teacher = school.api.person(7201, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_text(await school.invite_parent("HS004"))
        greeting = await teacher.wait_for(lambda m: m.text.startswith("Xin chào Trần Văn Toàn!"))
        assert (
            "Giáo viên; chủ nhiệm 6A" in greeting.text and "phụ huynh của Phạm Thu Ân (6B)" in greeting.text
        )
        menu = await teacher.wait_for(lambda m: len(m.buttons) > 0)
        assert menu.button_texts[0] == "👥 Lớp chủ nhiệm 6A", "the teacher's menu stays"
        assert {"👨‍👩‍👧 Con của tôi", "📊 Kết quả của con"} <= set(menu.button_texts)
        teacher.send_command("/con")
        children = await teacher.wait_for(lambda m: m.text.startswith("Con của bạn:"))
        assert children.text.splitlines() == ["Con của bạn:", "• Phạm Thu Ân — lớp 6B"]
        assert (await teacher.ask("/lop")).buttons, "the teacher's classes are still there"


async def test_results_for_a_teacher_who_is_also_a_parent_ask_whose(school):
    teacher = school.api.person(7202, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_text(await school.invite_parent("HS004"))
        await teacher.wait_for(lambda m: len(m.buttons) > 0)
        whose = await teacher.ask("/ketqua")
        assert whose.text == "Bạn muốn xem kết quả nào?"
        assert whose.button_texts == ["📚 Lớp của tôi", "👨‍👩‍👧 Con của tôi"]
        teacher.press("📚 Lớp của tôi", whose)
        classes = await teacher.wait_for(lambda m: m.text == "Kết quả — chọn lớp hoặc môn:")
        assert "6A — cả lớp" in classes.button_texts
        whose = await teacher.ask("/ketqua")
        teacher.press("👨‍👩‍👧 Con của tôi", whose)
        assert await teacher.wait_for(lambda m: m.text.startswith("Nhà trường chưa công bố kết quả nào"))


async def test_a_parent_of_two_children_imported_twice_sees_both_after_a_yes(school):
    mother = school.api.person(7301, "Mẹ")
    async with school.bot_running():
        mother.send_command(f"/start {await school.invite_parent('HS001')}")
        await mother.wait_for(lambda m: len(m.buttons) > 0)
        other = await school.invite_parent("HS002")  # her other child, another guardian record
        question = await mother.ask(other)
        assert question.text == (
            "Tài khoản này đang theo dõi Nguyễn Văn Bình. Mã vừa gửi là của phụ huynh Trần Thị Ánh. "
            "Thêm Trần Thị Ánh vào danh sách con của bạn?"
        )
        assert question.button_texts == ["✅ Đúng, thêm Trần Thị Ánh", "✖ Không, giữ như cũ"]
        await forged_yes_then_no(mother, question)
        assert (await mother.ask("/con")).text.splitlines()[1:] == ["• Nguyễn Văn Bình — lớp 6A"]
        question = await mother.ask(other)
        mother.press("✅ Đúng, thêm Trần Thị Ánh", question)
        greeting = await mother.wait_for(lambda m: m.text.startswith("Xin chào"))
        assert "Nguyễn Văn Bình (6A)" in greeting.text and "Trần Thị Ánh (6A)" in greeting.text
        await mother.wait_for(lambda m: len(m.buttons) > 0)
        mother.send_command("/con")
        children = await mother.wait_for(lambda m: m.text.startswith("Con của bạn:"))
        assert children.text.splitlines()[1:] == ["• Nguyễn Văn Bình — lớp 6A", "• Trần Thị Ánh — lớp 6A"]


async def test_on_zalo_a_code_for_another_guardian_record_asks_for_a_typed_1_or_2(school):
    async with LocalZaloApi(ZALO_TOKEN) as zalo, both_channels_running(school, zalo):
        mother = zalo.person("zl-me", "Mẹ")
        assert (await mother.ask(await school.invite_parent("HS001"))).text.startswith("Đã liên kết!")
        other = await school.invite_parent("HS002")
        question = await mother.ask(other)
        assert question.text == (
            "Tài khoản này đang theo dõi Nguyễn Văn Bình. Mã vừa gửi là của phụ huynh Trần Thị Ánh. "
            "Gửi 1 để thêm Trần Thị Ánh vào danh sách con của bạn, 2 để giữ như cũ."
        )
        assert (await mother.ask("7")).text == "Hãy gửi 1 (thêm con) hoặc 2 (giữ như cũ)."
        assert (await mother.ask("2")).text == "Đã giữ nguyên liên kết. Mã chưa được dùng."
        await mother.ask(other)
        linked = await mother.ask("1")
        assert linked.text.startswith("Đã liên kết!") and "Nguyễn Văn Bình, Trần Thị Ánh" in linked.text


async def test_a_code_for_another_staff_member_asks_first(school):
    phone = school.api.person(7401, "Máy của tổ")
    async with school.bot_running():
        await link(school, phone, "GV01")
        other = await school.invite_staff("GV02")
        question = await phone.ask(other)
        assert question.text.startswith(
            "Tài khoản này đang liên kết với Trần Văn Toàn. Mã vừa gửi là của Lê Thị Văn."
        )
        assert question.button_texts == ["✅ Đúng, liên kết với Lê Thị Văn", "✖ Không, giữ như cũ"]
        await forged_yes_then_no(phone, question)
        assert await _staff_of(school, "7401") is not None and await _used(school) == 1, (
            "GV02's code is unused"
        )
        question = await phone.ask(other)
        phone.press("✅ Đúng, liên kết với Lê Thị Văn", question)
        assert (await phone.wait_for(lambda m: m.text.startswith("Xin chào Lê Thị Văn!"))).text
    assert await _used(school) == 2


async def forged_yes_then_no(person, question) -> None:
    """A yes forged for another invite is refused; then the no keeps the account as it was."""
    person.press_data(question.message_id, "ln:yes:999999")
    assert (await person.next_message()).text.startswith("Xin lỗi, bạn không có quyền")
    person.press("✖ Không, giữ như cũ", question)
    assert (await person.next_message()).text == "Đã giữ nguyên liên kết. Mã chưa được dùng."


async def _staff_of(school, account: str) -> int | None:
    async with school.database.session() as session:
        return await session.scalar(select(AccountRow.staff_id).where(AccountRow.external_id == account))


async def _used(school) -> int:
    async with school.database.session() as session:
        return sum(
            used is not None
            for used in await session.scalars(
                select(InviteRow.used_at).where(InviteRow.staff_id.is_not(None))
            )
        )
