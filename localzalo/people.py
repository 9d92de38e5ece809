"""The chats of the local Zalo Bot API and its simulated people: the messages a chat holds, the signal
that wakes whoever waits for one, and ``ZaloPerson``, a parent who writes to the bot and reads its
answers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from localzalo.server import LocalZaloApi


@dataclass
class ZaloMessage:
    message_id: str
    chat_id: str
    from_bot: bool
    text: str  # the caption of a photo
    photo: str | None
    date: int  # milliseconds since the epoch, as the platform sends
    seq: int
    photo_bytes: bytes | None = None  # what the photo's URL answered when it was sent


@dataclass
class Chat:
    user: dict[str, Any]
    messages: list[ZaloMessage] = field(default_factory=list)
    blocked: bool = False


class Signal:
    """Wakes every waiter when something changes (a message, an update)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


class ZaloPerson:
    """A parent on Zalo: writes to the bot, reads its answers."""

    def __init__(self, api: LocalZaloApi, user_id: str) -> None:
        self.api = api
        self.id = user_id
        self._since = 0  # wait_for looks at what came after the person's last action

    def __repr__(self) -> str:
        return f"<zalo person {self.id}>"

    @property
    def messages(self) -> list[ZaloMessage]:
        return self.api.sent_messages(self.id)

    def send_text(self, text: str) -> ZaloMessage:
        message = self.api.user_text(self.id, text)
        self._since = message.seq
        return message

    def block_bot(self) -> None:
        self.api.chats[self.id].blocked = True

    async def wait_for(self, predicate: Callable[[ZaloMessage], bool], timeout: float = 10.0) -> ZaloMessage:
        """The first of the bot's messages since the person's last action that matches."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = next((m for m in self.messages if m.seq > self._since and predicate(m)), None)
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                last = [m.text[:80] for m in self.messages[-3:]]
                raise TimeoutError(f"{self} waited {timeout} s; the bot's last messages: {last}")
            await self.api.signal.wait(remaining)

    async def ask(self, text: str, timeout: float = 10.0) -> ZaloMessage:
        """Sends a text and returns the bot's first answer to it."""
        self.send_text(text)
        return await self.wait_for(lambda m: True, timeout)
