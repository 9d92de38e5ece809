"""The port every delivery channel implements, and the outcomes a channel reports.

A channel sends one message to one recipient (an account id on that channel) and either returns or
raises one of the outcomes below; the dispatcher decides what each means for the outbox row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Message:
    text: str  # the caption when there is an attachment
    attachment_name: str | None = None
    attachment: bytes | None = None
    receipt: int | None = None  # the notice whose "read" the person may say (services/read_receipts.py)


class Throttled(Exception):
    """The channel asks to wait: nothing was delivered; every send waits ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class Transient(Exception):
    """Refused for now (a gateway error, the service unreachable): nothing was delivered; try later."""


class Unreachable(Exception):
    """The person blocked the bot or has no chat with it: not retried until they write again."""


class Refused(Exception):
    """The channel will never accept this message (malformed, too long): a bug, not retried."""


class Uncertain(Exception):
    """The request went out but no answer came back: it may have arrived, so it is never sent again."""


class Channel(Protocol):
    name: str
    per_second: float  # messages a second for the whole channel, with a margin
    per_recipient_interval: float  # seconds between two messages to one recipient

    async def send(self, recipient: str, message: Message) -> None: ...
