"""The attendance reminders with a controlled clock: 6B has submitted October, 6A has not. The bot runs
on the 1st, is restarted on the 2nd (twice), is down on the 3rd and comes back on the 4th."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import build_application
from bot.config import load_settings
from domain.entry import Column
from domain.windows import ColumnKind, WindowDecision, WindowState
from locales import SCHOOL_TZ
from storage.changes import Author
from storage.models import ClassRow
from storage.uow import UnitOfWork
from tests.bot.conftest import TOKEN
from tests.bot.test_score_entry import link

REMINDER = "⏰ Nhắc việc: lớp 6A chưa nộp điểm danh tháng 10/2025."


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2025 in Hà Nội time (UTC+7)."""
    return datetime(2025, 11, day, hour, minute, tzinfo=SCHOOL_TZ).astimezone(UTC)


async def submit_october(school, class_name: str) -> None:
    async with UnitOfWork(school.database) as uow:
        class_id = await uow.session.scalar(select(ClassRow.id).where(ClassRow.name == class_name))
        await uow.attendance.submit_month(class_id, 2025, 10, Author(None, "test", "", school.clock()))
        await uow.commit()


async def delivered(school) -> None:
    """Waits for the start-up run and for the outbox to be empty."""
    await asyncio.sleep(0.5)
    for _ in range(100):
        async with UnitOfWork(school.database, read_only=True) as uow:
            counts = await uow.outbox.counts()
        if not counts.get("pending") and not counts.get("sending"):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the outbox is not empty: {counts}")


async def restart(school, moment: datetime) -> None:
    """The clock moves to ``moment``; the pause stands for the restart's own time (the days of the test pass
    in seconds, and Telegram lets a bot write to a person about once a second)."""
    await school.pause(1.5)
    school.clock.now = moment


def texts(person, start: str) -> list[str]:
    return [m.text for m in person.messages if m.text.startswith(start)]


async def test_reminders_on_days_one_to_four_nothing_twice_nothing_to_who_submitted(school):
    toan, van, vice = (school.api.person(n, name) for n, name in ((31, "Toàn"), (32, "Văn"), (33, "Phó")))
    school.clock.now = at(1, 6)  # 1 November, 06:00: before the reminders' time
    async with school.bot_running():
        await link(school, toan, "GV01")  # homeroom 6A
        await link(school, van, "GV02")  # homeroom 6B
        await link(school, vice, "CB02")
    await submit_october(school, "6B")
    assert texts(toan, "⏰") == []  # started at 06:00: nothing is due yet

    await restart(school, at(1, 7, 30))
    async with school.bot_running():
        first = await toan.wait_for(lambda m: m.text.startswith(REMINDER))
        assert "Hạn nộp là ngày 03/11/2025" in first.text

    for hour in (8, 15):  # restarted twice on the 2nd: one reminder that day
        await restart(school, at(2, hour))
        async with school.bot_running():
            await delivered(school)
    assert len(texts(toan, REMINDER)) == 2

    await restart(school, at(4, 9))  # down on the 3rd; the 3rd's reminder no longer matters on the 4th
    async with school.bot_running():
        report = await vice.wait_for(lambda m: m.text.startswith("⏰ Điểm danh tháng 10/2025"))
        assert report.text.splitlines() == [
            "⏰ Điểm danh tháng 10/2025: 1 lớp nộp muộn (hạn ngày 3):",
            "• 6A — GVCN Trần Văn Toàn",
        ]
        await delivered(school)
    assert len(texts(toan, REMINDER)) == 2
    assert texts(van, "⏰") == []  # 6B submitted
    async with UnitOfWork(school.database, read_only=True) as uow:
        assert [d.day for d in await uow.jobs.runs("attendance-reminder")] == [1, 2]
        assert [d.day for d in await uow.jobs.runs("attendance-late-report")] == [4]


