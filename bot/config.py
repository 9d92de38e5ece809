"""Settings from the environment (and an optional .env file). A missing or malformed setting stops
start-up with a message that names it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from domain.errors import DomainError
from locales import LANGUAGES
from notifications.backups import BACKUP_AT, BackupPlan
from notifications.zalo import ZALO_API
from storage.db import database_url

TELEGRAM_API = "https://api.telegram.org/bot"
PUBLIC_LISTEN = "127.0.0.1:8090"  # behind the school's https reverse proxy


@dataclass(frozen=True)
class Settings:
    token: str | None
    api_url: str
    database_url: str
    timezone: ZoneInfo
    locale: str
    zalo_token: str | None = None
    zalo_api_url: str = ZALO_API
    public_url: str | None = None  # where the world reaches sodiem's web server (report-card pictures)
    public_listen: tuple[str, int] = ("127.0.0.1", 8090)  # SODIEM_PUBLIC_LISTEN
    zalo_webhook_url: str | None = None  # None: the Zalo front end polls
    zalo_webhook_secret: str | None = None
    backup: BackupPlan | None = None  # None: no backup on a schedule

    @property
    def file_url(self) -> str:
        """The Bot API's file URL: '.../bot' becomes '.../file/bot'."""
        base = self.api_url.rstrip("/")
        head, _, tail = base.rpartition("/")
        return f"{head}/file/{tail}"


def load_settings(
    environ: dict[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    backup_dir: Path | None = None,
) -> Settings:
    """``backup_dir``: where the nightly backups go when SODIEM_BACKUP_DIR does not say (``sodiem run``
    passes ./backups); with neither, or SODIEM_BACKUP_HOUR=off, there is no nightly backup."""
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
    public_url = _url(environ, "SODIEM_PUBLIC_URL", None)
    webhook_url = _url(environ, "SODIEM_ZALO_WEBHOOK_URL", None)
    secret = environ.get("SODIEM_ZALO_WEBHOOK_SECRET") or None
    if webhook_url and not (secret and 8 <= len(secret) <= 256 and secret.isascii()):
        raise DomainError("config.error.zalo_webhook_secret", name="SODIEM_ZALO_WEBHOOK_SECRET")
    return Settings(
        token,
        api_url,
        database,
        timezone,
        locale,
        zalo_token,
        zalo_api_url,
        public_url.rstrip("/") if public_url else None,
        _listen(environ, "SODIEM_PUBLIC_LISTEN"),
        webhook_url,
        secret if webhook_url else None,
        _backup_plan(environ, backup_dir, timezone),
    )


def _backup_plan(environ: dict[str, str], default_dir: Path | None, zone: ZoneInfo) -> BackupPlan | None:
    directory = environ.get("SODIEM_BACKUP_DIR") or default_dir
    hour = (environ.get("SODIEM_BACKUP_HOUR") or "").strip()
    if directory is None or hour.lower() == "off":
        return None
    copy = environ.get("SODIEM_BACKUP_COPY_DIR")
    return BackupPlan(Path(directory), Path(copy) if copy else None, _hour(hour) if hour else BACKUP_AT, zone)


def _hour(value: str) -> time:
    """'2', '02', '2:30' or '02:30', school time."""
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?", value)
    if not match or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise DomainError("config.error.bad_backup_hour", name="SODIEM_BACKUP_HOUR", value=value)
    return time(int(match[1]), int(match[2] or 0))


def _token(environ: dict[str, str], name: str) -> str | None:
    """Telegram's and Zalo's bot tokens both read '<bot id>:<secret>'."""
    token = environ.get(name) or None
    if token is not None and (":" not in token or not token.split(":", 1)[0].isdigit()):
        raise DomainError("config.error.bad_token", name=name)
    return token


def _url(environ: dict[str, str], name: str, default: str | None) -> str | None:
    url = environ.get(name) or default
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise DomainError("config.error.bad_url", name=name, value=url)
    return url


def _listen(environ: dict[str, str], name: str) -> tuple[str, int]:
    """host:port the web server listens on."""
    value = environ.get(name) or PUBLIC_LISTEN
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise DomainError("config.error.bad_listen", name=name, value=value)
    return host, int(port)
