"""``sodiem doctor``: is this installation fit to run? One line per check, ✓ or ✗ with how to fix it;
the exit status is 0 only when every check passes."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path

import aiohttp
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings, load_settings
from cli.backup import DEFAULT_DIR, school_now
from cli.output import EXIT_FAILED, EXIT_OK, Console
from domain.errors import DomainError
from locales import SCHOOL_TZ
from notifications.backups import FRESH
from storage.backup import backups_in
from storage.db import Database, database_url
from storage.migrate import current_revision, head_revision
from storage.school_key import key_file_path, read_key_file
from storage.uow import UnitOfWork

HTTP_SECONDS = 10
CLOCK_SKEW_SECONDS = 60
BACKLOG_MINUTES = 15
MIN_FREE_BYTES = 512 * 1024**2
GIB = 1024**3
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
VIETNAMESE_LETTERS = "ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"


@dataclass(frozen=True)
class Finding:
    ok: bool
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class Installation:
    """What the checks look at, gathered once."""

    database: Database
    backups: Path | None  # None until the settings are read: SODIEM_BACKUP_DIR, or ./backups
    settings: Settings | None = None
    settings_error: DomainError | None = None
    database_ok: bool = False
    server_dates: list[datetime] = field(default_factory=list)  # the Date headers the APIs answered with


def add_parser(commands) -> None:
    parser = commands.add_parser("doctor", help="check this installation: one line per check, ✓ or ✗")
    parser.add_argument(
        "--backups", type=Path, help="the folder the backups are kept in (SODIEM_BACKUP_DIR, ./backups)"
    )
    parser.set_defaults(func=run_doctor)


def run_doctor(args) -> int:
    console: Console = args.console
    findings = asyncio.run(examine(args.database, args.backups))
    for label, finding in findings:
        mark = "✓" if finding.ok else "✗"
        detail = console.t(finding.key, **finding.params)
        console.say("doctor.line", mark=mark, label=console.t(label), detail=detail)
    failed = sum(not finding.ok for _, finding in findings)
    if failed:
        console.say("doctor.failed", count=failed)
        return EXIT_FAILED
    console.say("doctor.all_ok")
    return EXIT_OK


async def examine(url: str | None, backups: Path | None) -> list[tuple[str, Finding]]:
    """Every check, in the order they are shown; later checks use what earlier ones learnt."""
    place = Installation(Database(database_url(url)), backups)
    checks: list[tuple[str, Callable[[Installation], Awaitable[Finding | None]]]] = [
        ("doctor.label.settings", check_settings),
        ("doctor.label.database", check_database),
        ("doctor.label.key", check_key),
        ("doctor.label.telegram", check_telegram),
        ("doctor.label.zalo", check_zalo),
        ("doctor.label.public_url", check_public_url),
        ("doctor.label.time", check_time),
        ("doctor.label.fonts", check_fonts),
        ("doctor.label.disk", check_disk),
        ("doctor.label.backup", check_backup),
        ("doctor.label.outbox", check_outbox),
    ]
    findings = []
    try:
        for label, check in checks:
            finding = await check(place)
            if finding is not None:  # None: nothing to check here (a channel that is not used)
                findings.append((label, finding))
    finally:
        await place.database.dispose()
    return findings


async def check_settings(place: Installation) -> Finding:
    try:
        place.settings = load_settings(backup_dir=DEFAULT_DIR)
    except DomainError as error:
        place.settings_error = error
        place.backups = place.backups or DEFAULT_DIR
        return Finding(False, error.key, error.params)
    plan = place.settings.backup
    place.backups = place.backups or (plan.directory if plan else DEFAULT_DIR)
    if not place.settings.token and not place.settings.zalo_token:
        return Finding(False, "run.no_token")
    return Finding(True, "doctor.settings.ok")


async def check_database(place: Installation) -> Finding:
    try:
        current = await current_revision(place.database.engine)
    except (OSError, SQLAlchemyError, TimeoutError) as error:
        return Finding(False, "doctor.database.unreachable", {"value": _first_line(error)})
    if current != head_revision():
        return Finding(False, "db.error.not_migrated", {"current": current or "-", "head": head_revision()})
    place.database_ok = True
    return Finding(True, "doctor.database.ok", {"revision": current})


async def check_key(place: Installation) -> Finding:
    path = key_file_path()
    try:
        read_key_file(path)
    except DomainError as error:
        return Finding(False, error.key, error.params)
    return Finding(True, "doctor.key.ok", {"path": str(path)})


async def check_telegram(place: Installation) -> Finding | None:
    if place.settings is None:
        return Finding(False, "doctor.needs_settings")
    if not place.settings.token:
        return None
    return await _get_me(place, f"{place.settings.api_url}{place.settings.token}/getMe", "telegram")


async def check_zalo(place: Installation) -> Finding | None:
    if place.settings is None or not place.settings.zalo_token:
        return None
    return await _get_me(place, f"{place.settings.zalo_api_url}{place.settings.zalo_token}/getMe", "zalo")


async def _get_me(place: Installation, url: str, channel: str) -> Finding:
    """The platform's getMe: is the token accepted, and what does the platform's clock say?"""
    try:
        async with _session() as session, session.get(url) as response:
            if "Date" in response.headers:
                place.server_dates.append(parsedate_to_datetime(response.headers["Date"]))
            if response.status in (401, 403, 404):
                return Finding(False, f"doctor.{channel}.refused", {"status": response.status})
            answer = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        return Finding(False, f"doctor.{channel}.unreachable", {"value": _first_line(error)})
    if not answer.get("ok"):
        return Finding(False, f"doctor.{channel}.refused", {"status": answer.get("error_code", "-")})
    bot = answer.get("result") or {}
    return Finding(True, f"doctor.{channel}.ok", {"name": bot.get("username") or bot.get("account_name", "")})


async def check_public_url(place: Installation) -> Finding | None:
    if place.settings is None or not place.settings.public_url:
        return None
    url = place.settings.public_url
    try:
        async with _session() as session, session.get(url + "/healthz") as response:
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        return Finding(False, "doctor.public_url.unreachable", {"url": url, "value": _first_line(error)})
    if status >= 500:
        return Finding(False, "doctor.public_url.unreachable", {"url": url, "value": f"HTTP {status}"})
    return Finding(True, "doctor.public_url.ok", {"url": url})


async def check_time(place: Installation) -> Finding:
    zone = place.settings.timezone.key if place.settings else SCHOOL_TZ.key
    now = datetime.now(UTC)
    if zone != SCHOOL_TZ.key:
        return Finding(False, "doctor.time.zone", {"zone": zone, "school": SCHOOL_TZ.key})
    skews = [abs((now - server).total_seconds()) for server in place.server_dates]
    if skews and max(skews) > CLOCK_SKEW_SECONDS:
        return Finding(False, "doctor.time.skew", {"seconds": round(max(skews)), "now": now})
    key = "doctor.time.compared" if skews else "doctor.time.ok"
    return Finding(True, key, {"now": now, "zone": zone})


async def check_fonts(place: Installation) -> Finding:
    """The PDF fonts load and hold every Vietnamese letter."""
    from reportlab.pdfbase.ttfonts import TTFont

    from exports.pdf import FONTS

    for name in FONT_FILES:
        try:
            covered = TTFont(name, str(FONTS / name)).face.charToGlyph
        except Exception as error:  # reportlab says a missing or damaged font file in many ways
            return Finding(
                False, "doctor.fonts.broken", {"path": str(FONTS / name), "value": _first_line(error)}
            )
        missing = [letter for letter in VIETNAMESE_LETTERS if ord(letter) not in covered]
        if missing:
            return Finding(
                False, "doctor.fonts.broken", {"path": str(FONTS / name), "value": "".join(missing)}
            )
    return Finding(True, "doctor.fonts.ok", {"count": len(FONT_FILES)})


async def check_disk(place: Installation) -> Finding:
    folder = place.backups.resolve()
    while not folder.exists():
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    sizes = [path.stat().st_size for path in backups_in(place.backups).values()]
    needed = max(MIN_FREE_BYTES, 3 * max(sizes, default=0))
    params = {"free": _gib(free), "needed": _gib(needed), "path": str(folder)}
    return Finding(free >= needed, "doctor.disk.ok" if free >= needed else "doctor.disk.low", params)


async def check_backup(place: Installation) -> Finding:
    found = backups_in(place.backups)
    if not found:
        return Finding(False, "doctor.backup.none", {"path": str(place.backups)})
    newest = max(found)
    age = school_now() - newest
    params = {"at": newest, "hours": round(age / timedelta(hours=1)), "path": str(place.backups)}
    return Finding(age <= FRESH, "doctor.backup.ok" if age <= FRESH else "doctor.backup.stale", params)


async def check_outbox(place: Installation) -> Finding:
    if not place.database_ok:
        return Finding(False, "doctor.needs_database")
    async with UnitOfWork(place.database, read_only=True) as uow:
        late = await uow.outbox.waiting(datetime.now(UTC) - timedelta(minutes=BACKLOG_MINUTES))
    if late:
        channels = ", ".join(f"{channel}: {count}" for channel, count in sorted(late.items()))
        params = {"count": sum(late.values()), "minutes": BACKLOG_MINUTES, "channels": channels}
        return Finding(False, "doctor.outbox.late", params)
    return Finding(True, "doctor.outbox.ok")


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_SECONDS))


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _gib(size: int) -> Decimal:
    return round(Decimal(size) / GIB, 1)
