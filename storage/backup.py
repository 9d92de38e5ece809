"""Online, consistent backups and verified restores.

SQLite: the sqlite3 backup API copies the live database page by page while the bot runs; the copy is
checked with ``PRAGMA integrity_check`` and left as one file (no -wal, -shm). PostgreSQL: ``pg_dump`` in
its custom format, checked by listing it with ``pg_restore``. Files are named
``sodiem-YYYYMMDD-HHMMSS.db`` (or ``.dump``); beside each, ``NAME.manifest.json`` (storage/manifest.py)
proves it: a restore refuses a file that does not match its manifest."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.retention import backups_to_keep
from domain.school import Semester
from storage.db import Database, database_url, is_sqlite
from storage.manifest import backup_facts, check_manifest, manifest_path, write_manifest
from storage.models import SemesterRow
from storage.school_store import SEMESTER_FIELDS

NAME = re.compile(r"^sodiem-(\d{8}-\d{6})\.(db|dump)$")


def backup_name(moment: datetime, sqlite: bool) -> str:
    return f"sodiem-{moment:%Y%m%d-%H%M%S}.{'db' if sqlite else 'dump'}"


def taken_at(path: Path) -> datetime | None:
    match = NAME.match(path.name)
    return datetime.strptime(match[1], "%Y%m%d-%H%M%S") if match else None


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def libpq_url(url: str) -> str:
    """The URL in the form pg_dump and pg_restore understand (no '+asyncpg')."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def take_backup(database: Database, directory: Path, moment: datetime) -> Path:
    """The backup and its manifest; the manifest's facts (schema, counts, audit head) are read just
    before the copy, so the copy holds that head (and perhaps entries written meanwhile)."""
    async with database.session(read_only=True) as session:
        facts = await backup_facts(session)
    return await asyncio.to_thread(create_backup, database.url, directory, moment, facts)


def create_backup(url: str, directory: Path, moment: datetime, facts: dict) -> Path:
    url = database_url(url)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / backup_name(moment, is_sqlite(url))
    if target.exists():
        raise DomainError("backup.error.exists", value=str(target))
    partial = target.with_suffix(target.suffix + ".part")
    if is_sqlite(url):
        _sqlite_copy(sqlite_path(url), partial)
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}", libpq_url(url)])
    verify_backup(partial)
    partial.rename(target)
    try:
        write_manifest(target, facts)
    except (DomainError, OSError):
        target.unlink()  # a backup without its manifest would be refused: leave none
        raise
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise DomainError("backup.error.no_database", value=str(source))
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file: no -wal, -shm left beside it


def verify_backup(path: Path) -> None:
    """Raises unless the file is a whole, readable sodiem backup."""
    if not path.is_file():
        raise DomainError("backup.error.no_file", value=str(path))
    if _is_sqlite_file(path):
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as copy:
                status = copy.execute("PRAGMA integrity_check").fetchone()[0]
                tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError:
            status, tables = "unreadable", set()
        if status != "ok" or "alembic_version" not in tables:
            raise DomainError("backup.error.damaged", value=str(path))
        return
    listing = _run(["pg_restore", "--list", str(path)], failure="backup.error.damaged", value=str(path))
    if "alembic_version" not in listing:
        raise DomainError("backup.error.damaged", value=str(path))


def check_backup(path: Path) -> dict:
    """``sodiem backup --verify``: the file is the one its manifest describes and is whole; the
    manifest's facts."""
    facts = check_manifest(path)
    verify_backup(path)
    return facts


def _is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def restore_backup(url: str, path: Path) -> None:
    """Replaces the database's content with the backup's, once the file is proved by its manifest.
    The caller checks emptiness and --force."""
    url = database_url(url)
    check_backup(path)
    if is_sqlite(url) != _is_sqlite_file(path):
        raise DomainError("backup.error.wrong_kind", value=str(path))
    if is_sqlite(url):
        with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(sqlite_path(url))) as live:
            source.backup(live)
        return
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={libpq_url(url)}",
            str(path),
        ]
    )


def _run(command: list[str], failure: str = "backup.error.tool_failed", value: str = "") -> str:
    if shutil.which(command[0]) is None:
        raise DomainError("backup.error.no_tool", value=command[0])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [command[0]])[-1]
        raise DomainError(failure, value=value or detail)
    return done.stdout


def remove_backup(path: Path) -> None:
    path.unlink()
    manifest_path(path).unlink(missing_ok=True)


def backups_in(directory: Path) -> dict[datetime, Path]:
    if not directory.is_dir():
        return {}
    return {moment: path for path in directory.iterdir() if (moment := taken_at(path))}


def copy_backup(path: Path, directory: Path) -> Path:
    """A second copy of a backup and its manifest in ``directory`` (a network share, a USB disk),
    written under a temporary name, then checked against the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    for source in (path, manifest_path(path)):
        partial = directory / f"{source.name}.part"
        shutil.copyfile(source, partial)
        partial.rename(directory / source.name)
    copied = directory / path.name
    check_backup(copied)
    return copied


def apply_retention(directory: Path, now: datetime, semesters: list[Semester]) -> list[Path]:
    """Deletes the backups in ``directory`` that the retention rule does not keep; nothing else."""
    found = backups_in(directory)
    keep = backups_to_keep(found, now.date(), semesters)
    removed = [path for moment, path in sorted(found.items()) if moment not in keep]
    for path in removed:
        remove_backup(path)
    return removed


async def school_semesters(session: AsyncSession) -> list[Semester]:
    rows = await session.scalars(select(SemesterRow))
    return [Semester(**{f: getattr(row, f) for f in SEMESTER_FIELDS}) for row in rows]
