"""A message for people linked on another channel than the turn's. A front end puts its buttons on its own
chats only; a person linked elsewhere gets the text through the outbox, with the command that opens it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from locales import Translator, translator
from storage.outbox_store import Outgoing
from storage.recipient_store import Recipient
from storage.uow import UnitOfWork


def split(channel: str, people: list[Recipient]) -> tuple[list[Recipient], list[Recipient]]:
    """Those linked on ``channel`` (the turn's: buttons), and the others (the outbox)."""
    return [p for p in people if p.channel == channel], [p for p in people if p.channel != channel]


async def tell(
    uow: UnitOfWork,
    people: list[Recipient],
    key: str,
    text_of: Callable[[Translator], Awaitable[str]],
    now: datetime,
) -> None:
    """Each person the text in their language; ``key`` names what is said (enqueued once per account)."""
    messages = []
    for person in people:
        text = await text_of(translator(person.language))
        messages.append(
            Outgoing(
                f"{key}:{person.channel}:{person.account}",
                person.channel,
                person.account,
                person.person,
                text,
            )
        )
    await uow.outbox.enqueue(messages, now)
