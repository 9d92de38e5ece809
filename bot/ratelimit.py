"""Telegram's flood limits: about 30 messages a second for the bot and about one a second to one chat.

Only sending is paced: Telegram documents its limits for messages sent, none for editing the message a
person just pressed or for answering a press, so those go at once. PTB's AIORateLimiter paces the bot's
sends as a whole and to group chats, and honours ``retry_after`` on every call; this adds the per-chat
pace for private chats, where teachers and parents are: a short burst, then one a second."""

from __future__ import annotations

import contextlib
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

from notifications.pacing import TELEGRAM, Pacing

SENDING = {
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendMediaGroup",
    "sendChatAction",
    "copyMessage",
    "forwardMessage",
}


class PerChatRateLimiter(AIORateLimiter):
    def __init__(self, max_retries: int = 5, pacing: Pacing = TELEGRAM) -> None:
        super().__init__(
            overall_max_rate=pacing.burst,
            overall_time_period=pacing.burst / pacing.per_second,
            group_max_rate=pacing.group_burst,
            group_time_period=pacing.group_period,
            max_retries=max_retries,
        )
        self.pacing = pacing
        self._chats: dict[int, AsyncLimiter] = {}

    async def process_request(
        self, callback, args, kwargs, endpoint: str, data: dict[str, Any], rate_limit_args: int | None
    ):
        if endpoint not in SENDING:  # not paced, but a 429 answer is still waited out and retried
            return await super().process_request(callback, args, kwargs, endpoint, {}, rate_limit_args)
        chat_id = None
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(data.get("chat_id"))
        if chat_id is None or chat_id < 0:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        async with self._chat_limiter(chat_id):
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        burst = self.pacing.chat_burst
        if len(self._chats) > 4096:  # forget chats whose bucket is full again
            self._chats = {k: v for k, v in self._chats.items() if not v.has_capacity(burst)}
        return self._chats.setdefault(chat_id, AsyncLimiter(burst, self.pacing.chat_period))
