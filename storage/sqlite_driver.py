"""SQLite's statements run on the event loop's own thread.

aiosqlite hands every call (a cursor opened, a statement run, its rows fetched, the cursor closed) to
a thread of its own and waits for the answer: four hand-offs a statement, each waking another thread
and passing the interpreter's lock back and forth. A turn's statements take SQLite microseconds; the
hand-offs cost more than the work (issue 20: a fifth to a quarter of a menu press's CPU). So these
connections run statements in place, and keep off the loop only what may wait:

- another process's write lock (a command-line import while the bot runs): SQLite's busy handler would
  sleep on the loop's thread, so it is off (busy timeout 0) and the statement is tried again after an
  ``asyncio.sleep``, for as long as the busy timeout allows. A stale snapshot (SQLITE_BUSY_SNAPSHOT) is
  not waited for: storage/db.py runs the turn again;
- the commit of a transaction that wrote, which may copy the write-ahead log into the database and
  wait for the disk: it goes to aiosqlite's thread, as every call did before.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

FIRST_PAUSE, LONGEST_PAUSE = 0.002, 0.05  # seconds between tries while another process writes


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_seconds: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._busy_seconds = busy_seconds
        self._changes_done = 0  # rows changed by the statements of transactions already ended
        self._thread.daemon = True  # as SQLAlchemy makes it: a connection left open never holds up the exit

    async def _execute(self, fn, *args, **kwargs):
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return await self._while_busy(partial(fn, *args, **kwargs))

    async def commit(self) -> None:
        if self._conn.total_changes == self._changes_done:  # it only read: nothing to write to disk
            await self._execute(self._conn.commit)
        else:
            await self._while_busy(partial(aiosqlite.Connection._execute, self, self._conn.commit))
        self._changes_done = self._conn.total_changes

    async def rollback(self) -> None:
        await super().rollback()
        self._changes_done = self._conn.total_changes

    async def _while_busy(self, attempt: Callable[[], Any]) -> Any:
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + self._busy_seconds, FIRST_PAUSE
        while True:
            try:
                result = attempt()
                return await result if asyncio.iscoroutine(result) else result
            except sqlite3.OperationalError as error:
                if not another_holds_a_lock(error) or loop.time() >= deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)


def another_holds_a_lock(error: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or one of its kinds (another connection is writing, recovering or checkpointing the
    log), which SQLite's busy handler would have waited out; not a stale snapshot, which waiting never
    mends."""
    code = error.sqlite_errorcode
    return code & 0xFF == sqlite3.SQLITE_BUSY and code != sqlite3.SQLITE_BUSY_SNAPSHOT


def inline_connector(url: str, busy_seconds: float) -> Callable[[], Awaitable[InlineConnection]]:
    """For ``create_async_engine(async_creator=...)``: connections to ``url``'s file with SQLAlchemy's
    own arguments for it (check_same_thread off, a URI's mode), and no busy handler of SQLite's."""
    arguments, options = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
    options = {**options, "timeout": 0}

    async def connect() -> InlineConnection:
        return await InlineConnection(partial(sqlite3.connect, *arguments, **options), busy_seconds)

    return connect
