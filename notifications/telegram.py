"""Telegram as a delivery channel: a plain PTB ``Bot`` (the dispatcher paces it), Bot API errors
translated into the channel outcomes."""

from __future__ import annotations

import datetime as dt

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from locales import translator
from notifications.channel import Message, Refused, Throttled, Transient, Uncertain, Unreachable
from notifications.pacing import TELEGRAM, Pacing
from notifications.telegram_request import AiohttpRequest, MaybeSent, NeverSent

NAME = "telegram"
RECEIPT_PREFIX = "wk"  # bot/conversations/weekly.py answers the press


class TelegramChannel:
    """Sends with a PTB ``Bot``: the bot application's own (its rate limiter then paces a chat's
    replies and deliveries together), or one of its own from ``connect`` (a process that only delivers)."""

    name = NAME

    def __init__(self, bot: Bot, owns_bot: bool = False, pacing: Pacing = TELEGRAM) -> None:
        self.bot = bot
        self._owns_bot = owns_bot
        self.per_second = pacing.delivery_per_second
        self.per_recipient_interval = pacing.recipient_interval

    @classmethod
    def connect(cls, token: str, base_url: str, base_file_url: str | None = None) -> TelegramChannel:
        bot = Bot(
            token,
            base_url=base_url,
            base_file_url=base_file_url or base_url,
            request=AiohttpRequest(connections=16),
            get_updates_request=AiohttpRequest(connections=1),  # never used: no httpx client either
        )
        return cls(bot, owns_bot=True)

    async def start(self) -> None:
        if self._owns_bot:
            await self.bot.initialize()

    async def stop(self) -> None:
        if self._owns_bot:
            await self.bot.shutdown()

    async def send(self, recipient: str, message: Message) -> None:
        try:
            if message.attachment is None:
                await self.bot.send_message(int(recipient), message.text, reply_markup=_receipt(message))
            else:
                await self.bot.send_document(
                    int(recipient),
                    message.attachment,
                    filename=message.attachment_name,
                    caption=message.text or None,
                )
        except RetryAfter as error:
            wait = error.retry_after
            raise Throttled(wait.total_seconds() if isinstance(wait, dt.timedelta) else wait) from error
        except Forbidden as error:
            raise Unreachable(error.message) from error
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                raise Unreachable(error.message) from error
            raise Refused(error.message) from error
        except NetworkError as error:
            raise _network_outcome(error) from error
        except TelegramError as error:
            raise Refused(error.message) from error


def _network_outcome(error: NetworkError) -> Exception:
    """A request that never left, or an answer from the server (502 …), delivered nothing; a
    connection lost or timed out after the request went out may have delivered it."""
    if isinstance(error, NeverSent):
        return Transient(error.message)
    if isinstance(error, TimedOut | MaybeSent):
        return Uncertain(error.message)
    return Transient(error.message)


def _receipt(message: Message) -> InlineKeyboardMarkup | None:
    """The "Đã xem" button (in the school's language: the outbox keeps no person's language);
    bot/conversations/weekly.py re-authorises every press."""
    if message.receipt is None:
        return None
    label = translator()("weekly.read.button")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=f"{RECEIPT_PREFIX}:r:{message.receipt}")]]
    )
