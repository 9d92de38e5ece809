"""Counting the SQL statements of one update's turn, with SQLAlchemy's event hooks.

Each Telegram update is processed in a task of its own (PTB names it ``...:process_concurrent_update``);
the statements run in that task are its turn's, the commit included. The outbox dispatcher and the jobs
run in other tasks and are not counted. A turn rolled back and handled again (on SQLite, when another
writer changed what it had read before it wrote, bot/processor.py) is counted by its second run.
``counting(database, task)`` counts the tasks whose name ends with ``task`` instead: "sodiem-zalo" (the
Zalo front end, which answers one message at a time), "" (every task)."""

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
    def __init__(self, task_name: str = UPDATE_TASK) -> None:
        self._by_task: dict[asyncio.Task, list[str]] = defaultdict(list)  # holds the task: ids are reused
        self._task_name = task_name

    def record(self, statement: str) -> None:
        task = counted_task(self._task_name)
        if task is None:
            return
        if statement.split(None, 1)[0].upper() in TRANSACTION_CONTROL:
            return
        self._by_task[task].append(" ".join(statement.split())[:160])

    def forget(self) -> None:
        """The update's turn was rolled back: what it ran is not its cost."""
        task = counted_task(self._task_name)
        if task is not None:
            self._by_task.pop(task, None)

    def take(self) -> list[list[str]]:
        """The statements of each update processed since the last take, one list per update."""
        turns = list(self._by_task.values())  # in the order the turns began
        self._by_task.clear()
        return turns


def counted_task(task_name: str) -> asyncio.Task | None:
    try:
        task = asyncio.current_task()
    except RuntimeError:
        return None
    return task if task is not None and task.get_name().endswith(task_name) else None


@contextmanager
def counting(database: Database, task_name: str = UPDATE_TASK) -> Iterator[Statements]:
    statements = Statements(task_name)

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
