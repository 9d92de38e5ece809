"""How fast an approved notice reaches the parents: 1,500 parents against a local Bot API that enforces
Telegram's flood limits (30 messages a second for the bot, one a second per chat).

The outbox is filled as approving a school notice fills it (one row per parent's account, the header in
the parent's language), then the dispatcher sends it through the bot application's own ``Bot`` (with
its rate limiter), exactly as in ``sodiem run``. Prints messages a second from the first send to the
last, the number of 429 answers and other refusals, and checks that every parent has exactly one copy.
Nothing is asserted; the target is at least 28 messages a second and no 429.

With ``--weekly`` the outbox is filled by the weekly news instead (services/weekly_news.py, as the
scheduler's job runs it): a demo school of ten classes a grade, a parent's Telegram account linked for
each of the first ``--parents`` students, absences in the week, the template approved; it prints also
how long writing the week's messages took.

Run: .venv/bin/python bench/broadcast.py [--parents 1500] [--weekly]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import build_application
from bot.config import load_settings
from bot.delivery import DISPATCHER
from cli.demo import create_demo_school
from domain.notices import Audience, Reach, Scope, Status
from domain.weekly import ALL_PARTS
from domain.weekly import Status as WeeklyStatus
from localapi import LocalBotApi
from notifications.dispatcher import Dispatcher
from notifications.notices import notice_messages
from notifications.telegram import TelegramChannel
from services import weekly_news
from storage.db import Database
from storage.migrate import upgrade
from storage.models import AbsenceRow, AccountRow, EnrolmentRow, GuardianLinkRow
from storage.recipient_store import Recipient
from storage.school_key import KEY_FILE_SETTING, create_key_file
from storage.uow import UnitOfWork

TOKEN = "123456:BENCH-broadcast"
FIRST_PARENT = 700_000
YEAR = "2025-2026"
WEEK_DUE = datetime(2025, 10, 18, 10, 0, tzinfo=UTC)  # Saturday 17:00 in Hà Nội: the default schedule
WEEKLY_TEXT = "Kính gửi quý phụ huynh, nhà trường gửi tình hình học tập trong tuần của con."
TEXT = (
    "Kính gửi quý phụ huynh: nhà trường tổ chức họp phụ huynh học sinh vào 7g30 sáng thứ Bảy 18/10/2025 "
    "tại các phòng học. Kính mời quý phụ huynh đến đúng giờ."
)


async def fill_outbox(database: Database, parents: int) -> None:
    """An approved school notice for ``parents`` parents (one in ten reads English)."""
    recipients = [
        Recipient("telegram", str(FIRST_PARENT + n), f"Phụ huynh {n}", "en" if n % 10 == 0 else "vi")
        for n in range(parents)
    ]
    now = datetime.now(UTC)
    async with UnitOfWork(database) as uow:
        notice_id = await uow.notices.add(Reach(Scope.SCHOOL), Audience.PARENTS, TEXT, None, now)
        await uow.notices.decide(notice_id, Status.APPROVED, None, now)
        notice = await uow.notices.get(notice_id)
        await uow.outbox.enqueue(notice_messages(notice, recipients, "", "Trường THCS Nguyễn Du"), now)
        await uow.commit()


async def fill_weekly_news(database: Database, parents: int) -> None:
    """The weekly news of a school of 1,600 students for the parents of the first ``parents`` of them."""
    await create_demo_school(database, YEAR, letters="ABCDEFGHIJ")
    async with UnitOfWork(database) as uow:
        links = await uow.session.execute(
            select(GuardianLinkRow.guardian_id, GuardianLinkRow.student_id, EnrolmentRow.class_id)
            .join(EnrolmentRow, EnrolmentRow.student_id == GuardianLinkRow.student_id)
            .order_by(GuardianLinkRow.student_id, GuardianLinkRow.id)
        )
        firsts: dict[int, tuple[int, int]] = {}
        for guardian_id, student_id, class_id in links:
            firsts.setdefault(student_id, (guardian_id, class_id))
        chosen = list(firsts.items())[:parents]
        for n, (student_id, (guardian_id, class_id)) in enumerate(chosen):
            language = "en" if n % 10 == 0 else "vi"
            uow.session.add(
                AccountRow(
                    channel="telegram",
                    external_id=str(FIRST_PARENT + n),
                    guardian_id=guardian_id,
                    language=language,
                    linked_at=WEEK_DUE,
                )
            )
            if n % 7 == 0:
                day = (WEEK_DUE - timedelta(days=2)).date()
                uow.session.add(
                    AbsenceRow(
                        student_id=student_id, class_id=class_id, day=day, mark="P", entered_at=WEEK_DUE
                    )
                )
        template = await weekly_news.propose_template(uow, WEEKLY_TEXT, ALL_PARTS, None, WEEK_DUE)
        await weekly_news.store(uow).decide(template.id, WeeklyStatus.APPROVED, None, WEEK_DUE)
        await uow.commit()
    started = time.monotonic()
    written = await weekly_news.run_weekly(database, WEEK_DUE + timedelta(minutes=1))
    print(f"weekly news written: {written} messages in {time.monotonic() - started:.1f} s")


async def bench(parents: int, weekly: bool) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sodiem-broadcast-"))
    if not os.environ.get(KEY_FILE_SETTING):  # the demo school's import is sealed with a school key
        create_key_file(folder / "sodiem-audit.key")
        os.environ[KEY_FILE_SETTING] = str(folder / "sodiem-audit.key")
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    await (fill_weekly_news(database, parents) if weekly else fill_outbox(database, parents))
    async with LocalBotApi(TOKEN, rate_limits=True) as api:
        for n in range(parents):  # a chat exists once the parent has written to the bot
            api.person(FIRST_PARENT + n, f"PH {n}").send_text("/start")
        settings = load_settings(
            {
                "SODIEM_TELEGRAM_TOKEN": TOKEN,
                "SODIEM_TELEGRAM_API_URL": api.base_url,
                "SODIEM_DATABASE_URL": url,
            }
        )
        application = build_application(settings, database)
        await application.initialize()  # the bot as `sodiem run` builds it; it does not poll here
        dispatcher: Dispatcher = application.bot_data[DISPATCHER]
        assert isinstance(dispatcher.channels["telegram"], TelegramChannel)
        started = time.monotonic()
        await dispatcher.run_until_idle()
        elapsed = time.monotonic() - started
        await application.shutdown()
        copies = [len(api.sent_messages(FIRST_PARENT + n)) for n in range(parents)]
        sent = sum(copies)
        print(f"parents:            {parents}")
        print(f"messages delivered: {sent} in {elapsed:.1f} s")
        print(f"messages a second:  {sent / elapsed:.1f}  (Telegram allows about 30)")
        print(f"429 answers:        {api.rejections_429}")
        print(f"other refusals:     {sum(1 for r in api.refusals if r.code != 429)}")
        print(f"exactly one copy:   {'yes' if set(copies) == {1} else 'NO: ' + str(sorted(set(copies)))}")
    await database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parents", type=int, default=1500)
    parser.add_argument("--weekly", action="store_true", help="the weekly news instead of a notice")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(bench(args.parents, args.weekly))


if __name__ == "__main__":
    main()
