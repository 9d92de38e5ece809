"""The outbox dispatcher inside the bot: built with the application, run while it runs, woken when
a turn has committed new messages."""

from __future__ import annotations

import logging

from telegram.ext import Application, ContextTypes

from bot.turn import Turn
from notifications.channel import Channel
from notifications.dispatcher import Dispatcher
from notifications.pacing import TELEGRAM, Pacing
from notifications.telegram import TelegramChannel
from notifications.zalo import ZaloChannel
from storage.db import Database

log = logging.getLogger("sodiem.outbox")
DISPATCHER = "dispatcher"


def attach(
    application: Application, database: Database, zalo: ZaloChannel | None = None, pacing: Pacing = TELEGRAM
) -> None:
    """Delivery follows the wall clock (real seconds of waiting), not the school's clock, and sends with
    the application's bot, so that a person's replies and deliveries share one pace. With Zalo
    configured, the same dispatcher delivers the Zalo rows too."""
    channels: list[Channel] = [TelegramChannel(application.bot, pacing=pacing), *([zalo] if zalo else [])]
    application.bot_data[DISPATCHER] = Dispatcher(database, {c.name: c for c in channels})
    application.bot_data["channels"] = channels


def start(application: Application) -> None:
    """Called from post_init, before the application runs: a first job starts the dispatcher as a task
    of the running application, which ``Application.stop`` waits for."""

    async def launch(context: ContextTypes.DEFAULT_TYPE) -> None:
        context.application.create_task(_run(context.application), name="sodiem-outbox")

    application.job_queue.run_once(launch, 0, name="sodiem-outbox")


async def _run(application: Application) -> None:
    dispatcher: Dispatcher = application.bot_data[DISPATCHER]
    channels = application.bot_data["channels"]
    for channel in channels:
        await channel.start()
    try:
        await dispatcher.run(lambda: application.running)
    finally:
        for channel in channels:
            await channel.stop()


def zalo_pictures(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether report cards reach Zalo as pictures too (SODIEM_PUBLIC_URL: the platform fetches them)."""
    return any(isinstance(c, ZaloChannel) and c.sends_pictures for c in context.bot_data.get("channels", []))


def wake_after_commit(turn: Turn, context: ContextTypes.DEFAULT_TYPE) -> None:
    """New rows are visible once the turn commits; the dispatcher is woken after that."""
    dispatcher: Dispatcher | None = context.bot_data.get(DISPATCHER)
    if dispatcher is not None:

        async def wake(_bot) -> None:
            dispatcher.wake()

        turn.later(wake)


def add_channel(application: Application, database: Database, channel: Channel) -> None:
    """One more channel for the same dispatcher (the web chat's), before the application starts."""
    channels = [*application.bot_data["channels"], channel]
    application.bot_data[DISPATCHER] = Dispatcher(database, {c.name: c for c in channels})
    application.bot_data["channels"] = channels
