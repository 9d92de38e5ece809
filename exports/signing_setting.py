"""How to reach the school's signing key (``SODIEM_SIGNING``) and what a visible signature box says.
Kept apart from exports/signing.py so that the bot knows whether signing is configured without loading
pyHanko (tens of megabytes in `sodiem run`) before anything is signed."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from domain.errors import DomainError


@dataclass(frozen=True)
class Setting:
    """How to reach the school's key: a PKCS#12 file, or a key on a PKCS#11 token."""

    kind: str  # pkcs12 | pkcs11
    path: str  # the .p12/.pfx file, or the PKCS#11 module (.so)
    token: str = ""
    key: str = ""
    secret: str | None = None  # the password or PIN


def setting_from(environ: Mapping[str, str] | None = None) -> Setting | None:
    """``SODIEM_SIGNING`` read; None when signing is not configured."""
    environ = os.environ if environ is None else environ
    value = environ.get("SODIEM_SIGNING", "").strip()
    if not value:
        return None
    kind, _, rest = value.partition(":")
    secret = _secret(environ)
    if kind == "pkcs12" and rest:
        return Setting("pkcs12", rest, secret=secret)
    parts = rest.rsplit(":", 2)
    if kind == "pkcs11" and len(parts) == 3 and all(parts):
        return Setting("pkcs11", parts[0], parts[1], parts[2], secret)
    raise DomainError("signing.error.setting", value=value)


def _secret(environ: Mapping[str, str]) -> str | None:
    if "SODIEM_SIGNING_PASSWORD" in environ:
        return environ["SODIEM_SIGNING_PASSWORD"]
    file = environ.get("SODIEM_SIGNING_PASSWORD_FILE")
    if not file:
        return None
    try:
        return Path(file).read_text(encoding="utf-8").strip()
    except OSError:
        raise DomainError("signing.error.no_file", file=file) from None


@dataclass(frozen=True)
class Stamp:
    """What the visible signature box says: who signs, in which role, when (school time)."""

    name: str
    role: str  # the translated role, also the label looked for on the paper ("HIỆU TRƯỞNG")
    lines: tuple[str, ...]  # the box's text, already translated
