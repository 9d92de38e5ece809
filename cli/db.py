"""``sodiem db upgrade`` and ``sodiem db current``. An upgrade of a database that holds a school and is
behind the newest migration takes a backup first (SODIEM_BACKUP_DIR, or ./backups): a failed backup
stops the upgrade, and the backup restores into the new release (``sodiem restore``, then this command)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from cli.backup import DEFAULT_DIR, holds_data, school_now
from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from domain.errors import DomainError
from storage import migrate
from storage.backup import take_backup
from storage.db import database_url


def add_parser(commands) -> None:
    parser = commands.add_parser("db", help="database migrations")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    upgrading = actions.add_parser("upgrade", help="back up, then apply every migration (safe to repeat)")
    upgrading.add_argument(
        "--backup-dir",
        type=Path,
        help="where the backup before an upgrade goes (SODIEM_BACKUP_DIR, ./backups)",
    )
    upgrading.add_argument("--no-backup", action="store_true", help="upgrade without a backup first")
    upgrading.set_defaults(func=upgrade)
    actions.add_parser("current", help="show the migration the database is at").set_defaults(func=current)


def upgrade(args) -> int:
    if not args.no_backup:
        outcome = run_on_database(
            args, lambda database: backup_before_upgrade(args, database), migrated=False
        )
        if outcome != EXIT_OK:
            return outcome
    try:
        migrate.upgrade(database_url(args.database))  # alembic runs its own event loop
    except (OSError, SQLAlchemyError) as error:
        args.console.error("db.error.unreachable", value=str(error).splitlines()[0])
        return EXIT_FAILED
    args.console.say("db.upgraded", revision=migrate.head_revision())
    return EXIT_OK


async def backup_before_upgrade(args, database) -> int:
    """A backup when there is something to upgrade and something to lose; nothing otherwise."""
    revision = await migrate.current_revision(database.engine)
    if revision in (None, migrate.head_revision()) or not await holds_data(database):
        return EXIT_OK
    directory = args.backup_dir or Path(os.environ.get("SODIEM_BACKUP_DIR") or DEFAULT_DIR)
    try:
        path = await take_backup(database, directory, school_now())
    except (DomainError, OSError) as error:
        reason = args.console.t(error.key, **error.params) if isinstance(error, DomainError) else str(error)
        args.console.error("upgrade.backup_failed", reason=reason)
        return EXIT_FAILED
    args.console.say("upgrade.backup_taken", path=str(path))
    return EXIT_OK


def current(args) -> int:
    async def work(database) -> int:
        revision = await migrate.current_revision(database.engine)
        args.console.say("db.current", current=revision or "-", head=migrate.head_revision())
        return EXIT_OK

    return run_on_database(args, work, migrated=False)
