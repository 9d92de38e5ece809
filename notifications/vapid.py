"""The school's VAPID key pair (RFC 8292): browsers accept Web Push only from the holder of the private
key whose public half they subscribed with. It lives in a PEM file outside the database, readable by
the service account only: SODIEM_VAPID_KEY_FILE (default ./sodiem-vapid.pem). Made once, by
``sodiem school init`` or ``sodiem webpush keys``; replacing it (``--force``) makes every browser's
subscription useless, so it is never replaced silently. Why a file of its own and not a key derived
from the school key: see docs/webpush.md."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

from domain.errors import DomainError

KEY_FILE_SETTING = "SODIEM_VAPID_KEY_FILE"
DEFAULT_KEY_FILE = "sodiem-vapid.pem"


def vapid_key_path(environ: dict[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get(KEY_FILE_SETTING) or DEFAULT_KEY_FILE)


def create_vapid_key(path: Path, replace: bool = False) -> Vapid:
    """A new key pair in a file only its owner can read. An existing file is kept unless ``replace``;
    then the new file takes its place in one rename, so a crash leaves the old key or the new one."""
    vapid = Vapid()
    vapid.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    target = path.with_name(path.name + ".new") if replace else path
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    if replace:
        target.unlink(missing_ok=True)
    try:
        descriptor = os.open(target, flags, 0o600)
    except FileExistsError as error:
        raise DomainError("webpush.key.exists", path=str(path)) from error
    with os.fdopen(descriptor, "wb") as file:
        file.write(vapid.private_pem())
    if replace:
        os.replace(target, path)
    _key_at.cache_clear()
    return vapid


def ensure_vapid_key() -> bool:
    """``sodiem school init``: a key pair for a new school; True when it was made now."""
    try:
        create_vapid_key(vapid_key_path())
    except DomainError:
        return False
    return True


def read_vapid_key(path: Path) -> Vapid:
    try:
        text = path.read_bytes()
    except FileNotFoundError as error:
        raise DomainError("webpush.key.missing", path=str(path), name=KEY_FILE_SETTING) from error
    except OSError as error:
        raise DomainError("webpush.key.unreadable", path=str(path), name=KEY_FILE_SETTING) from error
    try:
        key = serialization.load_pem_private_key(text, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise DomainError("webpush.key.malformed", path=str(path), name=KEY_FILE_SETTING)
    return Vapid(key)


@cache
def _key_at(path: str) -> Vapid:
    return read_vapid_key(Path(path))


def vapid_key() -> Vapid:
    """The key pair of the file SODIEM_VAPID_KEY_FILE names now (read once per path and process)."""
    return _key_at(str(vapid_key_path().resolve()))


def public_key_text(vapid: Vapid) -> str:
    """The public key as browsers take it (``applicationServerKey``): the uncompressed point, base64url."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(raw)
