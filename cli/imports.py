"""``sodiem import roster FILE`` and ``sodiem import staff FILE``: all or nothing, with a report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cli.output import EXIT_OK, Console, run_on_database, school_today
from domain.roster import ROSTER_COLUMNS, RosterPlan, import_roster
from domain.staff import STAFF_COLUMNS, StaffPlan, import_staff
from storage.models import ImportLogRow
from storage.tabular import read_table
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    parser = commands.add_parser("import", help="import class lists or the staff list from .xlsx or .csv")
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    roster = kinds.add_parser("roster", help="class lists (see docs/import-formats.md)")
    roster.add_argument("file", type=Path)
    roster.add_argument("--year", default=None, help="school year (default: the newest)")
    roster.add_argument("--create-classes", action="store_true", help="add classes the file names")
    roster.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    roster.set_defaults(func=run_roster)
    staff = kinds.add_parser("staff", help="staff, roles and assignments (see docs/import-formats.md)")
    staff.add_argument("file", type=Path)
    staff.add_argument("--year", default=None)
    staff.add_argument("--dry-run", action="store_true")
    staff.set_defaults(func=run_staff)


async def roster_from_file(
    database, path: Path, year: str | None, create_classes: bool = False, dry_run: bool = False
) -> RosterPlan:
    table = read_table(path, ROSTER_COLUMNS)
    async with UnitOfWork(database) as uow:
        year_name = (await uow.school.year_row(year)).name
        plan = await import_roster(uow.roster, year_name, table, school_today(), create_classes)
        if plan.changes_anything and not dry_run:
            uow.session.add(ImportLogRow(kind="roster", file_name=path.name, summary=_roster_summary(plan)))
            await uow.commit()
    return plan


async def staff_from_file(database, path: Path, year: str | None, dry_run: bool = False) -> StaffPlan:
    table = read_table(path, STAFF_COLUMNS)
    async with UnitOfWork(database) as uow:
        year_name = (await uow.school.year_row(year)).name
        plan = await import_staff(uow.staff, year_name, table, school_today())
        if plan.changes_anything and not dry_run:
            uow.session.add(ImportLogRow(kind="staff", file_name=path.name, summary=_staff_summary(plan)))
            await uow.commit()
    return plan


def run_roster(args) -> int:
    async def work(database) -> int:
        plan = await roster_from_file(database, args.file, args.year, args.create_classes, args.dry_run)
        report_roster(args.console, plan, args.dry_run)
        return EXIT_OK

    return run_on_database(args, work)


def run_staff(args) -> int:
    async def work(database) -> int:
        plan = await staff_from_file(database, args.file, args.year, args.dry_run)
        report_staff(args.console, plan, args.dry_run)
        return EXIT_OK

    return run_on_database(args, work)


def _roster_summary(plan: RosterPlan) -> dict[str, int]:
    return {
        "new": len(plan.new_students),
        "changed": len(plan.updated),
        "moved": len(plan.moves),
        "unchanged": plan.unchanged,
        "new_classes": len(plan.new_classes),
    }


def _staff_summary(plan: StaffPlan) -> dict[str, int]:
    return {
        "new": len(plan.new_staff),
        "changed": len({c[0] for c in plan.changes}),
        "homerooms": len(plan.homeroom_changes),
        "teaching": len(plan.teaching_changes),
    }


def report_roster(console: Console, plan: RosterPlan, dry_run: bool = False) -> None:
    if dry_run:
        console.say("import.dry_run")
    if not plan.changes_anything:
        console.say("import.nothing_changed", count=plan.unchanged)
    else:
        key = "import.roster.would_import" if dry_run else "import.roster.summary"
        console.say(key, **_roster_summary(plan))
    if plan.new_classes:
        console.say("import.roster.new_classes", names=", ".join(plan.new_classes))
    t = console.t
    for change in plan.changes:
        console.say(
            "import.change",
            code=change.code,
            field=t(f"field.{change.field}"),
            old=_shown(console, change.old),
            new=_shown(console, change.new),
        )
    for entry, old_class in plan.moves:
        if old_class:
            console.say(
                "import.roster.moved",
                code=entry.code,
                name=entry.full_name,
                old=old_class,
                new=entry.class_name,
            )
    if plan.not_in_file:
        console.say(
            "import.roster.not_in_file", count=len(plan.not_in_file), codes=", ".join(plan.not_in_file)
        )


def report_staff(console: Console, plan: StaffPlan, dry_run: bool = False) -> None:
    if dry_run:
        console.say("import.dry_run")
    if not plan.changes_anything:
        console.say("import.nothing_changed", count=plan.unchanged)
        return
    key = "import.staff.would_import" if dry_run else "import.staff.summary"
    console.say(key, **_staff_summary(plan))
    t = console.t
    for key, field, old, new in plan.changes:
        console.say(
            "import.change",
            code=key,
            field=t(f"field.{field}"),
            old=_shown(console, old),
            new=_shown(console, new),
        )
    for class_name, old, new in plan.homeroom_changes:
        console.say("import.staff.homeroom", value=class_name, old=old or "-", new=new)
    for class_name, subject, old, new in plan.teaching_changes:
        console.say("import.staff.teaching", value=f"{class_name}:{subject}", old=old or "-", new=new)


def _shown(console: Console, value: object) -> str:
    if isinstance(value, date):
        return console.t.date(value)
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(console.t(f"role.{v}") for v in value)) or "-"
    if isinstance(value, tuple):
        return "; ".join(f"{g.full_name} {g.phone}".strip() for g in value) or "-"
    if hasattr(value, "value"):
        return console.t(f"gender.{value.value}")
    return str(value) if value not in (None, "") else "-"
