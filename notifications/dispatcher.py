"""The dispatcher sends the outbox: paced to each channel's limits, honouring a channel's request to
wait, retrying transient failures with back-off, and never sending a row twice.

Each row is claimed (``pending`` → ``sending``) in its own committed transaction right before the
send and settled right after it. A crash between the two leaves the row ``sending``; at the next
start ``recover`` makes it ``uncertain`` (it may have arrived), so nothing is sent twice and the
rows still ``pending`` are sent then. A crash leaves at most ``workers`` rows uncertain: those whose
send was in flight; each of them arrived or not."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

from notifications import metrics
from notifications.channel import Channel, Message, Refused, Throttled, Transient, Uncertain, Unreachable
from storage.db import Database
from storage.outbox_store import BLOCKED, FAILED, PENDING, SENT, UNCERTAIN, Claimed
from storage.uow import UnitOfWork

log = logging.getLogger("sodiem.outbox")
MAX_ATTEMPTS = 6  # transient failures; a channel's "wait" is not a failure
BACKOFF_FIRST = 2.0  # seconds, doubled at each attempt
BACKOFF_MAX = 300.0
# Each commit that adds rows wakes the dispatcher (storage.db: on_outbox_committed); the poll is a
# safety net for rows another process added (the command line)
POLL_SECONDS = 5.0
WORKERS = 8  # sends in flight: at 30 a second and a few hundred milliseconds to Telegram, several
IDLE_TICK = 0.2  # how soon a stopping application is noticed


def utc_now() -> datetime:
    return datetime.now(UTC)


class Pacer:
    """Spaces sends evenly at ``per_second``; a pause (retry_after) holds every send back."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    def pause(self, seconds: float) -> None:
        self._next = max(self._next, time.monotonic() + seconds)


