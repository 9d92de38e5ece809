"""Weekly news: the vice-principal approves the template once; on Saturday at 17:00 each of the forty
parents of 6A receives one message about their own child only (released scores, never unreleased ones),
even when the job runs again and the bot restarts; a changed template waits for approval again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from domain.notices import Audience, Kind, Reach, Scope, Status
from domain.weekly import ALL_PARTS
from locales import SCHOOL_TZ
from services import weekly_news
from storage.models import (
    AbsenceRow,
    ClassRow,
    OutboxRow,
    RefusalRow,
    ScoreRow,
    StudentRow,
    SubjectCommentRow,
    SubjectRow,
)
from storage.uow import UnitOfWork
from tests.bot.test_notices import join_parents, student_codes
from tests.bot.test_score_entry import link

NEWS = "📰 Bản tin tuần 11/10/2025 – 18/10/2025"
REFUSED = "Xin lỗi, bạn không có quyền làm việc này."
GREETING = "Kính gửi quý phụ huynh, nhà trường gửi tình hình học tập trong tuần của con."


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of October 2025, school time."""
    return datetime(2025, 10, day, hour, minute, tzinfo=SCHOOL_TZ).astimezone(UTC)


async def propose(database, text: str, now: datetime) -> int:
    async with UnitOfWork(database) as uow:
        template = await weekly_news.propose_template(uow, text, ALL_PARTS, None, now)
        await uow.commit()
    return template.id


async def the_week_of_6a(database, codes: list[str]) -> dict[str, str]:
    """The week's facts: an absence, a score released by the mid-term cards' approval, a score and a
    comment entered after it (not released), a class notice to 6A and one to 6B."""
    async with UnitOfWork(database) as uow:
        session = uow.session
        ids = {
            code: await session.scalar(select(StudentRow.id).where(StudentRow.code == code)) for code in codes
        }
        names = {
            code: await session.scalar(select(StudentRow.full_name).where(StudentRow.code == code))
            for code in codes
        }
        class_6a = await session.scalar(select(ClassRow.id).where(ClassRow.name == "6A"))
        class_6b = await session.scalar(select(ClassRow.id).where(ClassRow.name == "6B"))
        year = await session.scalar(select(ClassRow.year_id).where(ClassRow.id == class_6a))
        toan = await session.scalar(select(SubjectRow.id).where(SubjectRow.name == "Toán"))
        first, second = ids[codes[0]], ids[codes[1]]
        session.add(
            AbsenceRow(
                student_id=first,
                class_id=class_6a,
                day=local(15, 8).date(),
                session=0,
                mark="P",
                entered_at=local(15, 8),
            )
        )
        session.add(
            AbsenceRow(
                student_id=first,
                class_id=class_6a,
                day=local(8, 8).date(),
                session=0,
                mark="K",
                entered_at=local(8, 8),
            )
        )  # last week
        for kind, position, value, entered in (
            ("regular", 1, "8.5", local(13, 9)),
            ("regular", 2, "3.5", local(17, 9)),
        ):
            session.add(
                ScoreRow(
                    student_id=second,
                    class_id=class_6a,
                    subject_id=toan,
                    year_id=year,
                    semester=1,
                    kind=kind,
                    position=position,
                    value=value,
                    entered_at=entered,
                )
            )
        session.add(
            SubjectCommentRow(
                student_id=second,
                subject_id=toan,
                year_id=year,
                semester=1,
                midterm=True,
                text="Chưa nộp bài tập về nhà.",
                entered_at=local(17, 10),
            )
        )
        cards = await uow.notices.add(
            Reach(Scope.CLASS, class_6a),
            Audience.PARENTS,
            "cards",
            None,
            local(16, 8),
            Kind.REPORT_CARD,
            "mid1",
        )
        await uow.notices.decide(cards, Status.APPROVED, None, local(16, 9))
        for class_id, text in (
            (class_6a, "Lớp 6A đi tham quan bảo tàng thứ Năm."),
            (class_6b, "Lớp 6B nghỉ tiết 5."),
        ):
            notice = await uow.notices.add(
                Reach(Scope.CLASS, class_id), Audience.PARENTS, text, None, local(14, 8)
            )
            await uow.notices.decide(notice, Status.APPROVED, None, local(14, 9))
        await uow.commit()
    return names


def news_of(person) -> list[str]:
    return [m.text for m in person.messages if m.text.startswith("📰 Bản tin tuần")]


