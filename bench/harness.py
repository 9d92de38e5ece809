"""What the benchmarks share: a throwaway database (SQLite file or PostgreSQL database) with a school
key of its own, the ``--database`` choice, and the bot polling the local Bot API in this event loop."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from telegram.ext import Application

from storage.school_key import KEY_FILE_SETTING, create_key_file

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[None]:
    """Runs the application in this event loop, as tests/bot/conftest.py does."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)  # as run_polling does
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()


@contextmanager
def throwaway_database(choice: str) -> Iterator[tuple[str, str]]:
    """(URL, description) of a fresh, empty database, removed afterwards; with a school key of its own
    (unless SODIEM_AUDIT_KEY_FILE names one), since the change log is sealed with it."""
    with school_key(), _database(choice) as chosen:
        yield chosen


@contextmanager
def school_key() -> Iterator[None]:
    if os.environ.get(KEY_FILE_SETTING):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="sodiem-bench-key-") as folder:
        create_key_file(Path(folder) / "sodiem-audit.key")
        os.environ[KEY_FILE_SETTING] = str(Path(folder) / "sodiem-audit.key")
        try:
            yield
        finally:
            del os.environ[KEY_FILE_SETTING]


@contextmanager
def _database(choice: str) -> Iterator[tuple[str, str]]:
    if choice == "sqlite":
        with tempfile.TemporaryDirectory(prefix="sodiem-bench-") as folder:
            yield f"sqlite+aiosqlite:///{folder}/sodiem.db", "SQLite, a fresh file in a temporary folder"
        return
    server = make_url(POSTGRES if choice == "postgresql" else choice)
    name = f"sodiem_bench_{uuid.uuid4().hex[:8]}"
    asyncio.run(postgres_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        yield url, f"PostgreSQL at {server.host}:{server.port or 5432}, throwaway database {name}"
    finally:
        asyncio.run(postgres_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def postgres_admin(server: URL, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(
        host=server.host,
        port=server.port or 5432,
        user=server.username,
        password=server.password,
        database=server.database,
        timeout=5,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def local_database(value: str) -> str:
    if value in ("sqlite", "postgresql"):
        return value
    url = make_url(value)
    if url.get_backend_name() != "postgresql" or url.host not in LOCAL_HOSTS:
        raise argparse.ArgumentTypeError("sqlite, postgresql, or a PostgreSQL URL on 127.0.0.1")
    return value


def pressing_parser(description: str, people: int) -> argparse.ArgumentParser:
    """The options of a benchmark where people press buttons: --people, --presses and --database."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--people", type=int, default=people, help=f"simulated people pressing at once ({people})"
    )
    parser.add_argument("--presses", type=int, default=10, help="presses of each, one after another (10)")
    parser.add_argument(
        "--database",
        type=local_database,
        default="sqlite",
        help=f"sqlite (default), postgresql ({POSTGRES}), or a PostgreSQL server URL on 127.0.0.1",
    )
    return parser


def pressing_arguments(parser: argparse.ArgumentParser) -> argparse.Namespace:
    args = parser.parse_args()
    if args.people < 1 or args.presses < 1 or args.people * args.presses < 2:
        parser.error("at least one person, one press each, and two presses in all")
    return args
