"""Inline keyboards within Telegram's limits: callback data at most 64 bytes and only short ids,
long lists in pages, and a way back on every screen."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from locales import Translator

CALLBACK_LIMIT = 64
PAGE_SIZE = 8


def is_number(text: str) -> bool:
    """A short run of ASCII digits: what our callback data and list numbers hold, nothing else."""
    return len(text) <= 9 and text.isascii() and text.isdecimal()


def data(*parts: object) -> str:
    """Callback data from short parts: data('cls', 12, 0) → 'cls:12:0'."""
    text = ":".join(str(part) for part in parts)
    if len(text.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data over {CALLBACK_LIMIT} bytes: {text!r}")
    return text


def button(text: str, *parts: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data(*parts))


def column(buttons: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[b] for b in buttons])


def paged(
    t: Translator,
    items: Sequence[tuple[str, str]],
    page: int,
    page_verb: str,
    back: tuple[str, ...] = ("menu",),
    per_row: int = 2,
    page_size: int = PAGE_SIZE,
) -> InlineKeyboardMarkup:
    """Buttons for (label, callback data) ``items``, ``page_size`` a page, with ◀ ▶ and a back button."""
    pages = max(1, -(-len(items) // page_size))
    page = min(max(page, 0), pages - 1)
    shown = [
        InlineKeyboardButton(label, callback_data=value)
        for label, value in items[page * page_size : (page + 1) * page_size]
    ]
    rows = [shown[i : i + per_row] for i in range(0, len(shown), per_row)]
    if pages > 1:
        turn = []
        if page > 0:
            turn.append(button(t("bot.page.previous"), page_verb, page - 1))
        turn.append(button(t("bot.page.of", page=page + 1, pages=pages), page_verb, page))
        if page < pages - 1:
            turn.append(button(t("bot.page.next"), page_verb, page + 1))
        rows.append(turn)
    rows.append([button(t("bot.back"), *back)])
    return InlineKeyboardMarkup(rows)


def grid(
    buttons: Sequence[InlineKeyboardButton], last: Sequence[InlineKeyboardButton] = (), per_row: int = 2
) -> InlineKeyboardMarkup:
    """Buttons ``per_row`` a row, then ``last`` (a way back) on a row of its own."""
    rows = [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup([*rows, list(last)] if last else rows)