async def test_a_week_of_news_for_forty_parents_once_with_only_their_own_child(demo_school):
    school = demo_school
    school.clock.now = local(17, 20)  # Friday evening
    vice = school.api.person(2, "Thầy Phó hiệu trưởng")
    codes = (await student_codes(school.database, "6A"))[:40]
    names = await the_week_of_6a(school.database, codes)
    async with school.bot_running():
        await link(school, vice, "CB002")
        parents = await join_parents(school, codes, 10_000)
        template_id = await propose(school.database, GREETING, school.clock())
        asked = await vice.wait_for(lambda m: m.text.startswith("📰 Mẫu bản tin tuần mới chờ duyệt"))
        assert GREETING in asked.text and "/bantin" in asked.text

        parents[0].press_data(parents[0].messages[-1].message_id, f"wk:ok:{template_id}")  # forged
        await parents[0].wait_for(lambda m: m.text.startswith(REFUSED))
        vice.send_command("/bantin")
        await vice.wait_for(lambda m: m.text.startswith("Bản tin tuần: gửi thứ Bảy lúc 17:00"))
        waiting = await vice.wait_for(
            lambda m: m.text.startswith(f"📰 Mẫu bản tin tuần số {template_id} chờ duyệt")
        )
        vice.press("✅ Duyệt mẫu", waiting)
        await vice.wait_for(lambda m: m.text.startswith(f"✅ Đã duyệt mẫu bản tin tuần số {template_id}"))
        await asyncio.sleep(0.3)
        assert all(news_of(p) == [] for p in parents)  # approved on Friday: nothing before Saturday 17:00

    async with UnitOfWork(school.database, read_only=True) as uow:
        refused = await uow.session.scalar(
            select(func.count()).select_from(RefusalRow).where(RefusalRow.action == "weekly-ok")
        )
    assert refused == 1

    school.clock.now = local(18, 17, 5)  # Saturday 17:05: the start-up run sends the week's news
    await school.pause(1.5)
    async with school.bot_running():
        for parent in parents:
            await parent.wait_for(lambda m: m.text.startswith(NEWS), timeout=60)
        await school.outbox_settled()
    school.clock.now = local(18, 18)  # restarted: the week's news is not sent again
    await school.pause(1.5)
    async with school.bot_running():
        await asyncio.sleep(0.5)
        await school.outbox_settled()
    assert await weekly_news.run_weekly(school.database, local(18, 19)) == 0  # the job run once more

    assert all(len(news_of(p)) == 1 for p in parents)
    first, second, third = (news_of(p)[0] for p in parents[:3])
    assert first.startswith(f"{NEWS}\nEm {names[codes[0]]}, lớp 6A\n{GREETING}")
    assert "🗓 Vắng 1 buổi: 15/10 (có phép)" in first and "08/10" not in first
    assert (
        "📝 Điểm mới: Toán 8,5" in second and "3,5" not in second
    )  # entered after the release: not released
    assert "Chưa nộp bài tập" not in second and "💬 Không có nhận xét mới được công bố." in second
    assert "🗓 Không vắng buổi nào." in third and "📝 Không có điểm mới được công bố." in third
    for text in (first, second, third):
        assert "• Lớp 6A đi tham quan bảo tàng thứ Năm." in text and "6B" not in text
    for parent, code in zip(parents, codes, strict=True):
        (text,) = news_of(parent)
        others = [names[c] for c in codes if c != code and names[c] not in names[code]]
        assert names[code] in text and not any(f"Em {other}," in text for other in others)
    async with UnitOfWork(school.database, read_only=True) as uow:
        rows = await uow.session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.key.like("weekly:%"))
        )
    assert rows == 40


async def test_a_changed_template_waits_for_approval_and_the_schedule_is_the_schools(school):
    vice = school.api.person(33, "Phó")
    school.clock.now = local(13, 8)
    first = await propose(school.database, "Lời chào thứ nhất.", school.clock())
    async with school.bot_running():
        await link(school, vice, "CB02")
        vice.send_command("/bantin")
        waiting = await vice.wait_for(
            lambda m: m.text.startswith(f"📰 Mẫu bản tin tuần số {first} chờ duyệt")
        )
        vice.press("✅ Duyệt mẫu", waiting)
        await vice.wait_for(lambda m: m.text.startswith("✅ Đã duyệt mẫu"))
        vice.press_data(waiting.message_id, f"wk:ok:{first}")  # pressed again: already decided
        await vice.wait_for(
            lambda m: m.text.startswith(f"Mẫu bản tin tuần số {first} đã được duyệt trước đó")
        )
    second = await propose(school.database, "Lời chào thứ hai.", school.clock())
    async with UnitOfWork(school.database) as uow:
        assert (await weekly_news.approved_template(uow)).id == first  # the old text until a leader approves
        assert (await weekly_news.waiting_template(uow)).id == second
        assert await weekly_news.set_schedule(uow, "t7 17h") == "5 17:00"
        assert await weekly_news.set_schedule(uow, "Chủ nhật 8:30") == "6 08:30"
        assert await weekly_news.set_schedule(uow, "off") == "off"
        await uow.commit()
    assert await weekly_news.run_weekly(school.database, local(19, 9)) == 0  # off: nothing
