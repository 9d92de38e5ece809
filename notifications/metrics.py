"""What ``/metrics`` shows (Prometheus' text format, prometheus-client): counters and timings that the
front ends, the dispatcher and the scheduler move as they work. One registry per process: sodiem runs
one bot a process."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry()

UPDATES = Counter("sodiem_updates", "Updates handled", registry=REGISTRY)
UPDATE_SECONDS = Histogram("sodiem_update_seconds", "Time to handle one update", registry=REGISTRY)
UPDATE_DATABASE_SECONDS = Histogram(
    "sodiem_update_database_seconds", "Time one update spent waiting for the database", registry=REGISTRY
)
UPDATE_ERRORS = Counter("sodiem_update_errors", "Updates whose work was rolled back", registry=REGISTRY)
DELIVERIES = Counter(
    "sodiem_deliveries",
    "Outbox messages settled, by channel and outcome",
    ["channel", "outcome"],
    registry=REGISTRY,
)
THROTTLED = Counter(
    "sodiem_throttled", "429 answers (too many requests), by channel", ["channel"], registry=REGISTRY
)
OUTBOX_WAITING = Gauge(
    "sodiem_outbox_waiting",
    "Outbox messages not yet sent (pending or being sent), by channel",
    ["channel"],
    registry=REGISTRY,
)
JOB_RUNS = Counter("sodiem_job_runs", "Runs of the scheduler's daily tasks", registry=REGISTRY)


def exposition(waiting: dict[str, int]) -> bytes:
    """The metrics as Prometheus reads them; ``waiting`` is the outbox backlog per channel, read now."""
    OUTBOX_WAITING.clear()
    for channel, count in waiting.items():
        OUTBOX_WAITING.labels(channel).set(count)
    return generate_latest(REGISTRY)
