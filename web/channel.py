"""The web as a channel of the outbox: a message for a web account lands in its web chat (the gateway's
Bot API, so the page shows it as any other bot message), with the outbox's exactly-once delivery; then
the ``Notifier`` is told, so that a phone with the page closed hears of it (Web Push, when configured)."""

from __future__ import annotations

import logging
from typing import Protocol

from telegram import InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from notifications.channel import Message, Refused, Throttled, Transient, Uncertain, Unreachable
from web.gateway import CHANNEL, WebGateway

log = logging.getLogger("sodiem.web")
PREVIEW = 120  # characters of the message a notification shows


class Notifier(Protocol):
    async def notify(self, account_id: int, title: str, body: str, url: str) -> None: ...


class NoNotifier:
    """Push not configured: the message waits in the web chat until the page is opened."""

    async def notify(self, account_id: int, title: str, body: str, url: str) -> None:
        return None


class WebChannel:
    name = CHANNEL
    per_second = 200.0
    per_recipient_interval = 0.0

    def __init__(self, gateway: WebGateway, notifier: Notifier, account_ids, title: str = "Sổ điểm") -> None:
        self.gateway = gateway
        self.notifier = notifier
        self.account_ids = account_ids  # async (external id) -> the account's id, for the notifier
        self.title = title

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, recipient: str, message: Message) -> None:
        application = self.gateway.application
        if application is None:
            raise Transient("the web gateway is not running")
        person = self.gateway.person(recipient, "vi")
        try:
            if message.attachment is not None:
                document = InputFile(message.attachment, filename=message.attachment_name or "file")
                await application.bot.send_document(person.id, document, caption=message.text or None)
            else:
                await application.bot.send_message(person.id, message.text)
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
            raise Throttled(seconds) from error
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except BadRequest as error:
            raise Refused(str(error)) from error
        except TimedOut as error:
            raise Uncertain(str(error)) from error
        except NetworkError as error:
            raise Transient(str(error)) from error
        await self._notify(recipient, message.text)

    async def _notify(self, recipient: str, text: str) -> None:
        """A failing push never undoes the delivery: the message is in the chat."""
        try:
            account_id = await self.account_ids(recipient)
            if account_id is not None:
                await self.notifier.notify(account_id, self.title, text[:PREVIEW], "/")
        except Exception:  # the push service's trouble, not the outbox's
            log.exception("notifying web account %s failed", recipient)
