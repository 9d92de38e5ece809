"""Flood limits: about 30 messages a second per bot and one a second per chat, with a small burst."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RateLimits:
    global_per_second: float = 30.0
    global_burst: int = 30
    chat_per_second: float = 1.0
    chat_burst: int = 3

    def faster(self, factor: float) -> RateLimits:
        """The same limits with time running ``factor`` times as fast, as tests pace the bot."""
        return replace(
            self,
            global_per_second=self.global_per_second * factor,
            chat_per_second=self.chat_per_second * factor,
        )


class TokenBucket:
    def __init__(self, rate: float, capacity: int, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = float(capacity)
        self.updated = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class RateLimiter:
    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._global = TokenBucket(limits.global_per_second, limits.global_burst, clock())
        self._chats: dict[Hashable, TokenBucket] = {}

    def admit(self, chat_key: Hashable) -> int | None:
        """Takes a token for a message to the chat; returns retry_after in seconds when refused."""
        now = self.clock()
        chat = self._chats.get(chat_key)
        if chat is None:
            chat = self._chats[chat_key] = TokenBucket(
                self.limits.chat_per_second, self.limits.chat_burst, now
            )
        wait = max(self._global.wait_time(now), chat.wait_time(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.take()
        chat.take()
        return None
