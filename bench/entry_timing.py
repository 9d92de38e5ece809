"""bench/entry.py's tally of a run, and the stores timed in place: the time inside ``save_column`` and
``save_day`` with the commit of the same transaction, and every unit of work from start to end."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from storage.attendance_store import SqlAttendanceStore
from storage.gradebook_store import SqlGradebookStore
from storage.uow import UnitOfWork

SAVED = "bench_saved"  # session.info key: what the transaction saved, and how long the store took


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # seconds, one an update
    new_messages: list[bool] = field(default_factory=list)  # by update: answered by a new message (paced)
    columns: set[str] = field(default_factory=set)  # the saved columns, as the bot titled them
    days: int = 0
    failures: list[str] = field(default_factory=list)
    saves: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # kind: (store, commit)
    transactions: list[float] = field(default_factory=list)  # seconds each unit of work was open
    teachers: int = 0
    wall: float = 0.0  # seconds
    cpu: float = 0.0  # seconds of this process (bot, stand-in and teachers), both cores counted
    calls: int = 0  # Bot API calls, getUpdates aside
    replies: int = 0  # of which calls with a chat_id (answerCallbackQuery aside), the rate-limited ones
    peak_rss: int = 0  # bytes: the process's highest resident memory while the teachers worked


@contextmanager
def timing_database(tally: Tally) -> Iterator[None]:
    """Wraps save_column and save_day (the store's time) and the commit of the same transaction, and
    times every unit of work from its start (on SQLite: the writer lock taken) to its end."""
    originals = {
        (SqlGradebookStore, "save_column"): SqlGradebookStore.save_column,
        (SqlAttendanceStore, "save_day"): SqlAttendanceStore.save_day,
        (UnitOfWork, "commit"): UnitOfWork.commit,
        (UnitOfWork, "__aenter__"): UnitOfWork.__aenter__,
        (UnitOfWork, "__aexit__"): UnitOfWork.__aexit__,
    }

    def store(kind: str, method):
        @functools.wraps(method)
        async def timed(self, *args, **kwargs):
            started = time.perf_counter()
            result = await method(self, *args, **kwargs)
            self.session.info[SAVED] = (kind, time.perf_counter() - started)
            return result

        return timed

    async def commit(self) -> None:
        saved = self.session.info.pop(SAVED, None)
        started = time.perf_counter()
        await originals[UnitOfWork, "commit"](self)
        if saved:
            tally.saves.setdefault(saved[0], []).append((saved[1], time.perf_counter() - started))

    async def enter(self):
        entered = await originals[UnitOfWork, "__aenter__"](self)
        self.bench_opened = time.perf_counter()
        return entered

    async def leave(self, *exc):
        try:
            return await originals[UnitOfWork, "__aexit__"](self, *exc)
        finally:
            tally.transactions.append(time.perf_counter() - self.bench_opened)

    SqlGradebookStore.save_column = store("column", SqlGradebookStore.save_column)
    SqlAttendanceStore.save_day = store("day", SqlAttendanceStore.save_day)
    UnitOfWork.commit, UnitOfWork.__aenter__, UnitOfWork.__aexit__ = commit, enter, leave
    try:
        yield
    finally:
        for (owner, name), method in originals.items():
            setattr(owner, name, method)
