"""``sodiem db upgrade`` and ``sodiem db current``."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from storage import migrate
from storage.db import database_url


def add_parser(commands) -> None:
    parser = commands.add_parser("db", help="database migrations")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="apply every migration (safe to repeat)").set_defaults(func=upgrade)
    actions.add_parser("current", help="show the migration the database is at").set_defaults(func=current)


def upgrade(args) -> int:
    try:
        migrate.upgrade(database_url(args.database))  # alembic runs its own event loop
    except (OSError, SQLAlchemyError) as error:
        args.console.error("db.error.unreachable", value=str(error).splitlines()[0])
        return EXIT_FAILED
    args.console.say("db.upgraded", revision=migrate.head_revision())
    return EXIT_OK


def current(args) -> int:
    async def work(database) -> int:
        revision = await migrate.current_revision(database.engine)
        args.console.say("db.current", current=revision or "-", head=migrate.head_revision())
        return EXIT_OK

    return run_on_database(args, work, migrated=False)
