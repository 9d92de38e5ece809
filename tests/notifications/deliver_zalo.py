"""A Zalo dispatcher in a process of its own, for the test that kills it in the middle of a delivery:
python -m tests.notifications.deliver_zalo DATABASE_URL ZALO_API_URL TOKEN WORKERS"""

import asyncio
import sys

from notifications.dispatcher import Dispatcher
from notifications.zalo import ZaloChannel
from storage.db import Database


async def main(database_url: str, base_url: str, token: str, workers: str) -> None:
    database = Database(database_url)
    channel = ZaloChannel.connect(token, base_url)
    await channel.start()
    try:
        await Dispatcher(database, {channel.name: channel}, workers=int(workers)).run_until_idle()
    finally:
        await channel.stop()
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