async def test_the_tasks_run_daily_at_seven_in_ha_noi(school):
    settings = load_settings(
        {
            "SODIEM_TELEGRAM_TOKEN": TOKEN,
            "SODIEM_TELEGRAM_API_URL": school.api.base_url,
            "SODIEM_DATABASE_URL": school.database.url,
        }
    )
    application = build_application(settings, school.database, school.clock, school.pacing)
    await application.initialize()
    await application.post_init(application)
    await application.job_queue.start()
    try:
        jobs = {job.name: job for job in application.job_queue.jobs()}
        for name in ("scheduler:attendance-reminder", "scheduler:attendance-late-report"):
            next_run = jobs[name].next_t.astimezone(settings.timezone)
            assert (next_run.hour, next_run.minute) == (7, 0)
        assert "scheduler:catch-up" in jobs
    finally:
        await application.job_queue.stop(wait=False)
        await application.shutdown()


async def test_subject_teachers_hear_of_their_missing_columns_in_the_three_days_before_the_lock(school):
    """Semester 1's mid-term column locks on 15/11 (a week after the tests end on 08/11). GV01 has
    entered Toán's mid-term in 6A, not in 6B; GV02 has entered no Ngữ văn mid-term."""
    toan, van = school.api.person(41, "Toàn"), school.api.person(42, "Văn")
    async with UnitOfWork(school.database) as uow:
        year = await uow.school.year_row()
        classes = {name: cid for cid, name, _ in await uow.views.classes()}
        math = next(sid for sid, name in (await uow.views.subject_names()).items() if name == "Toán")
        students = [s.id for s in await uow.roster.class_list("6A")]
        author = Author(None, "test", "", school.clock())
        midterm = Column(ColumnKind.MIDTERM, 1)
        await uow.gradebook.save_column(
            classes["6A"], math, year.id, 1, midterm, dict.fromkeys(students, "8"), author
        )
        await uow.commit()
    school.clock.now = at(11, 9)
    async with school.bot_running():
        await link(school, toan, "GV01")
        await link(school, van, "GV02")
        await delivered(school)
    assert texts(toan, "⏰") == texts(van, "⏰") == []  # four days before: not yet

    for day in (12, 13):  # the first day of the three, then the next: one reminder each
        await restart(school, at(day, 9))
        async with school.bot_running():
            await delivered(school)
    assert texts(toan, "⏰") == [
        "⏰ Nhắc việc: Toán lớp 6B, học kỳ 1 — sổ khoá ngày 15/11/2025, còn thiếu: ĐĐGgk (1 học sinh). "
        "Gõ /nhapdiem để nhập."
    ]
    assert sorted(text.split(" — ")[0] for text in texts(van, "⏰")) == [
        "⏰ Nhắc việc: Ngữ văn lớp 6A, học kỳ 1",
        "⏰ Nhắc việc: Ngữ văn lớp 6B, học kỳ 1",
    ]
    assert "ĐĐGgk (3 học sinh)" in next(text for text in texts(van, "⏰") if "6A" in text)


async def test_a_lock_the_vice_principal_planned_earlier_brings_the_reminder_forward(school):
    """The mid-term column would lock after 15/11; on 09/11 the vice-principal locks 6B's Toán from the
    evening of 11/11. GV01, who linked the day before, is reminded with that day, not the default one."""
    toan = school.api.person(41, "Toàn")
    async with UnitOfWork(school.database) as uow:
        year = await uow.school.year_row()
        classes = {name: cid for cid, name, _ in await uow.views.classes()}
        math = next(sid for sid, name in (await uow.views.subject_names()).items() if name == "Toán")
        lock = WindowDecision(
            WindowState.LOCKED, at(11, 17), class_id=classes["6B"], subject_id=math, kind=ColumnKind.MIDTERM
        )
        await uow.windows.add_decision(year.id, 1, lock, Author(None, "test", "", at(9, 6)))
        await uow.commit()
    school.clock.now = at(7, 9)
    async with school.bot_running():
        await link(school, toan, "GV01")
        await delivered(school)
    await restart(school, at(9, 9))
    async with school.bot_running():
        await delivered(school)
    reminders = texts(toan, "⏰ Nhắc việc: Toán lớp 6B")
    assert len(reminders) == 1 and "sổ khoá ngày 11/11/2025" in reminders[0]
    assert all("6A" not in text for text in texts(toan, "⏰"))  # 6A's column still has until 15/11
