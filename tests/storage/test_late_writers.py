"""A turn that may only read (a bot update) reads without waiting for the writer; when it writes
after another writer changed what it had read, it is done again with the lock, and no update is lost."""

import asyncio
import sqlite3

import pytest
from sqlalchemy import select, text

from storage.backup import sqlite_path
from storage.db import Database
from storage.models import SchoolRow
from storage.sqlite_driver import another_holds_a_lock
from storage.uow import UnitOfWork, retried


async def add_counter(database: Database) -> None:
    async with database.session() as session:
        session.add(SchoolRow(name="Counter", level="secondary", district="", province="", settings={"n": 0}))
        await session.commit()


async def counter(database: Database) -> int:
    async with database.session(read_only=True) as session:
        return (await session.scalar(select(SchoolRow))).settings["n"]


async def increment(uow: UnitOfWork) -> None:
    if uow.session.bind.dialect.name != "sqlite":  # PostgreSQL: lock the row, as the stores do
        await uow.session.execute(text("SELECT 1 FROM school FOR UPDATE"))
    row = await uow.session.scalar(select(SchoolRow))
    await asyncio.sleep(0)  # let another writer in between read and write
    row.settings = {"n": row.settings["n"] + 1}
    await uow.commit()


async def test_a_turn_reads_while_a_writer_holds_the_lock(database):
    await add_counter(database)
    async with database.session() as writer:
        (await writer.scalar(select(SchoolRow))).settings = {"n": 5}
        await writer.flush()  # written, not committed: on SQLite the writer lock is held
        async with UnitOfWork(database, deferred=True) as turn:
            seen = await asyncio.wait_for(turn.session.scalar(select(SchoolRow.settings)), timeout=5)
        assert seen == {"n": 0}  # what was committed, without waiting for the writer
        await writer.commit()
    assert await counter(database) == 5


async def test_a_turn_whose_reading_went_stale_is_done_again_with_the_lock(database):
    if not database.is_sqlite:
        pytest.skip("PostgreSQL has no writer lock: the stores lock the rows they change")
    await add_counter(database)
    runs = []

    async def read_then_write(uow: UnitOfWork) -> None:
        runs.append(uow)
        row = await uow.session.scalar(select(SchoolRow))
        if len(runs) == 1:  # another writer commits between this turn's reading and its writing
            async with UnitOfWork(database) as other:
                await increment(other)
        row.settings = {"n": row.settings["n"] + 10}
        await uow.commit()

    await retried(database, read_then_write)
    assert await counter(database) == 11  # the other's +1 kept, this turn's +10 on top of it
    assert len(runs) == 2


async def test_concurrent_turns_that_write_never_lose_an_update(database):
    await add_counter(database)
    second = Database(database.url)  # another process's connections

    async def turns(db: Database, times: int) -> None:
        for _ in range(times):
            await retried(db, increment)

    await asyncio.gather(*(turns(db, 25) for db in (database, second, database, second)))
    assert await counter(database) == 100
    await second.dispose()


async def test_while_another_program_writes_the_bot_goes_on_answering(database):
    """A command-line import holds SQLite's write lock: the bot's turn that writes waits for it without
    holding up the others (its statements run on the event loop's thread: storage/sqlite_driver.py), a
    turn that reads is answered meanwhile, and the writer goes on once the lock is free."""
    if not database.is_sqlite:
        pytest.skip("PostgreSQL has no writer lock")
    await add_counter(database)
    other_program = sqlite3.connect(sqlite_path(database.url), isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")
    try:
        writing = asyncio.create_task(retried(database, increment))
        await asyncio.sleep(0.3)
        assert not writing.done()
        assert await asyncio.wait_for(counter(database), timeout=1) == 0
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    await asyncio.wait_for(writing, timeout=5)
    assert await counter(database) == 1


def test_a_writer_waits_for_another_ones_lock_but_not_on_a_stale_snapshot(tmp_path):
    """What storage/sqlite_driver.py waits out (as SQLite's busy handler would) and what it passes on
    at once (the turn is run again)."""
    path = tmp_path / "two.db"
    first, second = (sqlite3.connect(path, isolation_level=None, timeout=0) for _ in range(2))
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("CREATE TABLE t (x)")
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as busy:
        second.execute("BEGIN IMMEDIATE")
    assert another_holds_a_lock(busy.value)
    second.execute("BEGIN")
    second.execute("SELECT * FROM t").fetchall()
    first.execute("INSERT INTO t VALUES (1)")
    first.execute("COMMIT")
    with pytest.raises(sqlite3.OperationalError) as stale:
        second.execute("INSERT INTO t VALUES (2)")
    assert not another_holds_a_lock(stale.value)
