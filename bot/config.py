"""Settings from the environment (and an optional .env file). A missing or malformed setting stops
start-up with a message that names it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from domain.errors import DomainError
from locales import LANGUAGES
from notifications.zalo import ZALO_API
from storage.db import database_url

TELEGRAM_API = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str
    database_url: str
    timezone: ZoneInfo
    locale: str
    zalo_token: str | None = None
    zalo_api_url: str = ZALO_API

    @property
    def file_url(self) -> str:
        """The Bot API's file URL: '.../bot' becomes '.../file/bot'."""
        base = self.api_url.rstrip("/")
        head, _, tail = base.rpartition("/")
        return f"{head}/file/{tail}"


def load_settings(environ: dict[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    if environ is None:
        if env_file and env_file.is_file():
            load_dotenv(env_file, override=False)
        environ = dict(os.environ)
    token = _token(environ, "SODIEM_TELEGRAM_TOKEN")
    api_url = _url(environ, "SODIEM_TELEGRAM_API_URL", TELEGRAM_API)
    zalo_token = _token(environ, "SODIEM_ZALO_TOKEN")
    zalo_api_url = _url(environ, "SODIEM_ZALO_API_URL", ZALO_API)
    try:
        timezone = ZoneInfo(environ.get("SODIEM_TIMEZONE") or "Asia/Ho_Chi_Minh")
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DomainError(
            "config.error.bad_timezone", name="SODIEM_TIMEZONE", value=environ.get("SODIEM_TIMEZONE", "")
        ) from error
    locale = environ.get("SODIEM_LOCALE") or "vi"
    if locale not in LANGUAGES:
        raise DomainError("config.error.bad_locale", name="SODIEM_LOCALE", value=locale)
    database = database_url(environ.get("SODIEM_DATABASE_URL"))
    return Settings(token, api_url, database, timezone, locale, zalo_token, zalo_api_url)


def _token(environ: dict[str, str], name: str) -> str | None:
    """Telegram's and Zalo's bot tokens both read '<bot id>:<secret>'."""
    token = environ.get(name) or None
    if token is not None and (":" not in token or not token.split(":", 1)[0].isdigit()):
        raise DomainError("config.error.bad_token", name=name)
    return token


def _url(environ: dict[str, str], name: str, default: str) -> str:
    url = environ.get(name) or default
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise DomainError("config.error.bad_url", name=name, value=url)
    return url
