"""The school's secret key: 32 random bytes in a file outside the database, readable by the service
account only. Its path is SODIEM_AUDIT_KEY_FILE (default ./sodiem-audit.key). Whoever can write the
database but has not this file cannot forge what is sealed or hashed with it (the change log's chain,
invite codes). Each use takes its own key derived from it with ``derived_key(purpose)``."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from domain.errors import DomainError

KEY_FILE_SETTING = "SODIEM_AUDIT_KEY_FILE"
DEFAULT_KEY_FILE = "sodiem-audit.key"


def key_file_path(environ: dict[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get(KEY_FILE_SETTING) or DEFAULT_KEY_FILE)


def create_key_file(path: Path) -> None:
    """A new key in a file only its owner can read; an existing key is never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise DomainError("key.error.exists", path=str(path)) from error
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32) + "\n")


def ensure_key_file() -> bool:
    """``sodiem school init``: a key for a new school; True when it was made now."""
    try:
        create_key_file(key_file_path())
    except DomainError:
        return False
    return True


def read_key_file(path: Path) -> bytes:
    try:
        text = path.read_text().strip()
    except FileNotFoundError as error:
        raise DomainError("key.error.missing", path=str(path), name=KEY_FILE_SETTING) from error
    except OSError as error:
        raise DomainError("key.error.unreadable", path=str(path), name=KEY_FILE_SETTING) from error
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise DomainError("key.error.malformed", path=str(path), name=KEY_FILE_SETTING)
    return key


@cache
def _key_at(path: str) -> bytes:
    return read_key_file(Path(path))


def school_key() -> bytes:
    """The key of the file SODIEM_AUDIT_KEY_FILE names now (read once per path and process)."""
    return _key_at(str(key_file_path().resolve()))


def derived_key(purpose: str) -> bytes:
    """A key for one use only, so that one use's values say nothing about another's."""
    return hmac.new(school_key(), purpose.encode(), hashlib.sha256).digest()
