"""The catalogs (gettext, compiled with Babel) and formatting in the person's language.

Message ids are dotted keys (``import.error.bad_date``); every key has a Vietnamese and an
English text. Numbers are written the way the language writes them (8,5 in Vietnamese).
Catalogs are split by area into gettext domains; a translator looks a key up in each.
``make`` compiles them to ``.mo``; where a ``.mo`` is missing (``pip install .`` ships the ``.po``
files only) the ``.po`` is read and compiled in memory when first needed.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_decimal

LOCALE_DIR = Path(__file__).parent
DOMAINS = (
    "sodiem",
    "evaluation",
    "attendance",
    "entry",
    "desk",
    "exports",
    "notices",
    "sandbox",
    "zalo",
    "yearend",
    "schoolyear",
    "signing",
    "integrity",
    "privacy",
    "clihelp",  # the command line's help: English texts as message ids (see cli/help.py)
    "ops",
    "families",  # leave requests (#22)
    "weekly",  # weekly news and read receipts (#22)
    "health",  # the school nurse, health checks and notices; student accounts (#22)
    "web",  # the web front end (#23)
    "webpush",  # Web Push notifications (#23)
    "students",  # student accounts (#22)
)
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
SCHOOL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _domain_catalog(domain: str, language: str) -> gettext.NullTranslations:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    if (folder / f"{domain}.mo").exists() or not (folder / f"{domain}.po").exists():
        return gettext.translation(domain, LOCALE_DIR, languages=[language], fallback=True)
    with (folder / f"{domain}.po").open("rb") as source:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(source, locale=language))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    chain: gettext.NullTranslations | None = None
    for domain in DOMAINS:
        found = _domain_catalog(domain, language)
        if chain is None:
            chain = found
        else:
            chain.add_fallback(found)
    assert chain is not None
    return chain


def has_message(key: str, language: str) -> bool:
    return _catalog(language).gettext(key) != key


@dataclass(frozen=True)
class Translator:
    """Texts, numbers and dates for one language."""

    language: str = DEFAULT_LANGUAGE

    def __call__(self, key: str, **params: object) -> str:
        text = _catalog(self.language).gettext(key)
        if not params:
            return text
        return text.format(**{name: self._display(value) for name, value in params.items()})

    def plural(self, key: str, count: int, **params: object) -> str:
        text = _catalog(self.language).ngettext(key, key, count)
        return text.format(count=count, **{name: self._display(v) for name, v in params.items()})

    def number(self, value: Decimal | float | int) -> str:
        return _babel_decimal(value, format="#,##0.##", locale=self.language)

    def date(self, value: date) -> str:
        return _babel_date(value, format="dd/MM/yyyy", locale=self.language)

    def datetime(self, value: datetime) -> str:
        local = value.astimezone(SCHOOL_TZ) if value.tzinfo else value
        return _babel_datetime(local, format="dd/MM/yyyy HH:mm", locale=self.language)

    def _display(self, value: object) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, Decimal | float):
            return self.number(value)
        if isinstance(value, datetime):
            return self.datetime(value)
        if isinstance(value, date):
            return self.date(value)
        return value


def translator(language: str | None = None) -> Translator:
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return Translator(chosen)
