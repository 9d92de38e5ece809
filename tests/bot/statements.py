"""Counting the SQL statements of one update's turn, with SQLAlchemy's event hooks.

Each update is processed in a task of its own (PTB names it ``...:process_concurrent_update``); the
statements run in that task are its turn's, the commit included. The outbox dispatcher and the jobs
run in other tasks and are not counted. A turn rolled back and handled again (on SQLite, when another
writer changed what it had read before it wrote, bot/processor.py) is counted by its second run."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from storage.db import Database

UPDATE_TASK = ":process_concurrent_update"
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}


class Statements:
    def __init__(self) -> None:
        self._by_task: dict[asyncio.Task, list[str]] = defaultdict(list)  # holds the task: ids are reused

    def record(self, statement: str) -> None:
        task = update_task()
        if task is None:
            return
        if statement.split(None, 1)[0].upper() in TRANSACTION_CONTROL:
            return
        self._by_task[task].append(" ".join(statement.split())[:160])

    def forget(self) -> None:
        """The update's turn was rolled back: what it ran is not its cost."""
        task = update_task()
        if task is not None:
            self._by_task.pop(task, None)

    def take(self) -> list[list[str]]:
        """The statements of each update processed since the last take, one list per update."""
        turns = list(self._by_task.values())  # in the order the turns began
        self._by_task.clear()
        return turns


def update_task() -> asyncio.Task | None:
    try:
        task = asyncio.current_task()
    except RuntimeError:
        return None
    return task if task is not None and task.get_name().endswith(UPDATE_TASK) else None


@contextmanager
def counting(database: Database) -> Iterator[Statements]:
    statements = Statements()

    def before(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        statements.record(statement)

    engine = database.engine.sync_engine

    def rolled_back(_conn) -> None:
        statements.forget()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "rollback", rolled_back)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "rollback", rolled_back)
