"""The sandbox running: the local Bot API, the real bot polling it over a copy of the pristine demo
school, and the web page, in one event loop. A reset stops the bot, takes a fresh copy, forgets every
chat and links the five people again."""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from aiohttp import web
from telegram.ext import Application

from bot.app import build_application, utc_now
from bot.config import load_settings
from bot.turn import CHANNEL
from domain.errors import DomainError
from localapi import LocalBotApi
from locales import SCHOOL_TZ, Translator, translator
from sandbox import tour
from sandbox.personas import PERSONAS
from sandbox.school import Fill, Member, copy_database, invite_everyone, prepare_pristine, sqlite_url
from storage.db import Database
from storage.uow import UnitOfWork

TOKEN = "700000:sandbox-local-token"
HOST = "127.0.0.1"
POLL_TIMEOUT = 5  # seconds a getUpdates waits; updates still arrive at once


class Sandbox:
    def __init__(
        self,
        fill: Fill,
        workdir: Path,
        *,
        language: str = "vi",
        api_port: int = 0,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.fill = fill
        self.workdir = workdir
        self.pristine = workdir / "pristine.db"
        self.language = language
        self.clock = clock
        self.local = LocalBotApi(TOKEN, port=api_port, bot_username="sodiem_sandbox_bot")
        self.members: dict[str, Member] = {}
        self.ready = False
        self.generation = 0  # grows with every reset; the page starts its chats anew when it changes
        self.since = clock()
        self._database: Database | None = None
        self._application: Application | None = None
        self._lock = asyncio.Lock()

    @property
    def database(self) -> Database | None:
        """The copy of the demo school now in use (None while it is being replaced)."""
        return self._database

    # --- lifecycle -------------------------------------------------------------------------------

    async def prepare(self) -> None:
        """Builds the pristine demo school (half a minute), then opens the first copy."""
        async with self._lock:
            await prepare_pristine(self.pristine, self.fill, self.today())
            await self._open()

    async def reset(self) -> None:
        async with self._lock:
            self.ready = False
            await self._close()
            self.local.forget_people()
            await self._open()

    async def close(self) -> None:
        await self._close()

    async def _open(self) -> None:
        self.generation += 1
        path = self.workdir / f"school-{self.generation}.db"
        await asyncio.to_thread(copy_database, self.pristine, path)
        environ = {
            "SODIEM_TELEGRAM_TOKEN": TOKEN,
            "SODIEM_TELEGRAM_API_URL": self.local.base_url,
            "SODIEM_DATABASE_URL": sqlite_url(path),
            "SODIEM_LOCALE": self.language,
        }
        self._database = Database(sqlite_url(path))
        application = build_application(load_settings(environ, env_file=None), self._database, self.clock)
        await application.initialize()
        await application.post_init(application)  # as run_polling does
        await application.start()
        await application.updater.start_polling(
            poll_interval=0, timeout=POLL_TIMEOUT, allowed_updates=["message", "callback_query"]
        )
        self._application = application
        self.since = self.clock()
        await self._link_everyone()
        self.ready = True

    async def _link_everyone(self) -> None:
        """Each persona writes /start with their invite, as a new teacher or parent does."""
        assert self._database is not None
        self.members = {}
        for member, code in await invite_everyone(self._database, self.since):
            first_name = translator(self.language)(member.persona.label_key)
            person = self.local.person(member.persona.user_id, first_name, language_code=self.language)
            person.send_command(f"/start {code}")
            self.members[member.persona.key] = member
        await self._until_linked()

    async def _until_linked(self, timeout: float = 60) -> None:
        """Ready means everyone is linked: a language chosen on the page must find their accounts."""
        ids = [str(member.persona.user_id) for member in self.members.values()]
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            async with UnitOfWork(self._database, read_only=True) as uow:
                if await uow.identity.linked_count(CHANNEL, ids) == len(ids):
                    return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"the sandbox's people were not linked within {timeout} s")

    async def _close(self) -> None:
        application, self._application = self._application, None
        if application is not None:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
        database, self._database = self._database, None
        if database is not None:
            await database.dispose()
            for stale in self.workdir.glob(f"school-{self.generation}.db*"):
                stale.unlink()

    # --- what the page asks ----------------------------------------------------------------------

    def today(self) -> date:
        return self.clock().astimezone(SCHOOL_TZ).date()

    async def set_language(self, language: str) -> None:
        """The page's language is also the bot's for the five people (as /ngonngu would set it)."""
        self.language = language
        for person in self.local.people.values():
            person.user["language_code"] = language
        if self._database is None:
            return
        async with UnitOfWork(self._database) as uow:
            for persona in PERSONAS:
                await uow.identity.set_language(CHANNEL, str(persona.user_id), language)
            await uow.commit()

    async def tour(self, t: Translator) -> dict[str, list[dict]]:
        """Every persona's tasks, each with its text and whether it is done."""
        if self._database is None or not self.ready:
            return {}
        shown: dict[str, list[dict]] = {}
        async with self._database.session(read_only=True) as session:
            for persona in PERSONAS:
                doings = self._doings(persona.key)
                shown[persona.key] = [
                    {
                        "key": task.key,
                        "text": t(task.key),
                        "done": task.check is not None and await task.check(session, doings),
                    }
                    for task in tour.TOUR[persona.key]
                ]
        return shown

    def _doings(self, key: str) -> tour.Doings:
        member = self.members[key]
        person = self.local.people.get(member.persona.user_id)
        chat = person.chat if person else None
        texts = [m.text for m in chat.messages.values() if not m.from_bot] if chat else []
        presses = [
            query.data
            for query in self.local.world.callback_queries.values()
            if query.user_id == member.persona.user_id
        ]
        return tour.Doings(member.staff_id, self.since, self.today(), tuple(texts), tuple(presses))


async def serve(sandbox: Sandbox, port: int, on_ready: Callable[[], None] = lambda: None) -> None:
    """Runs the sandbox until cancelled (Ctrl-C); a port already in use is a DomainError naming it."""
    from sandbox.web import build_app

    runner = web.AppRunner(build_app(sandbox), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        await _bind(web.TCPSite(runner, HOST, port).start(), port)
        await _bind(sandbox.local.start(), sandbox.local.port)
        try:
            await sandbox.prepare()
            on_ready()
            await asyncio.Event().wait()
        finally:
            await sandbox.close()
            await sandbox.local.stop()
    finally:
        await runner.cleanup()


async def _bind(starting, port: int) -> None:
    try:
        await starting
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise DomainError("sandbox.error.port_in_use", port=port) from None
        raise
