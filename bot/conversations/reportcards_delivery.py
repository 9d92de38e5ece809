"""Released report cards as each guardian receives them, in the guardian's language: the card as a
message, then as a PDF (on Zalo: the text in pieces, then a picture); each form drawn once, when first
needed."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.handlers.common import split_for_telegram
from bot.public import picture_name
from bot.turn import Turn
from domain.notices import Notice
from domain.report_card import ReportCard
from exports.card_text import card_text, period_name
from locales import Translator, translator
from notifications import zalo
from storage.outbox_store import Outgoing


def cards_pdf(cards: list[ReportCard], t: Translator) -> bytes:
    # Loaded by the first paper, not with the bot: reportlab and exports.pdf's fonts weigh about 17 MB.
    from exports.report_cards import card_pdf

    return card_pdf(cards, t)


def _card_png(card: ReportCard, t: Translator) -> bytes:
    from exports.report_cards import card_png  # see cards_pdf

    return card_png(card, t)


class _Forms:
    """A card's text, PDF and picture, each drawn when first needed, once per language."""

    DRAW = {"text": card_text, "pdf": lambda card, t: cards_pdf([card], t), "png": _card_png}

    def __init__(self, card: ReportCard) -> None:
        self.card = card
        self._drawn: dict[tuple[str, str], Any] = {}

    def __call__(self, kind: str, t: Translator) -> Any:
        if (kind, t.language) not in self._drawn:
            self._drawn[kind, t.language] = self.DRAW[kind](self.card, t)
        return self._drawn[kind, t.language]


async def card_messages(
    turn: Turn, notice: Notice, cards: list[ReportCard], pictures: bool = False
) -> list[Outgoing]:
    """For each guardian's account: the card as a message, then as a PDF (on Zalo: as a picture, when
    sodiem's web server can be reached by the platform), in the guardian's language."""
    parents = await turn.uow.recipients.guardians_of([card.student.id for card in cards])
    messages = []
    for card in cards:
        form = _Forms(card)
        for person in parents.get(card.student.id, []):
            t = translator(person.language)
            text = form("text", t)
            key = f"card:{notice.id}:{card.student.id}:{person.channel}:{person.account}"
            caption = t(
                "notices.card.caption", name=card.student.full_name, period=period_name(card.period, t)
            )
            file_name = (
                t("notices.card.student_file", code=card.student.code, period=card.period.value) + ".pdf"
            )
            if person.channel == zalo.NAME:  # text in pieces within Zalo's limit, then the picture
                messages += [
                    Outgoing(
                        f"{key}:text:{n}", person.channel, person.account, person.person, piece, notice.id
                    )
                    for n, piece in enumerate(
                        zalo.with_receipt(zalo.pieces(text), t("weekly.read.zalo_hint", number=notice.id)),
                        start=1,
                    )
                ]
                if pictures:
                    messages.append(
                        Outgoing(
                            f"{key}:png",
                            person.channel,
                            person.account,
                            person.person,
                            caption,
                            notice.id,
                            picture_name(),
                            await asyncio.to_thread(form, "png", t),  # matplotlib: off the event loop
                        )
                    )
                continue
            messages += [
                Outgoing(
                    f"{key}:text",
                    person.channel,
                    person.account,
                    person.person,
                    split_for_telegram(text)[0],
                    notice.id,
                ),
                Outgoing(
                    f"{key}:pdf",
                    person.channel,
                    person.account,
                    person.person,
                    caption,
                    notice.id,
                    file_name,
                    await asyncio.to_thread(form, "pdf", t),
                ),
            ]
    return messages
