"""Shared fixtures. Storage tests run on SQLite and on PostgreSQL: the test id says which
(``[sqlite]`` or ``[postgresql]``). PostgreSQL is the one at SODIEM_TEST_POSTGRES_URL (default
127.0.0.1:5432, user postgres); each run makes a throwaway database and drops it afterwards. Without
PostgreSQL the PostgreSQL half is skipped with a plain message, except under CI, where it fails."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import delete
from sqlalchemy.engine import make_url

from storage.db import Database, is_sqlite
from storage.migrate import upgrade
from storage.models import Base

# Parallel workers on a shared two-core machine make Hypothesis's input generation slow at times: its
# too_slow health check and the per-example deadline measure the machine, not sodiem. Every property
# still runs all its examples.
settings.register_profile("sodiem", suppress_health_check=[HealthCheck.too_slow], deadline=None)
settings.load_profile("sodiem")

POSTGRES_ADMIN_URL = os.environ.get(
    "SODIEM_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = (
    os.environ.get("CI", "").lower() == "true" or os.environ.get("SODIEM_REQUIRE_POSTGRES") == "1"
)


async def _postgres_admin(statement: str | None = None) -> None:
    import asyncpg

    url = make_url(POSTGRES_ADMIN_URL)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
        timeout=5,
    )
    try:
        if statement:
            await connection.execute(statement)
    finally:
        await connection.close()


async def _create_postgres_database(name: str, template: str | None = None) -> None:
    """A test database; its commits do not wait for the disk (``synchronous_commit``), as nothing in a
    test needs to outlive a crash of the server, and four workers commit thousands of times a run."""
    await _postgres_admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    await _postgres_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


POSTGRES_PROBLEM = pytest.StashKey[str | None]()


def postgres_problem(config) -> str | None:
    """Why PostgreSQL cannot be used here, or None; asked once per run."""
    if POSTGRES_PROBLEM not in config.stash:
        try:
            asyncio.run(_postgres_admin())
            config.stash[POSTGRES_PROBLEM] = None
        except Exception as error:  # any failure to connect means: no PostgreSQL here
            config.stash[POSTGRES_PROBLEM] = f"{type(error).__name__}: {error}"
    return config.stash[POSTGRES_PROBLEM]


def pytest_report_header(config) -> str:
    problem = postgres_problem(config)
    if problem is None:
        return f"storage back ends: sqlite, postgresql ({make_url(POSTGRES_ADMIN_URL).host})"
    return f"storage back ends: sqlite only — PostgreSQL is not reachable ({problem}); its tests are skipped"


def throwaway_database(request, tmp_path_factory) -> Iterator[str]:
    """An empty database of the back end the test is parametrised with, removed afterwards."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "sodiem-test.db"
        yield f"sqlite+aiosqlite:///{path}"
        return
    problem = postgres_problem(request.config)
    if problem is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required under CI but not reachable: {problem}")
        pytest.skip(f"PostgreSQL is not reachable: {problem}")
    name = f"sodiem_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_create_postgres_database(name))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


BACK_ENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACK_ENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated database of each back end, shared by the whole run."""
    for url in throwaway_database(request, tmp_path_factory):
        upgrade(url)
        yield url


@pytest.fixture(params=BACK_ENDS)
def empty_database_url(request, tmp_path_factory) -> Iterator[str]:
    """A fresh, unmigrated database of each back end, for one test."""
    yield from throwaway_database(request, tmp_path_factory)


DEMO_YEAR = "2025-2026"


def shared_file(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """A file made once per run and shared by the pytest-xdist workers: the first worker to ask makes
    it under a lock (``make(path)``), the others wait for it and use it as it is."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    path = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            making = root / f"{name}.making"
            make(making)
            making.rename(path)
    return path


def shared_sqlite_database(tmp_path_factory, name: str, build: Callable[[str], None]) -> Path:
    """A SQLite database built once per run by ``build(url)`` and shared by the workers, who copy it."""

    def make(path: Path) -> None:
        built = path.with_name(f"{path.name}.built")
        build(f"sqlite+aiosqlite:///{built}")
        copy_sqlite_file(built, path)  # one file, its write-ahead log folded in
        built.unlink()

    return shared_file(tmp_path_factory, name, make)


@pytest.fixture(scope="session")
def demo_template_url(database_url: str, request, tmp_path_factory) -> Iterator[str]:
    """A database of the run's back end holding the demo school of DEMO_YEAR, built once per run (SQLite:
    shared by the xdist workers; PostgreSQL: per worker): ``copy_database`` puts it in a test's database
    in a fraction of the build time."""
    from cli.demo import create_demo_school

    def build(url: str) -> None:
        async def work() -> None:
            template = Database(url)
            await create_demo_school(template, DEMO_YEAR)
            await template.dispose()

        upgrade(url)
        asyncio.run(work())

    if is_sqlite(database_url):
        yield f"sqlite+aiosqlite:///{shared_sqlite_database(tmp_path_factory, 'demo-school.db', build)}"
        return
    for url in throwaway_database(
        SimpleNamespace(param="postgresql", config=request.config), tmp_path_factory
    ):
        build(url)
        yield url


async def copy_database(template_url: str, database: Database) -> None:
    """Makes ``database`` a copy of the template (SQLite: the backup API; PostgreSQL: CREATE DATABASE ...
    TEMPLATE). Its open connections are closed first; the Database object stays usable."""
    await database.dispose()
    target = make_url(database.url)
    if database.is_sqlite:
        await asyncio.to_thread(copy_sqlite_file, make_url(template_url).database, target.database)
        return
    template = make_url(template_url).database
    await _postgres_admin(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    await _create_postgres_database(target.database, template)


def copy_sqlite_file(source: str | Path, target: str | Path) -> None:
    """A consistent copy of a SQLite database (WAL included), with SQLite's backup API."""
    with (
        contextlib.closing(sqlite3.connect(source)) as original,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        original.backup(copy)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """The run's database, emptied before each test."""
    db = Database(database_url)
    async with db.session() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
        await session.commit()
    yield db
    await db.dispose()


@pytest.fixture(autouse=True, scope="session")
def school_key_file(tmp_path_factory) -> Iterator[Path]:
    """Every test runs with the school key of its run (SODIEM_AUDIT_KEY_FILE), one for all the xdist
    workers, since the shared databases' change logs are sealed with it."""
    from storage.school_key import KEY_FILE_SETTING, create_key_file

    path = shared_file(tmp_path_factory, "sodiem-audit.key", create_key_file)
    previous = os.environ.get(KEY_FILE_SETTING)
    os.environ[KEY_FILE_SETTING] = str(path)
    yield path
    if previous is None:
        os.environ.pop(KEY_FILE_SETTING, None)
    else:
        os.environ[KEY_FILE_SETTING] = previous
