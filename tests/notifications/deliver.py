"""A dispatcher in a process of its own, for the tests that kill it in the middle of a delivery:
python -m tests.notifications.deliver telegram|zalo DATABASE_URL API_BASE_URL TOKEN WORKERS"""

import asyncio
import sys

from notifications.dispatcher import Dispatcher
from notifications.telegram import TelegramChannel
from notifications.zalo import ZaloChannel
from storage.db import Database

CHANNELS = {"telegram": TelegramChannel, "zalo": ZaloChannel}


async def start(channel_name: str, database_url: str, base_url: str, token: str, workers: int):
    """This dispatcher started as a process of its own (asyncio.subprocess.Process)."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.notifications.deliver",
        channel_name,
        database_url,
        base_url,
        token,
        str(workers),
    )


async def main(channel_name: str, database_url: str, base_url: str, token: str, workers: str) -> None:
    database = Database(database_url)
    channel = CHANNELS[channel_name].connect(token, base_url)
    await channel.start()
    try:
        await Dispatcher(database, {channel.name: channel}, workers=int(workers)).run_until_idle()
    finally:
        await channel.stop()
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
