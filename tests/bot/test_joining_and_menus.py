"""People join the school's bot with a one-time code and find the menu of their roles.

Nobody is anyone until linked; every press is re-authorised; the bot speaks Vietnamese and English."""

import asyncio

from sqlalchemy import func, select

from storage.models import RefusalRow


async def test_a_teacher_links_with_the_code_and_is_greeted_by_name_and_role(school):
    code = await school.invite_staff("GV01")
    toan = school.api.person(2001, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        greeting = await toan.next_message()
        assert greeting.text.startswith("Xin chào Trần Văn Toàn! Tài khoản đã được liên kết: Giáo viên;")
        assert "chủ nhiệm 6A" in greeting.text and "dạy Toán 6A, Toán 6B" in greeting.text
        menu = await toan.next_message()
        assert menu.button_texts == [
            "👥 Lớp chủ nhiệm 6A",
            "📋 Điểm danh",
            "🧭 Rèn luyện",
            "✏️ Nhập điểm",
            "💬 Nhận xét",
            "📊 Kết quả",
            "📤 Xuất sổ điểm, phiếu liên lạc",
            "✏️ Đề nghị chỉnh điểm",
            "📚 Lớp tôi dạy",
            "📢 Thông báo",
            "🗂 Phiếu liên lạc",
            "🙋 Đơn xin nghỉ",
            "🩺 Sức khỏe học sinh",
            "🌐 Ngôn ngữ / Language",
            "❓ Trợ giúp",
        ]
        toan.press("👥 Lớp chủ nhiệm 6A")
        class_list = await toan.wait_for(lambda m: m.text.startswith("Lớp 6A"))
        assert class_list.text.splitlines()[1:] == [
            "GVCN: Trần Văn Toàn",
            "Sĩ số: 3",
            "",
            "1. Lê Minh Anh",
            "2. Trần Thị Ánh",
            "3. Nguyễn Văn Bình",
        ]


async def test_the_same_code_twice_a_wrong_code_and_an_expired_code(school):
    code = await school.invite_staff("GV02")
    old = await school.invite_staff("CB02", days_ago=8)
    first, second = school.api.person(2002, "Văn"), school.api.person(2003, "Khách")
    async with school.bot_running():
        first.send_command(f"/start {code}")
        assert (await first.next_message()).text.startswith("Xin chào Lê Thị Văn!")
        assert (await second.ask(code)).text.startswith("Mã này đã được dùng.")
        assert (await second.ask("ABCDE-23456")).text.startswith("Mã này không đúng.")
        second.send_command(f"/start {old}")
        assert (await second.next_message()).text.startswith("Mã này đã hết hạn.")


async def test_repeated_wrong_codes_make_the_account_wait(school):
    code = await school.invite_staff("GV02")
    guesser = school.api.person(2004, "Đoán")
    async with school.bot_running():
        for attempt in range(5):
            assert (await guesser.ask(f"WRXNG2345{'ABCDE'[attempt]}")).text.startswith("Mã này không đúng.")
        assert (await guesser.ask(code)).text.startswith("Bạn đã nhập sai mã nhiều lần.")


async def test_an_unknown_person_gets_only_how_to_get_access(school):
    stranger = school.api.person(2005, "Lạ")
    async with school.bot_running():
        for typed in ("/menu", "/lop", "xin chào", "/help"):
            reply = await stranger.ask(typed)
            assert reply.text.startswith("Xin chào! Bạn chưa được liên kết với trường")
            assert reply.buttons == []


async def test_each_role_sees_its_own_menu(school):
    people = {code: school.api.person(3000 + n, code) for n, code in enumerate(["CB02", "CB03", "GV02"])}
    codes = {code: await school.invite_staff(code) for code in people}
    parent_code = await school.invite_parent("HS002")
    parent = school.api.person(3100, "Mẹ Ánh")
    async with school.bot_running():
        for code, person in people.items():
            person.send_command(f"/start {codes[code]}")
        parent.send_command(f"/start {parent_code}")
        menus = {code: await person.wait_for(lambda m: len(m.buttons) > 0) for code, person in people.items()}
        parent_menu = await parent.wait_for(lambda m: len(m.buttons) > 0)
    assert menus["CB02"].button_texts == [
        "📊 Kết quả",
        "📤 Xuất sổ điểm, phiếu liên lạc",
        "✅ Duyệt chỉnh điểm",
        "🔒 Khoá / mở sổ",
        "🏫 Các lớp của trường",
        "📈 Tiến độ nhập điểm",
        "📶 Phổ điểm",
        "📢 Thông báo",
        "🩺 Sức khỏe học sinh",
        "🌐 Ngôn ngữ / Language",
        "❓ Trợ giúp",
    ]
    assert menus["CB03"].button_texts == [
        "📤 Xuất sổ điểm, phiếu liên lạc",
        "🏫 Các lớp của trường",
        "📈 Tiến độ nhập điểm",
        "📶 Phổ điểm",
        "🔑 Tài khoản",
        "📢 Thông báo",
        "🌐 Ngôn ngữ / Language",
        "❓ Trợ giúp",
    ]
    assert menus["GV02"].button_texts[:4] == [
        "👥 Lớp chủ nhiệm 6B",
        "📋 Điểm danh",
        "🧭 Rèn luyện",
        "✏️ Nhập điểm",
    ]
    assert parent_menu.button_texts == [
        "👨‍👩‍👧 Con của tôi",
        "📊 Kết quả",
        "🙋 Xin nghỉ học",
        "🌐 Ngôn ngữ / Language",
        "❓ Trợ giúp",
    ]
    assert "phụ huynh của Trần Thị Ánh (6A)" in parent_menu.text


async def test_a_parent_sees_only_their_child(school):
    parent = school.api.person(3101, "Bố Bình")
    code = await school.invite_parent("HS001")
    async with school.bot_running():
        parent.send_command(f"/start {code}")
        await parent.wait_for(lambda m: len(m.buttons) > 0)
        parent.press("👨‍👩‍👧 Con của tôi")
        children = await parent.wait_for(lambda m: m.text.startswith("Con của bạn"))
        assert children.text.splitlines() == ["Con của bạn:", "• Nguyễn Văn Bình — lớp 6A"]
        # a modified client asks for the class list of 6A: refused
        parent.press_data(children.message_id, "cls:1:menu")
        assert await parent.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))


