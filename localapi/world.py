"""The in-memory Telegram of the local Bot API: users, private chats and supergroups, messages, files,
updates."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

# Telegram leaves these out of getUpdates unless allowed_updates asks for them.
NOT_DELIVERED_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}


class Signal:
    """Wakes every waiter when something changed; each waiter then re-checks its own condition."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, timeout: float) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait([waiter], timeout=timeout)
        finally:
            self._waiters.discard(waiter)
            waiter.cancel()


async def wait_until(signal: Signal, probe: Callable[[], T | None], timeout: float) -> T | None:
    """The first non-None result of probe, re-checked at every signal; None when the time is up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (result := probe()) is None:
        remaining = deadline - loop.time()
        if remaining <= 0:
            return None
        await signal.wait(remaining)
    return result


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    def as_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }

    def as_document(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": self.size,
        }

    def as_photo(self, width: int, height: int) -> list[dict[str, Any]]:
        size = {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": self.size}
        return [{**size, "width": width, "height": height}]


@dataclass
class StoredMessage:
    """A message as it now stands (edits applied); ``data`` is its Bot API ``Message`` object."""

    chat_id: int
    message_id: int
    from_bot: bool
    data: dict[str, Any]
    file: StoredFile | None = None
    keyboard: dict[str, Any] | None = None  # a reply keyboard sent along, which Message does not carry
    changed_seq: int = 0
    edit_count: int = 0
    created_at: float = field(default_factory=time.monotonic)
    edited_at: float | None = None

    @property
    def text(self) -> str:
        """The text, or the caption of a photo or document ("" when there is none)."""
        return self.data.get("text") or self.data.get("caption") or ""

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """The rows of the inline keyboard (empty when there is none)."""
        return self.data.get("reply_markup", {}).get("inline_keyboard", [])

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for row in self.buttons for button in row]

    def find_button(self, label_or_data: str) -> dict[str, Any] | None:
        for row in self.buttons:
            for button in row:
                if label_or_data in (button["text"], button.get("callback_data")):
                    return button
        return None

    def __repr__(self) -> str:
        buttons = f" buttons={self.button_texts}" if self.buttons else ""
        return f"<message {self.chat_id}/{self.message_id} {self.text[:80]!r}{buttons}>"


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    message: StoredMessage
    data: str
    created_at: float
    answer: dict[str, Any] | None = None


@dataclass
class Chat:
    """A private chat, which exists once the user has written to the bot; or a supergroup the bot is
    in (``title`` and a negative ``group_id``), which exists once someone has written there."""

    user: dict[str, Any]
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    keyboard: dict[str, Any] | None = None  # the reply keyboard on the user's screen
    blocked: bool = False
    title: str | None = None
    group_id: int | None = None
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def id(self) -> int:
        return self.group_id if self.group_id is not None else self.user["id"]

    def as_json(self) -> dict[str, Any]:
        if self.title is not None:
            return {"id": self.id, "type": "supergroup", "title": self.title}
        names = {key: self.user[key] for key in ("first_name", "last_name", "username") if key in self.user}
        return {"id": self.id, "type": "private", **names}

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def bot_messages(self) -> list[StoredMessage]:
        return [message for message in self.messages.values() if message.from_bot]


class World:
    def __init__(self, bot_user: dict[str, Any], clock: Callable[[], float] = time.monotonic) -> None:
        self.bot_user = bot_user
        self.clock = clock
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: set[str] | None = None  # None: all but NOT_DELIVERED_BY_DEFAULT
        self.updates_signal = Signal()
        self._chat_signals: dict[int, Signal] = {}
        self.closing = False
        self._update_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._query_numbers = itertools.count(1)
        self._seq = itertools.count(1)

    def chat_signal(self, chat_id: int) -> Signal:
        """Fires when a message in the chat comes or changes, or a press in it is answered."""
        return self._chat_signals.setdefault(chat_id, Signal())

    def next_seq(self) -> int:
        """A number that grows with every change people can see, to tell new from old."""
        return next(self._seq)

    # --- people's side ---------------------------------------------------------------------------

    def add_user(self, user: dict[str, Any]) -> dict[str, Any]:
        return self.users.setdefault(user["id"], user)

    def user_message(
        self, user_id: int, content: dict[str, Any], file: StoredFile | None = None
    ) -> StoredMessage:
        chat = self.chats.get(user_id) or self.chats.setdefault(user_id, Chat(self.users[user_id]))
        if chat.blocked:  # writing to a blocked bot restarts it, as the Telegram apps do
            self.set_blocked(user_id, False)
        return self._incoming(chat, content, file)

    def group_message(
        self, group_id: int, title: str, user_id: int, content: dict[str, Any]
    ) -> StoredMessage:
        """A member writes in a supergroup the bot is in (the group is created on first use)."""
        chat = self.chats.get(group_id) or self.chats.setdefault(
            group_id, Chat(self.users[user_id], title=title, group_id=group_id)
        )
        return self._incoming(chat, content, None, sender=self.users[user_id])

    def _incoming(
        self,
        chat: Chat,
        content: dict[str, Any],
        file: StoredFile | None,
        sender: dict[str, Any] | None = None,
    ) -> StoredMessage:
        message = self._store(chat, from_bot=False, content=content, file=file, sender=sender)
        self.enqueue("message", copy.deepcopy(message.data))
        self.chat_signal(chat.id).fire()
        return message

    def press(self, user_id: int, message: StoredMessage, data: str) -> CallbackQuery:
        query = CallbackQuery(
            id=str(next(self._query_numbers)),
            user_id=user_id,
            message=message,
            data=data,
            created_at=self.clock(),
        )
        self.callback_queries[query.id] = query
        self.enqueue(
            "callback_query",
            {
                "id": query.id,
                "from": self.users[user_id],
                "message": copy.deepcopy(message.data),
                "chat_instance": f"ci{message.chat_id}",
                "data": data,
            },
        )
        return query

    def set_blocked(self, user_id: int, blocked: bool) -> None:
        chat = self.chats[user_id]
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        statuses = [{"status": "member"}, {"status": "kicked", "until_date": 0}]
        old, new = statuses if blocked else statuses[::-1]
        self.enqueue(
            "my_chat_member",
            {
                "chat": chat.as_json(),
                "from": self.users[user_id],
                "date": int(time.time()),
                "old_chat_member": {**old, "user": self.bot_user},
                "new_chat_member": {**new, "user": self.bot_user},
            },
        )

    # --- the bot's side --------------------------------------------------------------------------

    def bot_message(
        self, chat: Chat, content: dict[str, Any], file: StoredFile | None, keyboard: dict[str, Any] | None
    ) -> StoredMessage:
        message = self._store(chat, from_bot=True, content=content, file=file)
        message.keyboard = keyboard
        self.chat_signal(chat.id).fire()
        return message

    def edit(self, message: StoredMessage, data: dict[str, Any]) -> None:
        message.data = {**data, "edit_date": int(time.time())}
        message.edit_count += 1
        message.edited_at = time.monotonic()
        message.changed_seq = self.next_seq()
        self.chat_signal(message.chat_id).fire()

    def delete(self, message: StoredMessage) -> None:
        chat = self.chats[message.chat_id]
        del chat.messages[message.message_id]
        self.chat_signal(chat.id).fire()

    def answer(self, query: CallbackQuery, answer: dict[str, Any]) -> None:
        query.answer = answer
        self.chat_signal(query.user_id).fire()

    def store_file(self, content: bytes, folder: str, file_name: str, mime_type: str) -> StoredFile:
        number = next(self._file_numbers)
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"{folder[:3].upper()}-{number:06d}-local",
            file_unique_id=f"U{number:06d}",
            file_path=f"{folder}/file_{number}.{extension}",
            file_name=file_name,
            mime_type=mime_type,
            content=content,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_at(self, file_path: str) -> StoredFile | None:
        return next((file for file in self.files.values() if file.file_path == file_path), None)

    # --- the update queue ------------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any]) -> None:
        self.updates.append({"update_id": next(self._update_ids), kind: payload})
        self.updates_signal.fire()

    def confirm(self, offset: int) -> None:
        """Forgets the updates below offset; a negative offset keeps only the last -offset updates."""
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [update for update in self.updates if update["update_id"] >= offset]

    def pending(self, limit: int) -> list[dict[str, Any]]:
        """The first updates of the queue; updates of kinds not allowed are dropped, as Telegram does."""
        self.updates = [update for update in self.updates if self._allowed(update)]
        return self.updates[:limit]

    def forget_people(self) -> None:
        """Forgets every user, chat, file, press and pending update: a fresh Telegram for the same bot
        (the sandbox's reset). Numbers keep growing, so a poller's offset stays valid."""
        self.users.clear()
        self.chats.clear()
        self.files.clear()
        self.callback_queries.clear()
        self.updates.clear()
        for signal in self._chat_signals.values():
            signal.fire()

    def close(self) -> None:
        """Lets every waiting long poll answer at once, so that the server can stop."""
        self.closing = True
        self.updates_signal.fire()

    def _allowed(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates is None:
            return kind not in NOT_DELIVERED_BY_DEFAULT
        return kind in self.allowed_updates

    def _store(
        self,
        chat: Chat,
        *,
        from_bot: bool,
        content: dict[str, Any],
        file: StoredFile | None,
        sender: dict[str, Any] | None = None,
    ) -> StoredMessage:
        message_id = chat.next_message_id()
        data = {
            "message_id": message_id,
            "from": self.bot_user if from_bot else sender or chat.user,
            "chat": chat.as_json(),
            "date": int(time.time()),
            **content,
        }
        message = StoredMessage(chat.id, message_id, from_bot, data, file, changed_seq=self.next_seq())
        chat.messages[message_id] = message
        return message
