"""The database: one engine per process, a unit of work per use case.

SQLite (the embedded default) runs in WAL mode with foreign keys on, its statements on the event
loop's thread, waiting for another process's writer up to a busy timeout (storage/sqlite_driver.py); every
writing transaction starts with ``BEGIN IMMEDIATE`` and, inside one process, writers take turns,
so that concurrent read-modify-write never loses an update. PostgreSQL needs none of that.

A turn that may or may not write (an update of the bot) asks for a ``deferred`` session: on SQLite
it reads without the writer lock, in a plain ``BEGIN``, and takes the lock at its first write. If
another writer committed after it began to read, SQLite refuses that write (its snapshot is stale:
SQLITE_BUSY_SNAPSHOT); the session is then marked ``stale`` and the caller runs the turn again with
the lock from the start. So reading never waits behind writing, and nothing is written from an old
read.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_only

from storage.sqlite_driver import inline_connector

DEFAULT_URL = "sqlite+aiosqlite:///./sodiem.db"
SQLITE_BUSY_SECONDS_SETTING = "SODIEM_SQLITE_BUSY_SECONDS"  # how long a writer waits for another one
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
ENQUEUED = "sodiem_outbox_enqueued"  # in a session's info: its transaction added rows to the outbox
# Kept open, and as many more at need. Each has SQLite's own caches and an aiosqlite thread (for the
# commits that wrote: storage/sqlite_driver.py): with 64 (one for each turn bot.processor runs at once)
# `sodiem run` grew past 170 MB under 200 people and answered fewer presses; with 16, 156 MB and no
# press later (bench/memory.py, bench/entry.py). Turns beyond that wait for a connection.
SQLITE_CONNECTIONS = 8


def sqlite_busy_seconds() -> float:
    return float(os.environ.get(SQLITE_BUSY_SECONDS_SETTING) or 30)


def is_busy(error: BaseException) -> bool:
    """SQLite's answer when another process kept the database for longer than the busy timeout."""
    return "database is locked" in str(error)


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else SODIEM_DATABASE_URL, else ./sodiem.db; with an async driver."""
    raw = url or os.environ.get("SODIEM_DATABASE_URL") or DEFAULT_URL
    parsed = make_url(raw)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes; every moment sodiem stores is UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str) -> AsyncEngine:
    if not is_sqlite(url):
        # JIT compiles a query whose estimated cost is high (the person's query, with its correlated
        # lists, estimates high on a small school): 35 ms of compiling for a query that runs in 1 ms
        return create_async_engine(url, pool_pre_ping=True, connect_args={"server_settings": {"jit": "off"}})
    engine = create_async_engine(
        url,
        async_creator=inline_connector(url, sqlite_busy_seconds()),
        pool_size=SQLITE_CONNECTIONS,
        max_overflow=SQLITE_CONNECTIONS,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:
        options = connection.get_execution_options()
        deferred = options.get("sodiem_read_only", False) or "sodiem_late_writer" in options
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_write(connection, _cursor, statement, _parameters, context, _executemany) -> None:
        writer = connection.get_execution_options().get("sodiem_late_writer")
        if writer is not None and not writer.holding and is_write(statement, context):
            await_only(writer.take())

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context) -> None:
        connection = context.connection
        writer = connection.get_execution_options().get("sodiem_late_writer") if connection else None
        if writer is not None and writer.holding and is_busy(context.original_exception):
            writer.stale = True

    return engine


def is_write(statement: str, context) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    return statement.lstrip()[:7].upper().startswith(WRITES)


@dataclass
class LateWriter:
    """A deferred session's place in the writers' queue: taken at its first write, if it writes."""

    lock: asyncio.Lock
    holding: bool = False
    stale: bool = False  # SQLite refused its first write: another writer changed what it had read

    async def take(self) -> None:
        await self.lock.acquire()
        self.holding = True

    def release(self) -> None:
        if self.holding:
            self.holding = False
            self.lock.release()


@dataclass
class Database:
    """The engine and how to open units of work on it."""

    url: str
    engine: AsyncEngine = field(init=False)
    _writer: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)
    _outbox_listeners: list[weakref.WeakMethod] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.url = database_url(self.url)
        self.engine = create_engine(self.url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        reader = self.engine.execution_options(sodiem_read_only=True)
        self._read_sessions = async_sessionmaker(reader, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def session(self, read_only: bool = False, deferred: bool = False) -> AsyncIterator[AsyncSession]:
        """A session in one transaction, rolled back unless the caller commits. ``deferred``: on
        SQLite, the writer lock is taken at the first write (see the module's note); then
        ``is_stale(session)`` says whether the work must be done again with ``deferred=False``."""
        if read_only:
            async with self._read_sessions() as session, session.begin():
                yield session
            return
        if self.is_sqlite and deferred:
            async with self._late_writer_session() as session:
                yield session
            return
        if self.is_sqlite:
            # a connection first, then the writer's turn: the order a deferred session keeps too, so
            # that no writer waits for a connection that a reader waiting for the writer holds
            async with (
                self.engine.connect() as connection,
                self._writer,
                self._sessions(bind=connection) as session,
            ):
                yield session
        else:
            async with self._sessions() as session:
                yield session

    @asynccontextmanager
    async def _late_writer_session(self) -> AsyncIterator[AsyncSession]:
        writer = LateWriter(self._writer)
        try:
            bind = self.engine.execution_options(sodiem_late_writer=writer)
            async with self._sessions(bind=bind) as session:
                session.info["sodiem_late_writer"] = writer
                yield session
        finally:
            writer.release()

    def on_outbox_committed(self, listener: Callable[[], None]) -> None:
        """``listener`` (a bound method, held weakly) is called after each commit that added outbox rows."""
        self._outbox_listeners.append(weakref.WeakMethod(listener))

    def outbox_committed(self) -> None:
        self._outbox_listeners = [ref for ref in self._outbox_listeners if ref() is not None]
        for ref in self._outbox_listeners:
            listener = ref()
            if listener is not None:
                listener()

    async def dispose(self) -> None:
        await self.engine.dispose()


def insert_or_skip(session: AsyncSession, model: type, *key: str):
    """``INSERT … ON CONFLICT (key) DO NOTHING`` for the session's database: a row whose key is there
    already (also one another transaction is adding) is left out; RETURNING tells which went in."""
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing(index_elements=list(key))


def is_stale(session: AsyncSession) -> bool:
    """Whether a deferred session's first write was refused because what it read had changed."""
    writer = session.info.get("sodiem_late_writer")
    return writer is not None and writer.stale
