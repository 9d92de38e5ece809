"""Monday morning: the principal and the vice-principal each get the audit chain's head in chat, once a
week across restarts; teachers do not. The head in the message is found in the chain afterwards."""

from storage.audit import head_in_chain
from tests.bot.test_notices_scheduler import at, delivered, restart, texts
from tests.bot.test_score_entry import link

HEAD = "🔐 Đầu chuỗi nhật ký thay đổi sáng 03/11/2025: "


async def test_the_leaders_get_the_head_on_monday_once_and_it_is_in_the_chain(school):
    principal, vice = school.api.person(61, "Hạnh"), school.api.person(62, "Phó")
    teacher = school.api.person(63, "Toàn")
    school.clock.now = at(2, 6)  # Sunday 2 November
    async with school.bot_running():
        for person, code in ((principal, "CB01"), (vice, "CB02"), (teacher, "GV01")):
            await link(school, person, code)
    await restart(school, at(3, 7, 45))  # Monday, after 07:30
    async with school.bot_running():
        message = await principal.wait_for(lambda m: m.text.startswith(HEAD))
        await vice.wait_for(lambda m: m.text.startswith(HEAD))
        await delivered(school)
    await restart(school, at(4, 9))  # restarted on Tuesday: nothing again
    async with school.bot_running():
        await delivered(school)
    assert len(texts(principal, HEAD)) == 1 and len(texts(vice, HEAD)) == 1
    assert texts(teacher, "🔐") == []
    head = message.text.removeprefix(HEAD).split("\n")[0]
    async with school.database.session(read_only=True) as session:
        assert await head_in_chain(session, head)
