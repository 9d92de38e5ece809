"""Simulated people: Telegram users who write to the bot, press its buttons and read its answers.

Actions (``send_text``, ``press`` ...) take effect at once and return what they created; waits
(``next_message``, ``wait_for`` ...) are coroutines. All of it runs on the event loop of the server.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from localapi.files import image_size, mime_type
from localapi.formatting import utf16_length
from localapi.world import CallbackQuery, Chat, StoredFile, StoredMessage, World, wait_until

COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@\w+)?")
# a wait returns as soon as its message comes; the limit only names a message that never does. Twenty
# seconds: on a two-core machine running the suite in four workers a heavy turn took over ten
DEFAULT_TIMEOUT = 20.0

Predicate = Callable[[StoredMessage], bool]


class Person:
    def __init__(self, world: World, user: dict[str, Any]) -> None:
        self.world = world
        self.user = user
        self._last_read_id = 0  # next_message reads the chat in order, like a person would
        self._last_action_seq = 0  # wait_for looks at what changed since the last action

    @property
    def id(self) -> int:
        return self.user["id"]

    @property
    def first_name(self) -> str:
        return self.user["first_name"]

    def __repr__(self) -> str:
        return f"<person {self.id} {self.first_name!r}>"

    # --- what the person sees --------------------------------------------------------------------

    @property
    def chat(self) -> Chat | None:
        return self.world.chats.get(self.id)

    @property
    def messages(self) -> list[StoredMessage]:
        """The bot's messages in this chat as they now stand: edits applied, deleted ones gone."""
        return self.chat.bot_messages() if self.chat else []

    @property
    def last_message(self) -> StoredMessage | None:
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def keyboard(self) -> list[str]:
        """The labels of the reply keyboard on the person's screen, if the bot sent one."""
        keyboard = self.chat.keyboard if self.chat else None
        rows = keyboard["keyboard"] if keyboard else []
        return [button["text"] for row in rows for button in row]

    def file_bytes(self, message: StoredMessage) -> bytes:
        if message.file is None:
            raise ValueError(f"{message!r} carries no file")
        return message.file.content

    # --- what the person does --------------------------------------------------------------------

    def send_text(self, text: str) -> StoredMessage:
        """Sends a text; /commands in it get their bot_command entities, as the Telegram apps add."""
        return self._send(text_content(text))

    def send_command(self, command: str) -> StoredMessage:
        """``send_command("/start CODE")``; the leading slash may be left out."""
        return self.send_text(command if command.startswith("/") else f"/{command}")

    def send_photo(self, content: bytes, caption: str | None = None) -> StoredMessage:
        size = image_size(content)
        if size is None:
            raise ValueError("a photo must be a PNG, GIF or JPEG image")
        file = self.world.store_file(content, "photos", "photo.jpg", "image/jpeg")
        return self._send(_captioned({"photo": file.as_photo(*size)}, caption), file)

    def send_document(
        self, content: bytes, file_name: str, mime: str | None = None, caption: str | None = None
    ) -> StoredMessage:
        file = self.world.store_file(content, "documents", file_name, mime_type(file_name, mime))
        return self._send(_captioned({"document": file.as_document()}, caption), file)

    def press(self, label_or_data: str, message: StoredMessage | None = None) -> CallbackQuery:
        """Presses an inline button, found by its label or callback data, on the given message or
        else on the bot's last message with an inline keyboard."""
        target = message or self._last_with_inline_keyboard()
        button = target.find_button(label_or_data) if target else None
        if not target or not button or "callback_data" not in button:
            offered = target.button_texts if target else []
            raise LookupError(f"{self} sees no button {label_or_data!r}; the buttons are {offered}")
        return self.press_data(target.message_id, button["callback_data"])

    def press_key(self, label: str) -> StoredMessage:
        """Presses a key of the reply keyboard: the Telegram app sends its label as a text."""
        chat = self.chat
        if label not in self.keyboard or chat is None or chat.keyboard is None:
            raise LookupError(f"{self} sees no key {label!r}; the keyboard is {self.keyboard}")
        if chat.keyboard.get("one_time_keyboard"):
            chat.keyboard = None
        return self.send_text(label)

    def press_data(self, message_id: int, data: str) -> CallbackQuery:
        """Sends any callback data from one of the bot's messages, as a modified client could."""
        message = self.chat.messages.get(message_id) if self.chat else None
        if message is None or not message.from_bot:
            raise LookupError(f"{self} has no message {message_id} from the bot")
        self._mark_action()
        return self.world.press(self.id, message, data)

    def block_bot(self) -> None:
        self.world.set_blocked(self.id, True)

    def unblock_bot(self) -> None:
        self.world.set_blocked(self.id, False)

    def mark_read(self) -> None:
        """Skips every message that has come so far, for the next ``next_message``."""
        messages = self.messages
        self._last_read_id = messages[-1].message_id if messages else self._last_read_id

    # --- waiting ---------------------------------------------------------------------------------

    async def next_message(self, timeout: float = DEFAULT_TIMEOUT) -> StoredMessage:
        """The bot's next message that this method has not returned yet, in order."""

        def probe() -> StoredMessage | None:
            return next((m for m in self.messages if m.message_id > self._last_read_id), None)

        message = await self._wait(probe, timeout, "a new message")
        self._last_read_id = message.message_id
        return message

    async def wait_for(self, predicate: Predicate, timeout: float = DEFAULT_TIMEOUT) -> StoredMessage:
        """The first of the bot's messages sent or edited since the person's last action that matches."""
        since = self._last_action_seq

        def probe() -> StoredMessage | None:
            return next((m for m in self.messages if m.changed_seq > since and predicate(m)), None)

        return await self._wait(probe, timeout, "a matching message")

    async def ask(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> StoredMessage:
        """Sends a text and returns the bot's first message after it."""
        self.mark_read()
        self.send_text(text)
        return await self.next_message(timeout)

    async def callback_answer(self, query: CallbackQuery, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """How the bot answered a press: ``{"text": ..., "show_alert": ...}`` ({} for a silent answer)."""
        return await self._wait(lambda: query.answer, timeout, f"an answer to callback query {query.id}")

    async def _wait(self, probe: Callable[[], Any], timeout: float, what: str) -> Any:
        result = await wait_until(self.world.chat_signal(self.id), probe, timeout)
        if result is None:
            last = self.messages[-3:]
            raise TimeoutError(f"{self} waited {timeout} s for {what}; the bot's last messages: {last}")
        return result

    def _send(self, content: dict[str, Any], file: StoredFile | None = None) -> StoredMessage:
        self._mark_action()
        return self.world.user_message(self.id, content, file)

    def _mark_action(self) -> None:
        self._last_action_seq = self.world.next_seq()

    def _last_with_inline_keyboard(self) -> StoredMessage | None:
        return next((m for m in reversed(self.messages) if m.buttons), None)


class Group:
    """A supergroup the bot was added to: its members write there and press the bot's buttons there."""

    def __init__(self, world: World, group_id: int, title: str) -> None:
        self.world = world
        self.id = group_id
        self.title = title

    @property
    def messages(self) -> list[StoredMessage]:
        """The bot's messages in the group as they now stand."""
        chat = self.world.chats.get(self.id)
        return chat.bot_messages() if chat else []

    def send_text(self, member: Person, text: str) -> StoredMessage:
        member._mark_action()
        return self.world.group_message(self.id, self.title, member.id, text_content(text))

    def press_data(self, member: Person, message_id: int, data: str) -> CallbackQuery:
        """A member presses (or forges) callback data on one of the bot's messages in the group."""
        chat = self.world.chats.get(self.id)
        message = chat.messages.get(message_id) if chat else None
        if message is None or not message.from_bot:
            raise LookupError(f"group {self.id} has no message {message_id} from the bot")
        member._mark_action()
        return self.world.press(member.id, message, data)


def text_content(text: str) -> dict[str, Any]:
    """A text message's content; /commands in it get their bot_command entities, as the apps add."""
    entities = [
        {
            "type": "bot_command",
            "offset": utf16_length(text[: match.start()]),
            "length": utf16_length(match[0]),
        }
        for match in COMMAND.finditer(text)
    ]
    return {"text": text, "entities": entities} if entities else {"text": text}


def _captioned(content: dict[str, Any], caption: str | None) -> dict[str, Any]:
    return {**content, "caption": caption} if caption else content
