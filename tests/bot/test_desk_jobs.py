"""The vice-principal's mornings: the entry-progress summary on the 1st of the month, and the morning
after the mid-term tests end, the proposal to lock the mid-term column. Each once, across restarts."""

from tests.bot.test_notices_scheduler import at, delivered, restart, texts
from tests.bot.test_score_entry import link

PROGRESS = "Tiến độ nhập điểm · HK 1"
PROPOSAL = "🔒 Kỳ kiểm tra giữa kỳ học kỳ 1 đã kết thúc ngày 08/11/2025."


async def test_the_progress_summary_on_the_first_and_the_lock_proposal_after_the_midterm(school):
    vice, teacher = school.api.person(51, "Phó"), school.api.person(52, "Toàn")
    school.clock.now = at(1, 6)
    async with school.bot_running():
        await link(school, vice, "CB02")
        await link(school, teacher, "GV01")
    await restart(school, at(1, 7, 30))
    async with school.bot_running():
        summary = await vice.wait_for(lambda m: m.text.startswith(PROGRESS))
        assert "đến 01/11/2025" in summary.text
    await restart(school, at(1, 15))  # restarted the same day: no second summary
    async with school.bot_running():
        await delivered(school)
    assert len(texts(vice, PROGRESS)) == 1 and texts(vice, "🔒") == []

    await restart(school, at(9, 7, 5))  # the mid-term tests ended on 08/11
    async with school.bot_running():
        proposal = await vice.wait_for(lambda m: m.text.startswith(PROPOSAL))
        assert "/khoaso" in proposal.text
        await delivered(school)
    assert texts(teacher, PROGRESS) == [] and texts(teacher, "🔒") == []  # for the leadership only
