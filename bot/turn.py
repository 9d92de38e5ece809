"""One update's work: its unit of work, who is writing, their language, and the replies to send.

The update processor opens the turn around the handlers and commits; the replies are sent after
the commit, so a person is never told that something was saved when it was rolled back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup

from domain.permissions import Actor
from locales import Translator, translator
from storage.uow import UnitOfWork

CHANNEL = "telegram"
Delivery = Callable[[Bot], Awaitable[object]]


@dataclass
class Turn:
    uow: UnitOfWork
    now: datetime
    account: str  # the user id on the channel (Telegram's, or the web chat's), as text
    chat_id: int | None
    channel: str = CHANNEL  # "web" for the web chat: the same handlers, accounts of another channel
    actor: Actor | None = None
    t: Translator = field(default_factory=translator)
    outbox: list[Delivery] = field(default_factory=list)
    failed: bool = False
    query: CallbackQuery | None = None  # the button press this update is, if it is one
    answered: bool = False
    class_lists: dict[int, list] = field(default_factory=dict)  # by class id: bot/conversations/shared.py

    def send(
        self, text: str, keyboard: InlineKeyboardMarkup | None = None, chat_id: int | None = None
    ) -> None:
        target = chat_id if chat_id is not None else self.chat_id
        self.outbox.append(lambda bot: bot.send_message(target, text, reply_markup=keyboard))

    def say(self, key: str, keyboard: InlineKeyboardMarkup | None = None, **params: object) -> None:
        self.send(self.t(key, **params), keyboard)

    def edit(self, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
        chat = self.chat_id
        self.outbox.append(
            lambda bot: bot.edit_message_text(
                text, chat_id=chat, message_id=message_id, reply_markup=keyboard
            )
        )

    def later(self, delivery: Delivery) -> None:
        self.outbox.append(delivery)

    def answer_press(self) -> None:
        """Answers the button press (once): Telegram shows a spinner until it is answered."""
        if self.query is not None and not self.answered:
            self.answered = True
            query = self.query
            self.outbox.insert(0, lambda _bot: query.answer())

    async def answer_press_now(self) -> None:
        """Answers the press at once, before slow work (drawing a PDF): Telegram drops an answer that
        comes more than 15 s after the press, and the person sees a spinner until then."""
        if self.query is not None and not self.answered:
            self.answered = True
            await self.query.answer()

    def fail(self, key: str = "bot.error.generic") -> None:
        """Drops everything this turn meant to send and says that something went wrong, in the language
        the person had before this update (a change of language is rolled back with the rest)."""
        self.failed = True
        self.outbox.clear()
        self.answered = False
        self.answer_press()
        if self.actor is not None:
            self.t = translator(self.actor.language)
        self.say(key)


CURRENT_TURN: ContextVar[Turn] = ContextVar("sodiem_turn")


def current_turn() -> Turn:
    return CURRENT_TURN.get()
