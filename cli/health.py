"""``sodiem health import FILE --class 6A``: a class's periodic health checks from a sheet, all or
nothing, every problem of the file named in one run (services/health.py)."""

from __future__ import annotations

from pathlib import Path

from cli.output import EXIT_OK, run_on_database, school_today, utc_now
from domain.school import normalise_class_name
from services.health import import_sheet
from storage.models import ImportLogRow
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    parser = commands.add_parser("health", help="the school nurse's health checks")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    sheet = actions.add_parser(
        "import", help="import one class's health checks from .xlsx or .csv (see docs/health.md)"
    )
    sheet.add_argument("file", type=Path)
    sheet.add_argument(
        "--class", dest="class_name", required=True, help="the class the sheet is for, e.g. 6A"
    )
    sheet.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    sheet.set_defaults(func=run_import)


def run_import(args) -> int:
    class_name = normalise_class_name(args.class_name)

    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            saved = await import_sheet(uow, None, args.file, class_name, school_today(), utc_now())
            summary = {"class": class_name, "added": saved.added, "replaced": saved.replaced}
            if not args.dry_run:
                uow.session.add(ImportLogRow(kind="health", file_name=args.file.name, summary=summary))
                await uow.commit()
        if args.dry_run:
            args.console.say("import.dry_run")
        key = "health.import.would_import" if args.dry_run else "health.import.summary"
        count = saved.added + saved.replaced
        args.console.say(key, class_name=class_name, count=count, added=saved.added, replaced=saved.replaced)
        return EXIT_OK

    return run_on_database(args, work)
