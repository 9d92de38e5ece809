"""``sodiem school days-off add|list|remove``: the school's own days off of a year (Tết, Giỗ Tổ Hùng Vương,
the province's or the school's breaks), which the attendance pages head «Nghỉ» and shade."""

from __future__ import annotations

from cli.output import EXIT_OK, run_on_database
from domain.calendar import DayOff, day_off, with_day_off, without_day_off
from storage.uow import UnitOfWork


def add_parser(actions) -> None:
    days_off = actions.add_parser("days-off", help="the school's days off of a year (Tết, its own breaks)")
    commands = days_off.add_subparsers(dest="days_off_action", required=True, metavar="ACTION")
    add = commands.add_parser("add", help="record a day off or a range of days off")
    add.add_argument("days", metavar="DAYS", help="dd/mm/yyyy or dd/mm/yyyy-dd/mm/yyyy")
    add.add_argument("name", metavar="NAME", help='a short name, e.g. "Tết Nguyên đán"')
    add.set_defaults(func=run_add)
    listing = commands.add_parser("list", help="list the days off of the year")
    listing.set_defaults(func=run_list)
    remove = commands.add_parser("remove", help="remove the days off that cover a date")
    remove.add_argument("day", metavar="DATE", help="dd/mm/yyyy")
    remove.set_defaults(func=run_remove)
    for command in (add, listing, remove):
        command.add_argument("--year", default=None, help="school year, e.g. 2025-2026 (default: the newest)")


def run_add(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            year = await uow.school.year(args.year)
            new = day_off(args.days, args.name)
            await uow.calendar.save_days_off(
                year.name, with_day_off(await uow.calendar.days_off(year.name), new, year)
            )
            absent = await uow.attendance.absences_between(new.first, new.last)
            await uow.commit()
        args.console.say("schoolyear.days_off.added", **_shown(new, args.console.t), year=year.name)
        if absent:  # kept and counted: the page shows them in the shaded column for someone to look at
            args.console.say("schoolyear.days_off.absences_there", count=absent)
        return EXIT_OK

    return run_on_database(args, work)


def run_remove(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            year = await uow.school.year(args.year)
            removed, kept = without_day_off(await uow.calendar.days_off(year.name), args.day)
            await uow.calendar.save_days_off(year.name, kept)
            await uow.commit()
        args.console.say("schoolyear.days_off.removed", **_shown(removed, args.console.t), year=year.name)
        return EXIT_OK

    return run_on_database(args, work)


def run_list(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database, read_only=True) as uow:
            year = await uow.school.year(args.year)
            days_off = await uow.calendar.days_off(year.name)
        console, t = args.console, args.console.t
        if not days_off:
            console.say("schoolyear.days_off.none", year=year.name)
            return EXIT_OK
        console.say("schoolyear.days_off.title", year=year.name)
        header = [t(f"schoolyear.days_off.header.{key}") for key in ("first", "last", "days", "name")]
        rows = [(t.date(d.first), t.date(d.last), (d.last - d.first).days + 1, d.name) for d in days_off]
        console.table(header, rows)
        return EXIT_OK

    return run_on_database(args, work)


def _shown(days_off: DayOff, t) -> dict:
    """Its name and its days: one date, or the first and the last."""
    days = [t.date(day) for day in dict.fromkeys((days_off.first, days_off.last))]
    return {"name": days_off.name, "days": "–".join(days)}
