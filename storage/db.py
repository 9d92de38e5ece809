"""The database: one engine per process, a unit of work per use case.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout; every
writing transaction starts with ``BEGIN IMMEDIATE`` and, inside one process, writers take turns,
so that concurrent read-modify-write never loses an update. PostgreSQL needs none of that.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

DEFAULT_URL = "sqlite+aiosqlite:///./sodiem.db"
SQLITE_BUSY_SECONDS_SETTING = "SODIEM_SQLITE_BUSY_SECONDS"  # how long a writer waits for another one


def sqlite_busy_timeout_ms() -> int:
    return int(float(os.environ.get(SQLITE_BUSY_SECONDS_SETTING) or 30) * 1000)


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
        return create_async_engine(url, pool_pre_ping=True)
    busy_ms = sqlite_busy_timeout_ms()
    engine = create_async_engine(url, connect_args={"timeout": busy_ms / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:
        read_only = connection.get_execution_options().get("sodiem_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


@dataclass
class Database:
    """The engine and how to open units of work on it."""

    url: str
    engine: AsyncEngine = field(init=False)
    _writer: asyncio.Lock = field(init=False, default_factory=asyncio.Lock)

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
    async def session(self, read_only: bool = False) -> AsyncIterator[AsyncSession]:
        """A session in one transaction, rolled back unless the caller commits."""
        if read_only:
            async with self._read_sessions() as session, session.begin():
                yield session
            return
        if self.is_sqlite:
            async with self._writer, self._sessions() as session:
                yield session
        else:
            async with self._sessions() as session:
                yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
