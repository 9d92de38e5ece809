"""Multi-step conversations whose state lives in the database (table ``dialog``), written in the same
transaction as the data of the update: a restart in the middle of an entry loses nothing and saves
nothing twice.

A flow is a module with ``FLOW`` (its name), ``COMMAND``, ``handlers()`` (its command and button
handlers, buttons under its own callback prefix) and ``on_text(update, dialog)`` /
``on_other(update, dialog)`` for messages that arrive while the person is in it."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from bot.turn import Turn


@dataclass
class Dialog:
    flow: str
    step: str
    data: dict = field(default_factory=dict)


async def current_dialog(turn: Turn) -> Dialog | None:
    row = await turn.uow.identity.dialog(turn.channel, turn.account)
    return Dialog(row.flow, row.step, copy.deepcopy(row.data or {})) if row else None


async def save_dialog(turn: Turn, dialog: Dialog) -> None:
    await turn.uow.identity.save_dialog(
        turn.channel, turn.account, dialog.flow, dialog.step, dialog.data, turn.now
    )


async def end_dialog(turn: Turn) -> None:
    await turn.uow.identity.end_dialog(turn.channel, turn.account)