async def test_forged_buttons_get_a_polite_refusal_and_are_recorded(school):
    teacher, stranger = school.api.person(4001, "Văn"), school.api.person(4002, "Lạ")
    code = await school.invite_staff("GV02")  # homeroom 6B, teaches Ngữ văn in 6A and 6B
    async with school.bot_running():
        teacher.send_command(f"/start {code}")
        menu = await teacher.wait_for(lambda m: len(m.buttons) > 0)
        for forged in ("acct", "all:0", "cls:999:menu", "lang:fr", "approve:1", "cls:1:menu'; DROP"):
            teacher.press_data(menu.message_id, forged)
            refusal = await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền"))
            assert refusal.buttons == []
        stranger.send_text("hi")
        hint = await stranger.next_message()
        stranger.press_data(hint.message_id, "cls:1:menu")
        assert await stranger.wait_for(lambda m: m.text.startswith("Xin chào! Bạn chưa được liên kết"))
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(func.count()).select_from(RefusalRow)) == 7


async def test_a_revoked_account_is_nobody_at_the_next_message(school):
    code = await school.invite_staff("GV01")
    toan = school.api.person(5001, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        menu = await toan.wait_for(lambda m: len(m.buttons) > 0)
        await school.revoke("GV01")
        toan.press("📚 Lớp tôi dạy", menu)
        assert (await toan.wait_for(lambda m: m.text.startswith("Xin chào! Bạn chưa"))).buttons == []


async def test_language_switch_help_and_both_command_names(school):
    code = await school.invite_staff("GV01")
    toan = school.api.person(6001, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        await toan.wait_for(lambda m: len(m.buttons) > 0)
        help_vi = await toan.ask("/trogiup")
        assert help_vi.text.splitlines()[:3] == [
            "Các lệnh bạn dùng được:",
            "/menu — Mở menu",
            "/lop /classes — Danh sách lớp",
        ]
        toan.send_command("/ngonngu")
        await toan.wait_for(lambda m: m.text == "Chọn ngôn ngữ:")
        toan.press("English")
        switched = await toan.wait_for(lambda m: m.text.startswith("Switched to English."))
        assert "📚 Classes I teach" in switched.button_texts
        assert (await toan.ask("/help")).text.startswith("Commands you can use:")
        assert (await toan.ask("/classes")).text == "Choose a class:"
        assert (await toan.ask("hello?")).text.startswith("I did not understand that.")


async def test_linking_survives_a_restart_in_the_middle(school):
    code = await school.invite_staff("CB02")
    pho = school.api.person(7001, "Phó")
    async with school.bot_running():
        pho.send_command("/start")
        assert (await pho.next_message()).text.startswith("Xin chào! Bạn chưa được liên kết")
    async with school.bot_running():  # a new process: nothing of the first one's memory is left
        pho.send_text(code.lower()[:5] + " " + code.lower()[5:])
        assert (await pho.next_message()).text.startswith("Xin chào Phạm Văn Phó!")


async def test_several_people_at_once(school):
    codes = [await school.invite_staff(code) for code in ("GV01", "GV02", "CB02", "CB03")]
    people = [school.api.person(8000 + n, f"P{n}") for n in range(4)]
    async with school.bot_running():
        for person, code in zip(people, codes, strict=True):
            person.send_command(f"/start {code}")
        menus = await asyncio.gather(*(p.wait_for(lambda m: len(m.buttons) > 0) for p in people))
        for person, menu in zip(people, menus, strict=True):
            person.press("❓ Trợ giúp", menu)
        helps = await asyncio.gather(*(p.wait_for(lambda m: m.text.startswith("Các lệnh")) for p in people))
    assert len(helps) == 4
    assert school.api.calls["setMyCommands"] >= 3


async def test_a_bot_api_that_refuses_set_my_commands_does_not_stop_the_bot(school):
    school.api.inject_bad_gateway(None, methods=["setMyCommands"])
    code = await school.invite_staff("GV01")
    toan = school.api.person(9001, "Toàn")
    async with school.bot_running():
        toan.send_command(f"/start {code}")
        assert (await toan.next_message()).text.startswith("Xin chào Trần Văn Toàn!")
    assert school.api.calls["setMyCommands"] == 3


async def test_commands_are_registered_in_both_languages(school):
    from telegram import Bot

    from tests.bot.conftest import TOKEN

    async with school.bot_running(), Bot(TOKEN, base_url=school.api.base_url) as bot:
        vietnamese = [(c.command, c.description) for c in await bot.get_my_commands(language_code="vi")]
        english = [(c.command, c.description) for c in await bot.get_my_commands(language_code="en")]
        default = [c.command for c in await bot.get_my_commands()]
    assert ("lop", "Danh sách lớp") in vietnamese and ("trogiup", "Các lệnh bạn dùng được") in vietnamese
    assert ("classes", "Class lists") in english and ("help", "The commands you can use") in english
    assert default == [command for command, _ in vietnamese]
