"""Is this a whole sodiem database? Asked before verifying, without writing a byte: a missing or
foreign file, a truncated or damaged one, missing tables or an older schema are named."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from domain.errors import DomainError
from storage.db import Database, database_url, is_sqlite
from storage.migrate import current_revision, head_revision
from storage.models import Base

SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_file(path: Path) -> None:
    """Raises unless ``path`` is a readable, undamaged SQLite file (opened read-only)."""
    if not path.is_file():
        raise DomainError("health.error.no_file", path=str(path))
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_HEADER:
            raise DomainError("health.error.foreign", path=str(path))
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as connection:
            status = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise DomainError("health.error.damaged", path=str(path), detail=str(error)) from error
    if status != "ok":
        raise DomainError("health.error.damaged", path=str(path), detail=status)


async def check_database(url: str) -> None:
    """Raises a DomainError naming what is wrong with the database at ``url``; writes nothing."""
    url = database_url(url)
    if is_sqlite(url):
        check_sqlite_file(Path(make_url(url).database or ""))
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        missing = sorted(set(Base.metadata.tables) - tables)
        if missing:
            raise DomainError("health.error.missing_tables", names=", ".join(missing[:10]))
        current = await current_revision(database.engine)
        if current != head_revision():
            raise DomainError("db.error.not_migrated", current=current or "-", head=head_revision())
    except DBAPIError as error:
        raise DomainError("health.error.unreadable", detail=str(error).splitlines()[0]) from error
    finally:
        await database.dispose()
