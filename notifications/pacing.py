"""How fast sodiem sends to Telegram: its documented flood limits, with a margin. One value carries
them to the bot's rate limiter and to the outbox dispatcher; tests run ``faster`` (with the local Bot
API's limits scaled the same way), so that waiting in a bucket costs them a tenth of real time."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Pacing:
    per_second: float = 30.0  # sends by the bot as a whole (messages to many people)
    burst: int = 30  # sends the bot as a whole may make at once
    chat_burst: int = 3  # sends a person may get at once; after that, about one a second
    chat_period: float = 3 * 1.15  # seconds for a burst: a little slower than one a second
    group_burst: int = 20  # sends to one group chat ...
    group_period: float = 60.0  # ... in this many seconds
    recipient_interval: float = 1.0  # the outbox: seconds between two deliveries to one person

    def faster(self, factor: float) -> Pacing:
        """The same limits with time running ``factor`` times as fast (bursts unchanged)."""
        return replace(
            self,
            per_second=self.per_second * factor,
            chat_period=self.chat_period / factor,
            group_period=self.group_period / factor,
            recipient_interval=self.recipient_interval / factor,
        )

    @property
    def delivery_per_second(self) -> float:
        """The outbox's share of the overall limit: the bot's own replies need a little room."""
        return self.per_second * 29 / 30


TELEGRAM = Pacing()  # the real limits
