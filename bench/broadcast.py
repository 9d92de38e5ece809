"""How fast an approved notice reaches the parents: 1,500 parents against a local Bot API that enforces
Telegram's flood limits (30 messages a second for the bot, one a second per chat).

The outbox is filled as approving a school notice fills it (one row per parent's account, the header in
the parent's language), then the dispatcher sends it through the bot application's own ``Bot`` (with
its rate limiter), exactly as in ``sodiem run``. Prints messages a second from the first send to the
last, the number of 429 answers and other refusals, and checks that every parent has exactly one copy.
Nothing is asserted; the target is at least 28 messages a second and no 429.

Run: .venv/bin/python bench/broadcast.py [--parents 1500]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_application
from bot.config import load_settings
from bot.delivery import DISPATCHER
from domain.notices import Audience, Reach, Scope, Status
from localapi import LocalBotApi
from notifications.dispatcher import Dispatcher
from notifications.notices import notice_messages
from notifications.telegram import TelegramChannel
from storage.db import Database
from storage.migrate import upgrade
from storage.notice_store import Recipient
from storage.uow import UnitOfWork

TOKEN = "123456:BENCH-broadcast"
FIRST_PARENT = 700_000
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


async def bench(parents: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="sodiem-broadcast-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await asyncio.to_thread(upgrade, url)
    database = Database(url)
    await fill_outbox(database, parents)
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
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(bench(args.parents))


if __name__ == "__main__":
    main()
