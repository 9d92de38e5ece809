"""``sodiem year new 2026-2027``: the preview, then (``--yes`` or a typed confirmation) the next school
year in one transaction. See docs/year.md."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from domain.errors import DomainError
from domain.names import sort_by_name
from domain.new_year import (
    Placement,
    Plan,
    Unsettled,
    check_next,
    new_year_dates,
    plan_new_year,
    read_mapping,
)
from domain.transfers import parse_day
from storage.changes import system_author
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    year = commands.add_parser("year", help="the school year: start the next one")
    actions = year.add_subparsers(dest="action", required=True, metavar="ACTION")
    new = actions.add_parser("new", help="preview, then create the next school year from the approved lists")
    new.add_argument("name", help="e.g. 2026-2027")
    new.add_argument("--yes", action="store_true", help="carry it out without asking")
    new.add_argument("--mapping", type=Path, default=None, help="CSV old,new: where each class goes up to")
    new.add_argument(
        "--unsettled",
        choices=[u.value for u in Unsettled],
        default=None,
        help="retain: keep students without an approved final status in their grade",
    )
    new.add_argument("--last-grade", type=int, default=None, help="default: the highest grade of the year")
    new.add_argument("--start", default=None, help="first day, dd/mm/yyyy")
    new.add_argument("--semester2", default=None, help="first day of semester II, dd/mm/yyyy")
    new.add_argument("--end", default=None, help="last day, dd/mm/yyyy")
    new.set_defaults(func=run_new)


def _mapping_rows(path: Path | None) -> list[list[str]]:
    if path is None:
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))
    except OSError as error:
        raise DomainError("schoolyear.error.mapping_file", path=str(path)) from error


def run_new(args) -> int:
    dates = {
        key: parse_day(getattr(args, key)) for key in ("start", "semester2", "end") if getattr(args, key)
    }
    rows = _mapping_rows(args.mapping)
    unsettled = Unsettled(args.unsettled) if args.unsettled else None

    async def plan_in(uow: UnitOfWork):
        old = await uow.school.year_row()
        check_next(old.name, args.name, await uow.new_year.year_exists(args.name), old.closed)
        new_year = new_year_dates(args.name, dates.get("start"), dates.get("semester2"), dates.get("end"))
        classes, members = await uow.new_year.closing(old)
        mapping = read_mapping(rows, {c.name: c for c in classes})
        last = args.last_grade or max((c.grade for c in classes), default=0)
        return plan_new_year(old.name, new_year, classes, members, last, mapping, unsettled), old

    async def work(database) -> int:
        # the preview reads only: while the administrator reads it and types, the bot keeps writing
        async with UnitOfWork(database, read_only=True) as uow:
            plan, _ = await plan_in(uow)
        preview(args.console, plan)
        if plan.blocked:
            args.console.error("schoolyear.new.blocked")
            return EXIT_FAILED
        if not args.yes and not sys.stdin.isatty():
            args.console.say("schoolyear.new.how_to_confirm")
            return EXIT_OK
        if not args.yes and not _confirmed(args.console):
            args.console.say("schoolyear.new.not_done", year=args.name)
            return EXIT_OK
        async with UnitOfWork(database) as uow:
            again, old = await plan_in(uow)  # checked again: something may have changed meanwhile
            if again != plan:
                args.console.error("schoolyear.new.changed", year=args.name)
                return EXIT_FAILED
            copied = await uow.new_year.carry_out(again, old, system_author("cli"))
            await uow.commit()
        args.console.say("schoolyear.new.done", year=args.name, old=old.name, classes=len(plan.new_classes))
        args.console.say("schoolyear.new.assignments", count=copied, year=args.name)
        return EXIT_OK

    return run_on_database(args, work)


def _confirmed(console) -> bool:
    answer = input(console.t("schoolyear.new.ask") + " ")
    return answer.strip().lower() in ("c", "có", "y", "yes")


def preview(console, plan: Plan) -> None:
    say, t = console.say, console.t
    year = plan.new_year
    say("schoolyear.new.title", year=year.name, old=plan.old_year, start=year.start, end=year.end)
    for semester in year.semesters:
        say("schoolyear.new.semester", number=semester.number, start=semester.start, end=semester.end)
    for class_plan in plan.classes:
        old = class_plan.old
        promoted, retained = class_plan.of(Placement.PROMOTED), class_plan.of(Placement.RETAINED)
        finished, unsettled = class_plan.of(Placement.FINISHED), class_plan.of(Placement.UNSETTLED)
        say("schoolyear.new.class", name=old.name, count=len(class_plan.moves))
        if promoted:
            say("schoolyear.new.promoted", count=len(promoted), target=class_plan.promoted_to)
        if finished:
            say("schoolyear.new.finished", count=len(finished), grade=old.grade)
        if retained:
            say("schoolyear.new.retained", count=len(retained), target=old.name, names=_names(retained))
        if not old.approved:  # the whole class waits: named once, not student by student
            target = unsettled[0].target if unsettled and unsettled[0].target else "—"
            say("schoolyear.new.unapproved", name=old.name, count=len(unsettled), target=target)
            continue
        for move in sort_by_name(unsettled, name=lambda m: m.member.full_name):
            outcome = move.member.outcome
            status = t(f"year_end.outcome.{outcome.value}") if outcome else t("schoolyear.new.no_outcome")
            say(
                "schoolyear.new.unsettled",
                name=move.member.full_name,
                code=move.member.code,
                status=status,
                target=move.target or "—",
            )
    if plan.unapproved:
        say("schoolyear.new.unapproved_all", names=", ".join(plan.unapproved))


def _names(moves) -> str:
    return ", ".join(sort_by_name([m.member.full_name for m in moves]))
