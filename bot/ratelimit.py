"""Telegram's flood limits: about 30 messages a second for the bot and about one a second to one chat.

PTB's AIORateLimiter paces the bot as a whole and group chats, and honours ``retry_after``; this adds
the per-chat pace for private chats, where teachers and parents are: a short burst, then one a second."""

from __future__ import annotations

import contextlib
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

SENDING = {
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendMediaGroup",
    "sendChatAction",
    "copyMessage",
    "forwardMessage",
}
CHAT_BURST = 3  # messages a person may get at once; after that, about one a second
CHAT_PERIOD = CHAT_BURST * 1.15  # a little slower than one a second: our clock and Telegram's differ


class PerChatRateLimiter(AIORateLimiter):
    def __init__(self, max_retries: int = 5) -> None:
        super().__init__(max_retries=max_retries)
        self._chats: dict[int, AsyncLimiter] = {}

    async def process_request(
        self, callback, args, kwargs, endpoint: str, data: dict[str, Any], rate_limit_args: int | None
    ):
        chat_id = None
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(data.get("chat_id"))
        if endpoint not in SENDING or chat_id is None or chat_id < 0:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        if len(self._chats) > 4096:  # forget chats whose bucket is full again
            self._chats = {k: v for k, v in self._chats.items() if not v.has_capacity(CHAT_BURST)}
        limiter = self._chats.setdefault(chat_id, AsyncLimiter(CHAT_BURST, CHAT_PERIOD))
        async with limiter:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
