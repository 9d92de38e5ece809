"""How values appear in every export, the fingerprint of what a page or file shows and the audit head
it was read at.

A score is written exactly as recorded, with its tenth and the language's decimal sign (8,0 and 7,5 in
Vietnamese); marks (Đ, CĐ, T, H, C) and levels as recorded; nothing entered is an empty cell. Text is
NFC, so the same letters always have the same bytes."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import get_decimal_symbol

from domain.distribution import percent as share
from locales import Translator

FINGERPRINT_LENGTH = 8

AUDIT_HEAD: ContextVar[str] = ContextVar("audit_head", default="")
"""The audit chain's head when the data was read (``SEQ:HASH``), printed in every page's footer: set by
exports/service.py for the papers it makes, so that a page can be checked later with
``sodiem audit verify --head``."""


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def shown(value: object, t: Translator) -> str:
    """One cell: a Decimal with its tenth(s) as recorded and the language's decimal sign."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", get_decimal_symbol(t.language))
    return nfc(str(value))


def percent(count: int, total: int, t: Translator) -> str:
    """A share with one decimal, rounded half up as every figure of the school (domain/distribution.py),
    as the language writes it: 26,7%."""
    if not total:
        return ""
    return shown(share(count, total), t) + "%"


def fingerprint(rows: Iterable[Iterable[object]]) -> str:
    """A short, stable digest of rows of cells (texts as shown): printed on each page and kept with every
    export, so a paper copy can be checked against the system. Grouped for reading aloud: 3FA9-01C2."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update("\t".join(nfc(str(cell)) for cell in row).encode())
        digest.update(b"\n")
    text = digest.hexdigest()[:FINGERPRINT_LENGTH].upper()
    return f"{text[:4]}-{text[4:]}"


@dataclass(frozen=True)
class Difference:
    """One value where a file and the database disagree: ``where`` names it (page or student, subject,
    column), ``found`` is the file's, ``expected`` the database's ("" when absent), or ``sentence`` says
    what is wrong in words."""

    where: str
    found: str
    expected: str
    sentence: str = ""  # when no single value says it: the whole finding in words ("page 3 looks different")


def movement(student, t: Translator) -> str:
    """When the student joined or left the class during the year (biến động sĩ số), or nothing."""
    parts = []
    if student.joined is not None:
        parts.append(t("schoolyear.book.joined", day=student.joined))
    if student.left is not None:
        parts.append(t(f"schoolyear.book.left.{student.left_reason}", day=student.left))
    return "; ".join(parts)
