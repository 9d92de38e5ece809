"""Released means frozen: the report cards the leadership approves are kept as approved (their text in
each language, with the fingerprint of their values), and a parent's /ketqua on any channel shows the
kept card. A value changed afterwards reaches parents only through a new approval; ``out_of_date``
names the students whose card in the book no longer equals the released one."""

from __future__ import annotations

from domain.report_card import Period, ReportCard, report_cards
from exports.card_text import card_fingerprint, card_text
from locales import DEFAULT_LANGUAGE, LANGUAGES, Translator, translator
from storage.released_store import FrozenCard, ReleasedPeriod
from storage.uow import UnitOfWork


async def cards_now(uow: UnitOfWork, class_id: int, period: Period) -> list[ReportCard]:
    """The cards of the students in the class at the end of the period, as the book gives them now: a
    student who moved out, left the school or dropped out gets theirs from the class they end in."""
    book = await uow.exports.class_book(await uow.views.class_name(class_id), None, period)
    return report_cards(book.at_end(period), period)


def _fingerprint(card: ReportCard) -> str:
    return card_fingerprint(card, translator(DEFAULT_LANGUAGE))


def freeze(cards: list[ReportCard]) -> list[FrozenCard]:
    return [
        FrozenCard(card.student.id, language, card_text(card, translator(language)), _fingerprint(card))
        for card in cards
        for language in LANGUAGES
    ]


async def released_text(
    uow: UnitOfWork, notice_id: int, class_id: int, period: Period, student_id: int, t: Translator
) -> str | None:
    """The student's card as it was approved, in ``t``'s language; None when the student is not on it.
    A release approved before cards were kept (before migration 0009) shows the book as it is now."""
    kept = await uow.released.text(notice_id, student_id, t.language)
    if kept is not None or await uow.released.fingerprints(notice_id, DEFAULT_LANGUAGE):
        return kept
    cards = [card for card in await cards_now(uow, class_id, period) if card.student.id == student_id]
    return card_text(cards[0], t) if cards else None


async def out_of_date(uow: UnitOfWork, released: ReleasedPeriod) -> list[str]:
    """The names of the students whose card in the book differs from the released one (or who are on
    only one of the two)."""
    kept = await uow.released.fingerprints(released.notice_id, DEFAULT_LANGUAGE)
    if not kept:  # approved before cards were kept: nothing to compare with
        return []
    now = {card.student.id: card for card in await cards_now(uow, released.class_id, Period(released.period))}
    changed = [card.student.full_name for sid, card in now.items() if kept.get(sid) != _fingerprint(card)]
    gone = [sid for sid in kept if sid not in now]
    return changed + [f"#{sid}" for sid in gone]
