"""``sodiem students --class 6A``: the class list in Vietnamese order."""

from __future__ import annotations

from cli.output import EXIT_OK, run_on_database
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    parser = commands.add_parser("students", help="the class list, sorted the Vietnamese way")
    parser.add_argument("--class", dest="class_name", required=True)
    parser.add_argument("--year", default=None)
    parser.set_defaults(func=run)


def run(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database, read_only=True) as uow:
            year = await uow.school.year_row(args.year)
            entries = await uow.roster.class_list(args.class_name, year.name)
        console = args.console
        t = console.t
        console.say("students.title", name=args.class_name.upper(), year=year.name, count=len(entries))
        rows = [
            (
                number,
                e.code,
                e.full_name,
                t.date(e.date_of_birth),
                t(f"gender.{e.gender.value}") if e.gender else "",
            )
            for number, e in enumerate(entries, start=1)
        ]
        console.table(
            [
                t("students.header.number"),
                t("students.header.code"),
                t("students.header.name"),
                t("students.header.birth"),
                t("students.header.gender"),
            ],
            rows,
        )
        return EXIT_OK

    return run_on_database(args, work)
