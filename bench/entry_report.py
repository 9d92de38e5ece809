"""bench/entry.py's figures, and the floor that Telegram's pace sets under them whatever the CPU."""

from __future__ import annotations

import statistics

from bench.entry_timing import Tally
from localapi import LocalBotApi
from notifications.pacing import TELEGRAM

P95_TARGET = 2.0  # seconds: issue 20's target for 200 teachers


def ms(values: list[float], percent: int | None = None) -> str:
    if not values:
        return "-"
    if percent is None:
        return f"{statistics.fmean(values) * 1000:.1f}"
    if len(values) == 1:
        return f"{values[0] * 1000:.1f}"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[percent - 1] * 1000:.1f}"


def report(name: str, alone: Tally, crowd: Tally, api: LocalBotApi) -> None:
    print(f"\n== {name}")
    print(f"{'':24s} {'updates':>7s} {'wall s':>7s} {'upd/s':>6s} {'p50 ms':>8s} {'p95 ms':>8s}", end="")
    print(f" {'max ms':>8s} {'replies/s':>9s} {'CPU':>5s}")
    for label, tally in (
        (f"{alone.teachers} alone, one by one", alone),
        (f"{crowd.teachers} at once", crowd),
    ):
        updates = len(tally.latencies)
        print(
            f"{label:24s} {updates:7d} {tally.wall:7.1f} {updates / tally.wall:6.1f}"
            f" {ms(tally.latencies, 50):>8s} {ms(tally.latencies, 95):>8s}"
            f" {max(tally.latencies, default=0) * 1000:8.1f} {tally.replies / tally.wall:9.1f}"
            f" {tally.cpu / tally.wall:5.0%}"
        )
    print(
        f"at once: {len(crowd.columns)} different columns saved, {crowd.days} attendance days;"
        f" {len(crowd.failures)} teachers failed; {crowd.calls / len(crowd.latencies):.2f} Bot API calls"
        f" an update; refused {len(api.refusals)}, 429s {api.rejections_429}"
    )
    print(
        f"{'database ms per save':30s} {'alone mean':>10s} {'at once:':>9s}"
        f" {'mean':>7s} {'p95':>7s} {'max':>7s}"
    )
    for kind, label in (("column", "column"), ("day", "attendance day")):
        for part, pick in (
            ("store", lambda s, c: s),
            ("commit", lambda s, c: c),
            ("both", lambda s, c: s + c),
        ):
            quiet = [pick(*pair) for pair in alone.saves.get(kind, [])]
            busy = [pick(*pair) for pair in crowd.saves.get(kind, [])]
            print(
                f"  {label + ': ' + part:28s} {ms(quiet):>10s} {len(busy):9d} {ms(busy):>7s}"
                f" {ms(busy, 95):>7s} {max(busy, default=0) * 1000:7.1f}"
            )
    held = crowd.transactions
    print(
        f"units of work (one an update, from its start to its end): alone mean {ms(alone.transactions)} ms;"
        f" at once mean {ms(held)} ms, p95 {ms(held, 95)} ms,"
        f" together {sum(held) / crowd.wall:.2f} × the wall time"
    )
    print(
        f"memory: this process's resident set at most {crowd.peak_rss / 2**20:.0f} MB under the load"
        " (the bot, the stand-in and the teachers together: an upper bound for `sodiem run`)"
    )
    print(pacing_floor(crowd))
    print(pacing_wall(crowd))
    print(by_kind(crowd))
    for failure in crowd.failures[:3] + alone.failures[:3]:
        print(f"  failed: {failure}")
    for refusal in api.refusals[:3]:
        print(f"  refused: {refusal}")


def pacing_floor(crowd: Tally) -> str:
    """Each teacher's first step is a command, answered by a new message, and new messages leave at most
    TELEGRAM.per_second a second after a burst of TELEGRAM.burst: so by ``P95_TARGET`` seconds at most
    burst + per_second × P95_TARGET of the first replies are out, and the rest wait longer, whatever the
    CPU. Those alone put p95 over the target once they are more than 5 % of the replies."""
    updates = len(crowd.latencies)
    in_time = TELEGRAM.burst + int(TELEGRAM.per_second * P95_TARGET)
    late = max(0, crowd.teachers - in_time)
    share = 0.05 * updates / crowd.teachers  # 5 % of the replies, per teacher
    most = int(in_time / (1 - share)) if share < 1 else crowd.teachers
    verdict = "out of reach" if late > 0.05 * updates else "within reach"
    return (
        f"Telegram's pace alone ({TELEGRAM.per_second:.0f} new messages a second after a burst of"
        f" {TELEGRAM.burst}): at least {late} of the {updates} replies ({late / updates:.1%}) wait over"
        f" {P95_TARGET:.0f} s whatever the CPU, so p95 under {P95_TARGET:.0f} s is {verdict} for"
        f" {crowd.teachers} teachers starting together (at most {most} would allow it)"
    )


def pacing_wall(crowd: Tally) -> str:
    """New messages leave at most TELEGRAM.per_second a second after a burst: the run's new messages
    alone need this long, however fast the bot. When the run takes about that, the teachers are waiting
    for Telegram's pace, not for the bot."""
    sent = sum(crowd.new_messages)
    least = max(0.0, (sent - TELEGRAM.burst) / TELEGRAM.per_second)
    return (
        f"the {sent} replies that were new messages need at least {least:.1f} s at that pace;"
        f" the run took {crowd.wall:.1f} s"
    )


def by_kind(crowd: Tally) -> str:
    """The replies that edit the pressed message go at once; new messages wait for the pace."""
    edits = [s for s, new in zip(crowd.latencies, crowd.new_messages, strict=True) if not new]
    sent = [s for s, new in zip(crowd.latencies, crowd.new_messages, strict=True) if new]
    return (
        f"replies that edit the pressed message: {len(edits)}, p50 {ms(edits, 50)} ms,"
        f" p95 {ms(edits, 95)} ms; new messages: {len(sent)}, p50 {ms(sent, 50)} ms, p95 {ms(sent, 95)} ms"
    )