class Dispatcher:
    def __init__(
        self,
        database: Database,
        channels: Mapping[str, Channel],
        clock: Callable[[], datetime] = utc_now,
        workers: int = WORKERS,
        backoff_first: float = BACKOFF_FIRST,
    ) -> None:
        self.database = database
        self.channels = dict(channels)
        self.clock = clock
        self.workers = workers
        self.backoff_first = backoff_first
        self._pacers = {name: Pacer(channel.per_second) for name, channel in self.channels.items()}
        self._last_sent: dict[tuple[str, str], float] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._next_look = 0.0  # time.monotonic() of the next round without a wake
        self._retries: list[float] = []  # heap of time.monotonic() when rows put off come due
        self._keep_running: Callable[[], bool] = lambda: True
        database.on_outbox_committed(self.wake)

    # --- running ---------------------------------------------------------------------------------

    def wake(self) -> None:
        """New rows were committed: look now rather than at the next poll."""
        if self._loop is None or self._loop.is_closed():
            return
        try:
            same_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            same_loop = False
        if same_loop:
            self._wake.set()
        else:  # a commit in another thread (a command run beside the bot)
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self, keep_running: Callable[[], bool] = lambda: True) -> None:
        """Delivers as rows become due, until ``keep_running`` says no (checked a few times a second)."""
        self._keep_running = keep_running
        self._loop = asyncio.get_running_loop()
        await self.recover()
        while keep_running():
            if self._wake.is_set() or time.monotonic() >= self._next_look:
                self._wake.clear()
                self._plan_next_round()
                try:
                    if await self.deliver_due():
                        self._next_look = 0.0  # more may be due: look again at once
                        continue
                except Exception:  # the database was briefly unreachable: try again at the next poll
                    log.exception("outbox round failed")
            idle = min(IDLE_TICK, max(0.0, self._next_look - time.monotonic()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), idle)

    def _plan_next_round(self) -> None:
        now = time.monotonic()
        while self._retries and self._retries[0] <= now:
            heapq.heappop(self._retries)
        self._next_look = min([now + POLL_SECONDS, *self._retries[:1]])

    def _look_by(self, moment: float) -> None:
        """A row will be due at ``moment`` (time.monotonic()): a round then, whatever the poll."""
        self._next_look = min(self._next_look, moment)

    async def run_until_idle(self) -> None:
        """Delivers until no row is pending (waiting for retries that are due later)."""
        await self.recover()
        while True:
            if await self.deliver_due():
                continue
            async with UnitOfWork(self.database, read_only=True) as uow:
                next_due = await uow.outbox.next_due(list(self.channels))
            if next_due is None:
                return
            await asyncio.sleep(min(POLL_SECONDS, max(0.1, (next_due - self.clock()).total_seconds())))

    async def recover(self) -> int:
        async with UnitOfWork(self.database) as uow:
            interrupted = await uow.outbox.recover()
            await uow.commit()
        if interrupted:
            log.warning("%d messages were being sent when the process stopped: marked uncertain", interrupted)
        return interrupted

    # --- one round -------------------------------------------------------------------------------

    async def deliver_due(self) -> int:
        """Sends the rows due now (one at a time per recipient); returns how many were attempted."""
        async with UnitOfWork(self.database, read_only=True) as uow:
            due = await uow.outbox.due(self.clock(), list(self.channels))
        now, chosen, recipients = time.monotonic(), [], set()
        for row_id, channel, recipient in due:
            who, interval = (channel, recipient), self.channels[channel].per_recipient_interval
            if who in recipients:  # this round sends them one: the next after their interval
                self._look_by(now + interval)
                continue
            free_at = self._last_sent.get(who, -1e9) + interval
            if now < free_at:
                self._look_by(free_at)
                continue
            recipients.add(who)
            chosen.append((row_id, channel))
        queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
        for item in chosen:
            queue.put_nowait(item)
        await asyncio.gather(*(self._worker(queue) for _ in range(min(self.workers, len(chosen)))))
        return len(chosen)

    async def _worker(self, queue: asyncio.Queue[tuple[int, str]]) -> None:
        while not queue.empty() and self._keep_running():
            await self._deliver(*queue.get_nowait())

    async def _deliver(self, row_id: int, channel_name: str) -> None:
        channel = self.channels[channel_name]
        await self._pacers[channel_name].wait()
        async with UnitOfWork(self.database) as uow:
            row = await uow.outbox.claim(row_id)
            await uow.commit()
        if row is None:  # another dispatcher took it
            return
        self._last_sent[(row.channel, row.recipient)] = time.monotonic()
        status, due_at, error = SENT, None, ""
        try:
            await channel.send(row.recipient, _message(row))
        except Throttled as refused:
            metrics.THROTTLED.labels(channel_name).inc()
            self._pacers[channel_name].pause(refused.retry_after)
            status, due_at, error = PENDING, self._later(refused.retry_after), str(refused)
        except Transient as failure:
            if row.attempts >= MAX_ATTEMPTS:
                status, error = FAILED, str(failure)
            else:
                delay = min(BACKOFF_MAX, self.backoff_first * 2 ** (row.attempts - 1))
                status, due_at, error = PENDING, self._later(delay), str(failure)
        except Unreachable as failure:
            status, error = BLOCKED, str(failure)
        except Refused as failure:
            log.error("outbox row %d refused by %s: %s", row.id, channel_name, failure)
            status, error = FAILED, str(failure)
        except Uncertain as failure:
            status, error = UNCERTAIN, str(failure)
        async with UnitOfWork(self.database) as uow:
            await uow.outbox.settle(row.id, status, self.clock(), due_at, error)
            await uow.commit()
        metrics.DELIVERIES.labels(channel_name, status).inc()

    def _later(self, seconds: float) -> datetime:
        heapq.heappush(self._retries, time.monotonic() + seconds)
        self._look_by(self._retries[0])
        return self.clock() + timedelta(seconds=seconds)


def _message(row: Claimed) -> Message:
    """A notice's or a report card's text carries the "read" receipt; its documents and pictures do not."""
    receipt = row.notice_id if row.attachment is None else None
    return Message(row.text, row.attachment_name, row.attachment, receipt)
