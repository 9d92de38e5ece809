"""``sodiem backup [DIR]``, ``sodiem backup --verify FILE`` and ``sodiem restore FILE [--force]``: each
backup has a signed manifest; a restore refuses a file that does not match it, and verifies the audit
trail of what it restored."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, select

from cli.audit import verify_database
from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from domain.errors import DomainError
from locales import SCHOOL_TZ
from storage.backup import apply_retention, check_backup, restore_backup, school_semesters, take_backup
from storage.migrate import current_revision, head_revision
from storage.models import StudentRow

DEFAULT_DIR = Path("backups")


def add_parser(commands) -> None:
    backup = commands.add_parser("backup", help="an online, verified copy of the database")
    backup.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    backup.add_argument("--verify", metavar="FILE", type=Path, help="check one backup against its manifest")
    backup.set_defaults(func=run_backup)
    restore = commands.add_parser("restore", help="replace the database with a verified backup")
    restore.add_argument("file", type=Path)
    restore.add_argument("--force", action="store_true", help="replace a database that holds data")
    restore.set_defaults(func=run_restore)


def school_now() -> datetime:
    return datetime.now(SCHOOL_TZ).replace(tzinfo=None)


def run_backup(args) -> int:
    if args.verify:
        return run_check(args)

    async def work(database) -> int:
        now = school_now()
        path = await take_backup(database, args.directory, now)
        args.console.say("backup.done", path=str(path), size=path.stat().st_size // 1024)
        args.console.say("backup.manifest", head=check_backup(path)["audit_head"] or "-")
        removed = apply_retention(args.directory, now, await _semesters(database))
        if removed:
            args.console.say("backup.retention", count=len(removed), names=", ".join(p.name for p in removed))
        return EXIT_OK

    return run_on_database(args, work)


async def _semesters(database) -> list:
    async with database.session(read_only=True) as session:
        return await school_semesters(session)


async def holds_data(database) -> bool:
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        if StudentRow.__tablename__ not in tables:
            return False
        return bool(await connection.scalar(select(StudentRow.id).limit(1)))


def run_restore(args) -> int:
    async def work(database) -> int:
        if await holds_data(database) and not args.force:
            args.console.error("restore.refused", path=str(args.file))
            return EXIT_FAILED
        await database.engine.dispose()
        restore_backup(database.url, args.file)
        args.console.say("restore.done", path=str(args.file))
        revision = await current_revision(database.engine)
        if revision != head_revision():  # taken before an upgrade: upgraded, then verified
            args.console.say("restore.older_release", current=revision or "-", head=head_revision())
            return EXIT_OK
        return await verify_database(database.url, args.console)

    return run_on_database(args, work, migrated=False)


def run_check(args) -> int:
    """Checks one backup against its manifest, without restoring it."""
    try:
        facts = check_backup(args.verify)
    except DomainError as error:
        args.console.error(error.key, **error.params)
        return EXIT_FAILED
    counts = facts.get("counts", {})
    args.console.say(
        "backup.verified",
        path=str(args.verify),
        schema=facts.get("schema") or "-",
        head=facts.get("audit_head") or "-",
        students=counts.get("students", 0),
        scores=counts.get("scores", 0),
    )
    return EXIT_OK
