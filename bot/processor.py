"""Updates of different people are processed concurrently, each person's in order, each update in
one database transaction; replies go out after the commit.

On SQLite a turn reads without the writer lock (a deferred unit of work, storage/db.py); if another
writer changed what it read before its first write, its work is dropped and the update handled
again with the lock from the start."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseUpdateProcessor

from bot.logs import CURRENT_UPDATE
from bot.turn import CHANNEL, CURRENT_TURN, Turn
from notifications import metrics
from storage.db import Database
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


def person_key(update: object) -> str:
    if isinstance(update, Update):
        if update.effective_user:
            return f"user:{update.effective_user.id}"
        if update.effective_chat:
            return f"chat:{update.effective_chat.id}"
    return "other"


# the seconds the update being handled has spent in the database so far (a list, to add to in place)
DATABASE_SECONDS: ContextVar[list[float] | None] = ContextVar("sodiem_database_seconds", default=None)


def _query_started(connection, cursor, statement, parameters, context, executemany) -> None:
    connection.info.setdefault("sodiem_query_started", []).append(time.perf_counter())


def _query_done(connection, cursor, statement, parameters, context, executemany) -> None:
    started = connection.info["sodiem_query_started"].pop()
    spent = DATABASE_SECONDS.get()
    if spent is not None:
        spent[0] += time.perf_counter() - started


def time_queries(engine: AsyncEngine) -> None:
    """Adds the time of every query to the update that asked for it (once per engine)."""
    if not event.contains(engine.sync_engine, "before_cursor_execute", _query_started):
        event.listen(engine.sync_engine, "before_cursor_execute", _query_started)
        event.listen(engine.sync_engine, "after_cursor_execute", _query_done)


class PerPersonProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime],
        max_concurrent: int = 64,
        channel: str = CHANNEL,
    ) -> None:
        super().__init__(max_concurrent)
        self.database = database
        self.clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self.application: Application | None = None  # set when the application is built
        self.channel = channel
        time_queries(database.engine)

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        key = person_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                turn = await self._measured(update, coroutine)
            await self._deliver(turn)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody else queued for this person: forget the lock
                del self._waiting[key], self._locks[key]

    async def _measured(self, update: object, coroutine: Awaitable[object]) -> Turn:
        """The update handled, counted, timed and logged (one line: the account and update id)."""
        started, in_database = time.perf_counter(), [0.0]
        DATABASE_SECONDS.set(in_database)
        turn = await self._run(update, coroutine)
        seconds = time.perf_counter() - started
        metrics.UPDATE_SECONDS.observe(seconds)
        metrics.UPDATE_DATABASE_SECONDS.observe(in_database[0])
        metrics.UPDATES.inc()
        if turn.failed:
            metrics.UPDATE_ERRORS.inc()
        log.info(
            "update handled in %.0f ms (database %.0f ms)%s",
            1000 * seconds,
            1000 * in_database[0],
            ", rolled back" if turn.failed else "",
        )
        return turn

    async def _run(self, update: object, coroutine: Awaitable[object]) -> Turn:
        user = update.effective_user if isinstance(update, Update) else None
        chat = update.effective_chat if isinstance(update, Update) else None
        who = (str(user.id) if user else "", chat.id if chat else None)
        CURRENT_UPDATE.set((who[0], update.update_id if isinstance(update, Update) else None))
        turn = await self._turn(who, coroutine, deferred=True)
        if turn.uow.stale:
            log.info("handled again with the writer lock: what it read changed before it wrote")
            assert self.application is not None
            turn = await self._turn(who, self.application.process_update(update), deferred=False)
        return turn

    async def _turn(self, who: tuple[str, int | None], coroutine: Awaitable[object], deferred: bool) -> Turn:
        async with UnitOfWork(self.database, deferred=deferred) as uow:
            turn = Turn(uow, self.clock(), *who, channel=self.channel)
            token = CURRENT_TURN.set(turn)
            try:
                await coroutine
            finally:
                CURRENT_TURN.reset(token)
            if not turn.failed:
                try:
                    await uow.commit()
                except Exception:  # the database refused: nothing was saved, and the person is told
                    if not uow.stale:
                        log.exception("commit failed for update of %s", turn.account)
                    turn.fail()
        return turn

    async def _deliver(self, turn: Turn) -> None:
        for delivery in turn.outbox:
            try:
                await delivery(self.application.bot)
            except TelegramError as error:
                log.warning("reply to %s not delivered: %s", turn.account, error)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
