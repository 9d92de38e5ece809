"""sodiem works in private chats only: added to a parents' group, it answers once with a button to the
private chat, and neither a command, a pasted code nor a (forged) button press shows anything there."""

from __future__ import annotations

import re

from sqlalchemy import select
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.app import build_application
from bot.config import load_settings
from storage.models import AccountRow, InviteRow
from tests.bot.conftest import TOKEN

GROUP_ID = -1001234567890


def every_command_and_press(school) -> tuple[list[str], list[str]]:
    """Every command name and a callback data for every button prefix the application registers."""
    settings = load_settings({"SODIEM_TELEGRAM_TOKEN": TOKEN, "SODIEM_TELEGRAM_API_URL": school.api.base_url})
    application = build_application(settings, school.database, school.clock)
    commands, presses = [], []
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                commands.extend(sorted(handler.commands))
            elif isinstance(handler, CallbackQueryHandler):
                presses.append(data_for(handler.pattern))
    return commands, presses


def data_for(pattern: re.Pattern | None) -> str:
    """Callback data that the handler's pattern takes (any data for the catch-all handler)."""
    if pattern is None:
        return "anything:1"
    data = pattern.pattern.strip("^$")
    data = re.sub(r"\(([^|)]+)(\|[^)]*)?\)", r"\1", data)  # "(mine|all):" → "mine:"
    data = data + "1" if data.endswith(":") else data
    assert pattern.match(data), f"no data made for {pattern.pattern}"
    return data


async def test_nothing_but_one_pointer_to_the_private_chat_is_said_in_a_group(school):
    teacher_code, parent_code = await school.invite_staff("GV01"), await school.invite_parent("HS001")
    commands, presses = every_command_and_press(school)
    assert {"start", "lop", "con", "ketqua", "thongbao", "duyet"} <= set(commands)
    assert {"cls:1", "kids", "menu"} <= set(presses)
    teacher, parent = school.api.person(5001, "Toàn"), school.api.person(5002, "Mẹ Anh")
    group = school.api.group(GROUP_ID, "Phụ huynh lớp 6A")
    async with school.bot_running():
        teacher.send_command(f"/start {teacher_code}")
        await teacher.wait_for(lambda m: len(m.buttons) > 0)
        for member in (teacher, parent):
            group.send_text(member, parent_code)
            group.send_text(member, f"/start {parent_code}")
            for command in commands:
                group.send_text(member, f"/{command}")
                group.send_text(member, f"/{command}@sodiem_test_bot")
        pointer = await _first_group_message(school, group)
        for member in (teacher, parent):
            for data in presses:
                query = group.press_data(member, pointer.message_id, data)
                assert await member.callback_answer(query) == {}, f"{data} is answered without data"
        assert (await teacher.ask("/menu")).buttons, "the teacher's private chat works as before"
        assert (await parent.ask("xin chào")).text.startswith("Xin chào! Bạn chưa được liên kết")

    assert [m.text for m in group.messages] == [pointer.text]
    assert pointer.text.startswith("Sổ điểm chỉ làm việc trong trò chuyện riêng")
    assert pointer.buttons == [[{"text": "💬 Nhắn riêng cho sổ điểm", "url": "https://t.me/sodiem_test_bot"}]]
    async with school.database.session() as session:
        unused = await session.scalars(select(InviteRow.used_at).where(InviteRow.student_id.is_not(None)))
        assert list(unused) == [None], "a code pasted in a group is never read"
        assert await session.scalar(select(AccountRow.id).where(AccountRow.external_id == "5002")) is None


async def _first_group_message(school, group):
    from localapi.world import wait_until

    message = await wait_until(
        school.api.world.chat_signal(group.id), lambda: next(iter(group.messages), None), 10
    )
    assert message is not None, "the bot says where to write instead"
    return message


async def test_a_group_is_answered_once_ever_even_after_a_restart(school):
    parent = school.api.person(5002, "Mẹ Anh")
    group = school.api.group(GROUP_ID, "Phụ huynh lớp 6A")
    async with school.bot_running():
        group.send_text(parent, "/start")
        pointer = await _first_group_message(school, group)
    async with school.bot_running():
        group.send_text(parent, "/ketqua")
        group.send_text(parent, "xin chào")
        assert (await parent.ask("xin chào")).text.startswith("Xin chào! Bạn chưa được liên kết")
    assert [m.text for m in group.messages] == [pointer.text], "the restarted bot stays silent there"
