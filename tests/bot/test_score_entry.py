"""A subject teacher enters a column of scores from the phone, between two lessons."""

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storage.models import ChangeRow, ScoreRow, StaffRow, SubjectRow
from tests.storage.helpers import class_list_names


async def scores_of(database, subject_code: str) -> dict[str, str]:
    async with database.session(read_only=True) as session:
        rows = await session.execute(
            select(ScoreRow.student_id, ScoreRow.value)
            .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
            .where(SubjectRow.code == subject_code)
        )
        return dict(rows.all())


async def open_column(person, *presses: str):
    """Presses the buttons one after the other, each on the message the bot just showed."""
    message = None
    for label in presses:
        message = await person.wait_for(lambda m, label=label: label in m.button_texts)
        person.press(label, message)
    return await person.wait_for(lambda m: m.text and "Gửi giá trị của cả lớp" in m.text)


async def link(school, person, staff_code: str) -> None:
    person.send_command(f"/start {await school.invite_staff(staff_code)}")
    await person.wait_for(lambda m: len(m.buttons) > 0)


async def test_a_teacher_enters_a_40_score_column_in_one_message_and_fixes_two_slips(demo_school):
    school = demo_school
    teacher = school.api.person(1, "Thầy Toán")
    names = await class_list_names(school.database, "6A")
    async with school.bot_running():
        await link(school, teacher, "GV005")
        teacher.send_command("/nhapdiem")
        prompt = await open_column(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 1")
        assert prompt.text.splitlines()[-len(names) :] == [f"{n}. {name}" for n, name in enumerate(names, 1)]
        values = ["8", "7,5", "9", "10", "6.5"] * 8 + ["9", "8"] * 3
        values = values[: len(names)]
        values[2], values[10] = "85", "9,25"  # the comma forgotten; two decimals
        review = await teacher.ask(" ".join(values))
        assert f"• Số 3 ({names[2]}): «85» lớn hơn 10 — có phải 8,5?" in review.text
        assert f"• Số 11 ({names[10]}): «9,25» có quá một chữ số thập phân; ghi ví dụ 8,5." in review.text
        assert review.button_texts == ["✖ Huỷ"]
        fixed = await teacher.ask("3=8,5 11=9,5")
        assert "Cần sửa" not in fixed.text and fixed.button_texts == ["✅ Lưu cột điểm", "✖ Huỷ"]
        teacher.press("✅ Lưu cột điểm", fixed)
        saved = await teacher.wait_for(lambda m: m.text.startswith("Đã lưu 6A · Toán · HK 1 · ĐĐGtx 1"))
        assert f"{len(names)} điểm mới, 0 không đổi" in saved.text
        assert f"3. {names[2]} — 8,5" in saved.text and f"11. {names[10]} — 9,5" in saved.text
    stored = sorted(Decimal(v) for v in (await scores_of(school.database, "TOAN")).values())
    expected = sorted(
        Decimal(v.replace(",", ".")) for v in [*values[:2], "8.5", *values[3:10], "9.5", *values[11:]]
    )
    assert stored == expected


@pytest.mark.real_pace  # many answers to one person: the per-chat pace holds at Telegram's real limits
async def test_bad_inputs_get_a_clear_answer_and_change_nothing(school):
    teacher = school.api.person(2, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/nhapdiem")
        await open_column(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 1")
        answers = {}
        for typed in ("a b c", "8,,5 8 8", "11 8 8", "-1 8 8", "😀 8 8", "8 8"):
            answers[typed] = (await teacher.ask(typed)).text
        assert "«a» không phải là điểm" in answers["a b c"]
        assert "«8,,5» không phải là điểm" in answers["8,,5 8 8"]
        assert "«11» lớn hơn 10 — có phải 1,1?" in answers["11 8 8"]
        assert "«-1» không nằm trong thang điểm 0–10" in answers["-1 8 8"]
        assert "«😀» không phải là điểm" in answers["😀 8 8"]
        assert "Có 2 giá trị cho 3 học sinh" in answers["8 8"]
        assert (await teacher.ask("8 " * 2500)).text.startswith("Tin nhắn quá dài")
        teacher.send_photo(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        assert await teacher.wait_for(lambda m: "không phải ảnh" in m.text)
    assert await scores_of(school.database, "TOAN") == {}


async def test_a_class_not_taught_and_a_column_not_open_are_refused(school):
    teacher = school.api.person(3, "Văn")
    async with school.bot_running():
        await link(school, teacher, "GV02")  # Ngữ văn in 6A and 6B, no Toán
        teacher.send_command("/nhapdiem")
        choose = await teacher.wait_for(lambda m: "6A · Ngữ văn" in m.button_texts)
        async with school.database.session(read_only=True) as session:
            math = await session.scalar(select(SubjectRow.id).where(SubjectRow.code == "TOAN"))
        teacher.press_data(choose.message_id, f"sc:c:1:{math}")
        assert await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
        teacher.send_command("/nhapdiem")
        await teacher.wait_for(lambda m: "6A · Ngữ văn" in m.button_texts)
        message = await teacher.wait_for(lambda m: "6A · Ngữ văn" in m.button_texts)
        teacher.press("6A · Ngữ văn", message)
        message = await teacher.wait_for(lambda m: "HK 1 •" in m.button_texts)
        teacher.press("HK 1 •", message)
        message = await teacher.wait_for(lambda m: "ĐĐGgk" in m.button_texts)
        teacher.press("ĐĐGgk", message)  # the mid-term test window opens on 27/10/2025
        notice = await teacher.wait_for(lambda m: m.text.startswith("Cột này chưa mở"))
        assert "27/10/2025" in notice.text and "Phạm Văn Phó" in notice.text


async def test_two_teachers_enter_at_the_same_moment(school):
    math, literature = school.api.person(4, "Toàn"), school.api.person(5, "Văn")
    async with school.bot_running():
        await link(school, math, "GV01")
        await link(school, literature, "GV02")
        math.send_command("/nhapdiem")
        literature.send_command("/nhapdiem")
        await asyncio.gather(
            open_column(math, "6A · Toán", "HK 1 •", "ĐĐGtx 1"),
            open_column(literature, "6A · Ngữ văn", "HK 1 •", "ĐĐGtx 1"),
        )
        reviews = await asyncio.gather(math.ask("8 9 10"), literature.ask("7 7,5 6"))
        for person, review in zip((math, literature), reviews, strict=True):
            person.press("✅ Lưu cột điểm", review)
        await asyncio.gather(*(p.wait_for(lambda m: m.text.startswith("Đã lưu")) for p in (math, literature)))
    assert sorted((await scores_of(school.database, "TOAN")).values()) == ["10.0", "8.0", "9.0"]
    assert sorted((await scores_of(school.database, "NV")).values()) == ["6.0", "7.0", "7.5"]


async def test_a_restart_in_the_middle_of_an_entry_loses_nothing_and_saves_nothing_twice(school):
    teacher = school.api.person(6, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/nhapdiem")
        await open_column(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 2")
        review = await teacher.ask("8 9 10")
        save_data = review.find_button("✅ Lưu cột điểm")["callback_data"]
    await school.pause(3)  # a restart takes a few seconds (and the flood limits of Telegram do not forget)
    async with school.bot_running():  # the bot was restarted; the teacher presses Save on the old message
        teacher.press("✅ Lưu cột điểm", review)
        await teacher.wait_for(lambda m: m.text.startswith("Đã lưu 6A · Toán · HK 1 · ĐĐGtx 2"))
        teacher.press_data(review.message_id, save_data)  # a second press of the same button
        assert await teacher.wait_for(lambda m: m.text.startswith("Không có cột điểm nào đang nhập"))
    assert len(await scores_of(school.database, "TOAN")) == 3
    async with school.database.session(read_only=True) as session:
        teacher_id = await session.scalar(select(StaffRow.id).where(StaffRow.code == "GV01"))
        changes = await session.scalar(
            select(func.count())
            .select_from(ChangeRow)
            .where(ChangeRow.entity == "score", ChangeRow.staff_id == teacher_id, ChangeRow.account == "6")
        )
    assert changes == 3, "every saved value records who, when and from which account"


async def test_a_saved_value_is_not_changed_by_entering_the_column_again(school):
    teacher = school.api.person(7, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        for values in ("8 9 v", "5 9 7"):
            teacher.send_command("/nhapdiem")
            await open_column(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 1" if values == "8 9 v" else "ĐĐGtx 1 ✓")
            review = await teacher.ask(values)
            teacher.press("✅ Lưu cột điểm", review)
            saved = await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))
    assert "1 điểm mới, 1 không đổi" in saved.text  # the make-up result replaced v; 9 stayed 9
    assert "Giữ nguyên điểm đã lưu trước của: Lê Minh Anh" in saved.text and "/suadiem" in saved.text
    assert sorted((await scores_of(school.database, "TOAN")).values()) == ["7.0", "8.0", "9.0"]


async def test_the_menu_leads_to_score_entry(school):
    teacher = school.api.person(8, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        menu = await teacher.wait_for(lambda m: "✏️ Nhập điểm" in m.button_texts)
        teacher.press("✏️ Nhập điểm", menu)
        choose = await teacher.wait_for(lambda m: m.text.startswith("Nhập điểm — chọn lớp và môn"))
        assert choose.button_texts == ["6A · Toán", "6B · Toán", "⬅ Quay lại"]


async def test_with_the_schools_option_a_regular_column_is_re_entered_and_the_old_value_kept(school):
    from storage.uow import UnitOfWork

    async with UnitOfWork(school.database) as uow:
        await uow.school.change_settings(regular_reentry=True)
        await uow.commit()
    teacher = school.api.person(9, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        for label, values in (("ĐĐGtx 1", "8 9 7"), ("ĐĐGtx 1 ✓", "5 9 7")):
            teacher.send_command("/nhapdiem")
            await open_column(teacher, "6A · Toán", "HK 1 •", label)
            review = await teacher.ask(values)
            teacher.press("✅ Lưu cột điểm", review)
            saved = await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))
    assert "1 điểm mới, 2 không đổi" in saved.text and "Giữ nguyên" not in saved.text
    assert sorted((await scores_of(school.database, "TOAN")).values()) == ["5.0", "7.0", "9.0"]
    async with school.database.session(read_only=True) as session:
        history = await session.execute(
            select(ChangeRow.old_value, ChangeRow.new_value).where(
                ChangeRow.entity == "score", ChangeRow.old_value.is_not(None)
            )
        )
        assert history.all() == [("8.0", "5.0")]


async def test_a_comment_subject_column_by_buttons(demo_school):
    school = demo_school
    teacher = school.api.person(10, "Thầy Thể dục")
    names = await class_list_names(school.database, "6A")
    async with school.bot_running():
        await link(school, teacher, "GV023")  # Giáo dục thể chất in 6A, 7A, 8A, 9A
        teacher.send_command("/nhapdiem")
        for label in ("6A · Giáo dục thể chất", "HK 1 •", "ĐĐGtx 1"):
            teacher.press(label, await teacher.wait_for(lambda m, label=label: label in m.button_texts))
        sheet = await teacher.wait_for(lambda m: "chạm để đổi: Đ, CĐ" in m.text)
        second = f"2. {names[1].split()[-1]}: Đ"
        assert second in sheet.button_texts and "▶" in sheet.button_texts
        teacher.press(second, sheet)
        sheet = await teacher.wait_for(lambda m: f"2. {names[1].split()[-1]}: CĐ" in m.button_texts)
        teacher.press("▶", sheet)
        later = f"30. {names[29].split()[-1]}"
        sheet = await teacher.wait_for(lambda m: f"{later}: Đ" in m.button_texts)
        teacher.press(f"{later}: Đ", sheet)
        sheet = await teacher.wait_for(lambda m: f"{later}: CĐ" in m.button_texts)
        teacher.press(f"{later}: CĐ", sheet)
        sheet = await teacher.wait_for(lambda m: f"{later}: v" in m.button_texts)
        teacher.press("👀 Xem lại để lưu", sheet)
        review = await teacher.wait_for(lambda m: "✅ Lưu cột điểm" in m.button_texts)
        teacher.press("✅ Lưu cột điểm", review)
        await teacher.wait_for(lambda m: m.text.startswith("Đã lưu 6A · Giáo dục thể chất · HK 1 · ĐĐGtx 1"))
    values = sorted((await scores_of(school.database, "GDTC")).values())
    assert values.count("CĐ") == 1 and values.count("v") == 1 and values.count("Đ") == len(names) - 2


async def test_a_save_pressed_on_an_older_review_saves_nothing(school):
    teacher = school.api.person(13, "Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/nhapdiem")
        await open_column(teacher, "6A · Toán", "HK 1 •", "ĐĐGtx 3")
        first = await teacher.ask("1 1 1")
        second = await teacher.ask("9 9 9")
        teacher.press("✅ Lưu cột điểm", first)
        assert await teacher.wait_for(lambda m: m.text.startswith("Nút «Lưu» này thuộc một bảng kiểm tra cũ"))
        teacher.press("✅ Lưu cột điểm", second)
        await teacher.wait_for(lambda m: m.text.startswith("Đã lưu"))
    assert sorted((await scores_of(school.database, "TOAN")).values()) == ["9.0", "9.0", "9.0"]
