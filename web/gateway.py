"""The web chat's Bot API: the local Bot API (localapi/) run in the process, on 127.0.0.1 only, with the
real bot (the same ``build_application`` and handlers as on Telegram, channel "web") polling it. Each web
account (a signed-in browser) is one person and one private chat there, numbered by its device number.

Nothing of the chat is kept but in memory: after a restart a person's chat starts empty (their data,
links and sessions are in the database)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from localapi import LocalBotApi, Person
from localapi.world import Chat
from notifications.pacing import Pacing
from storage.db import Database

CHANNEL = "web"
POLL_TIMEOUT = 10  # seconds a getUpdates waits; updates still arrive at once
# a browser is not Telegram: no flood limits to keep, only a generous guard
WEB_PACING = Pacing(per_second=1000.0, burst=1000, chat_burst=100, chat_period=0.1, recipient_interval=0.0)
KEEP_MESSAGES = 300  # a chat keeps its last messages in memory; older ones drop off the page


class WebGateway:
    def __init__(self, settings: Settings, database: Database, clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.database = database
        self.clock = clock
        token = f"{secrets.randbelow(10**9) + 10**9}:{secrets.token_urlsafe(24)}"
        self.local = LocalBotApi(token, bot_username="sodiem_web", max_poll_timeout=POLL_TIMEOUT + 5)
        self.application: Application | None = None

    async def start(self) -> None:
        await self.local.start()
        settings = replace(self.settings, token=self.local.token, api_url=self.local.base_url)
        application = build_application(settings, self.database, self.clock, WEB_PACING, channel=CHANNEL)
        await application.initialize()
        await application.post_init(application)
        await application.start()
        await application.updater.start_polling(
            poll_interval=0, timeout=POLL_TIMEOUT, allowed_updates=["message", "callback_query"]
        )
        self.application = application

    async def stop(self) -> None:
        application, self.application = self.application, None
        if application is not None:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
        await self.local.stop()

    def person(self, device: str, language: str) -> Person:
        """The device's person, with a chat open (the bot may write first: a notice after a restart)."""
        person = self.local.person(int(device), "web", language_code=language)
        world = self.local.world
        world.chats.setdefault(person.id, Chat(world.users[person.id]))
        self._trim(world.chats[person.id])
        return person

    @staticmethod
    def _trim(chat: Chat) -> None:
        extra = len(chat.messages) - KEEP_MESSAGES
        for message_id in list(chat.messages)[: max(extra, 0)]:
            del chat.messages[message_id]

    async def until_started(self, timeout: float = 30) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while self.application is None and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
