"""The web chat's settings (SODIEM_WEB_*), read with the rest at ``sodiem run``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from domain.errors import DomainError
from storage.db import Database
from storage.web_store import WebSession

MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram's limit for a photo
MAX_TEXT_BYTES = 16 * 1024  # a text, a press or a key: a message is at most 4096 characters


@dataclass(frozen=True)
class WebConfig:
    database: Database
    clock: Callable[[], datetime]
    public_url: str  # where the browser reaches sodiem: https://..., or http://127.0.0.1:... in tests
    session_lifetime: timedelta = timedelta(days=30)

    @property
    def secure_cookie(self) -> bool:
        """Cookies are Secure except on the machine itself (tests, trying sodiem out over plain http)."""
        local = ("http://127.0.0.1", "http://localhost", "http://[::1]")
        return not self.public_url.startswith(local)


def session_lifetime(environ: Mapping[str, str]) -> timedelta:
    value = (environ.get("SODIEM_WEB_SESSION_DAYS") or "30").strip()
    if not value.isdigit() or not 1 <= int(value) <= 365:
        raise DomainError("config.error.web_session_days", name="SODIEM_WEB_SESSION_DAYS", value=value)
    return timedelta(days=int(value))


WEB_CONFIG = web.AppKey("web_config", WebConfig)

# What the session middleware (web/security.py) knows of a signed-in browser, for every route
SESSION = web.RequestKey("sodiem_session", WebSession)
ACCOUNT_ID = web.RequestKey("sodiem_account_id", int)  # the web account's id
LANGUAGE = web.RequestKey("sodiem_language", str)  # the person's: pages and push texts are in it
