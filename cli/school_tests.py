"""``sodiem school tests``: the school's mid-term and end-of-term test weeks of each semester, which open
those columns and set the deadlines of their corrections (the defaults are the Ministry's usual ones)."""

from __future__ import annotations

from cli.output import EXIT_OK, run_on_database
from domain.calendar import days_in_no_semester, read_days, with_semester_two_from, with_test_windows
from domain.errors import DomainError
from domain.report_card import Period
from domain.transfers import parse_day
from storage.uow import UnitOfWork

DAYS_HELP = "dd/mm/yyyy-dd/mm/yyyy"


def add_parser(actions) -> None:
    tests = actions.add_parser("tests", help="the mid-term and end-of-term test weeks of each semester")
    tests.add_argument("--semester", type=int, choices=[1, 2], default=None, help="the semester to change")
    tests.add_argument("--midterm", metavar="DAYS", default=None, help=DAYS_HELP)
    tests.add_argument("--final", metavar="DAYS", default=None, help=DAYS_HELP)
    tests.add_argument("--semester2", default=None, help="first day of semester II, dd/mm/yyyy")
    tests.add_argument("--year", default=None, help="school year, e.g. 2025-2026 (default: the newest)")
    tests.set_defaults(func=run_tests)


def run_tests(args) -> int:
    changing = args.midterm is not None or args.final is not None

    async def work(database) -> int:
        if changing and args.semester is None:
            raise DomainError("schoolyear.tests.which_semester")
        async with UnitOfWork(database) as uow:
            year = await uow.school.year(args.year)
            if args.semester2:
                for semester in with_semester_two_from(year, parse_day(args.semester2)):
                    await uow.calendar.save_semester(year.name, semester)
                await uow.commit()
                year = await uow.school.year(year.name)
                args.console.say("schoolyear.tests.saved")
            if changing:
                semester = year.semesters[args.semester - 1]
                midterm = read_days(args.midterm) if args.midterm else None
                final = read_days(args.final) if args.final else None
                moved = with_test_windows(semester, midterm, final)
                changed = await uow.calendar.save_semester(year.name, moved)
                released = await _midterm_cards_released(uow, year.name, semester.number)
                await uow.commit()
                year = await uow.school.year(year.name)
                args.console.say("schoolyear.tests.saved" if changed else "schoolyear.tests.unchanged")
                if released and moved.midterm_end != semester.midterm_end:
                    args.console.say(
                        "schoolyear.tests.cards_released", semester=semester.number, count=released
                    )
        for semester in year.semesters:
            args.console.say(
                "schoolyear.tests.shown",
                semester=semester.number,
                year=year.name,
                start=semester.start,
                end=semester.end,
                midterm_first=semester.midterm_start,
                midterm_last=semester.midterm_end,
                final_first=semester.final_start,
                final_last=semester.final_end,
            )
        gap = days_in_no_semester(year)
        if gap:
            args.console.say("schoolyear.tests.gap", first=gap[0], last=gap[1], day=gap[0])
        return EXIT_OK

    return run_on_database(args, work)


async def _midterm_cards_released(uow: UnitOfWork, year_name: str, semester: int) -> int:
    """How many classes of the year have released their mid-term cards of the semester: the absences on
    them count up to the mid-term test week's last day."""
    classes = {row.id for row in (await uow.school.class_rows(year_name)).values()}
    period = Period(f"mid{semester}").value
    return sum(
        1
        for each in await uow.released.latest_periods()
        if each.class_id in classes and each.period == period
    )
