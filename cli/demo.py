"""``sodiem demo``: the demo school, through the same imports an administrator uses."""

from __future__ import annotations

from datetime import date

from cli.output import EXIT_OK, run_on_database
from domain import demo
from domain.roster import import_roster
from domain.school import Level, School
from domain.setup import current_year_name, init_school
from domain.staff import import_staff
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    parser = commands.add_parser("demo", help="create the demo school (running it twice changes nothing)")
    parser.add_argument("--year", default=None, help="school year (default: the current one)")
    parser.set_defaults(func=run)


async def create_demo_school(database, year: str) -> tuple:
    today = date.today()
    async with UnitOfWork(database) as uow:
        setup = await init_school(
            uow.school, School(demo.SCHOOL_NAME, Level.SECONDARY, demo.DISTRICT, demo.PROVINCE), year
        )
        roster = await import_roster(uow.roster, year, demo.roster_table(year), today, create_classes=True)
        staff = await import_staff(uow.staff, year, demo.staff_table(), today)
        await uow.commit()
    return setup, roster, staff


def run(args) -> int:
    year = args.year or current_year_name(date.today())

    async def work(database) -> int:
        setup, roster, staff = await create_demo_school(database, year)
        changed = (
            setup.school_changed or setup.year_added or roster.changes_anything or staff.changes_anything
        )
        args.console.say(
            "demo.created" if changed else "demo.unchanged",
            name=demo.SCHOOL_NAME,
            year=year,
            classes=len(demo.class_names()),
            students=roster.total,
            staff=len(staff.entries),
        )
        return EXIT_OK

    return run_on_database(args, work)
