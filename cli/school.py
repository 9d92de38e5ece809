"""``sodiem school init|set`` (``school days-off``: cli/days_off.py), ``sodiem classes add|list`` and
``sodiem subjects [set]``."""

from __future__ import annotations

from dataclasses import replace

from cli import days_off, school_tests, weekly
from cli.output import EXIT_BAD_INPUT, EXIT_OK, run_on_database, school_today
from cli.people import find_staff
from domain.attendance import ABSENCE_UNIT_SETTING, AbsenceUnit, absence_unit_of
from domain.calendar import SATURDAYS_SETTING, saturdays_closed
from domain.classes import SETTING as GRADES_SETTING
from domain.classes import checked_grades, plan_classes, shown_grades
from domain.errors import DomainError
from domain.leave import CUTOFF_SETTING, cutoff_of, read_cutoff
from domain.notices import APPROVER_SETTING
from domain.school import Level, School, Subject, SubjectKind, class_order, parse_year_name
from domain.setup import current_year_name, init_school
from domain.transfers import parse_day
from notifications.vapid import ensure_vapid_key, public_key_text, vapid_key, vapid_key_path
from storage.school_key import ensure_key_file, key_file_path
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    school = commands.add_parser("school", help="the school and its year")
    actions = school.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser("init", help="create the school, the year and the built-in subjects")
    init.add_argument("--name", required=True)
    init.add_argument("--level", choices=[level.value for level in Level], required=True)
    init.add_argument("--year", default=None, help="school year, e.g. 2025-2026 (default: the current one)")
    init.add_argument("--district", default="")
    init.add_argument("--province", default="")
    init.add_argument("--start", default=None, help="first day, dd/mm/yyyy")
    init.add_argument("--semester2", default=None, help="first day of semester II, dd/mm/yyyy")
    init.add_argument("--end", default=None, help="last day, dd/mm/yyyy")
    init.set_defaults(func=run_init)
    settings = actions.add_parser("set", help="school settings")
    settings.add_argument(
        "--sessions-per-day", type=int, choices=[1, 2], help="1: attendance by day; 2: morning and afternoon"
    )
    settings.add_argument(
        "--absence-unit",
        choices=[unit.value for unit in AbsenceUnit],
        help="what an absence counts as on report cards, the DBF and the year-end review:"
        " day (default) or session",
    )
    settings.add_argument(
        "--saturdays",
        choices=["open", "closed"],
        help="closed: the school does not open on Saturdays (leave requests and the attendance skip them);"
        " open by default",
    )
    settings.add_argument(
        "--regular-reentry",
        choices=["yes", "no"],
        help="teachers may re-enter regular (coefficient 1) columns while the book is open",
    )
    settings.add_argument("--signer", metavar="CODE", help="the vice-principal who may also sign (/kyso)")
    settings.add_argument(
        "--approver",
        metavar="STAFF",
        help="who approves notices when no other leader can (a principal's own, with no vice-principal);"
        " '-' for nobody",
    )
    settings.add_argument(
        "--leave-cutoff",
        metavar="HH:MM",
        help="leave requests for a day sent after this time (school time) are marked late (default 07:00)",
    )
    settings.add_argument(
        "--grades", help="the grades a combined school teaches, e.g. 6-12 (default: primary 1-5, THCS 6-9)"
    )
    weekly.add_arguments(settings)
    settings.set_defaults(func=run_settings)
    days_off.add_parser(actions)
    school_tests.add_parser(actions)

    classes = commands.add_parser("classes", help="classes of a school year")
    class_actions = classes.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = class_actions.add_parser("add", help="add classes, e.g. 6A 6B 7A")
    add.add_argument("names", nargs="+")
    add.add_argument("--year", default=None)
    add.set_defaults(func=run_add_classes)
    listing = class_actions.add_parser("list", help="list the classes of the year")
    listing.add_argument("--year", default=None)
    listing.set_defaults(func=run_list_classes)

    subjects = commands.add_parser("subjects", help="the subjects the school teaches")
    subjects.set_defaults(func=run_list_subjects)
    subject_actions = subjects.add_subparsers(dest="action", metavar="ACTION")
    change = subject_actions.add_parser("set", help="add a subject or change one (by code)")
    change.add_argument("code")
    change.add_argument("--name")
    change.add_argument("--kind", choices=[kind.value for kind in SubjectKind])
    change.add_argument("--periods", type=int, help="periods per year")
    change.add_argument("--grades", help="e.g. 6-9 or 10,11")
    change.add_argument("--periodic-test", choices=["yes", "no"], help="primary: has a periodic written test")
    change.set_defaults(func=run_set_subject)


def run_init(args) -> int:
    year = args.year or current_year_name(school_today())

    async def work(database) -> int:
        parse_year_name(year)
        dates = [parse_day(text) if text else None for text in (args.start, args.semester2, args.end)]
        async with UnitOfWork(database) as uow:
            school = School(args.name, Level(args.level), args.district, args.province)
            result = await init_school(uow.school, school, year, *dates)
            await uow.commit()
        console = args.console
        console.say("school.init.done", name=args.name, year=year)
        if ensure_key_file():
            console.say("key.created", path=str(key_file_path().resolve()))
        if ensure_vapid_key():
            console.say(
                "webpush.key.created",
                path=str(vapid_key_path().resolve()),
                public=public_key_text(vapid_key()),
            )
        console.say("school.init.year_added" if result.year_added else "school.init.year_kept", year=year)
        console.say("school.init.subjects", count=result.subjects_added)
        return EXIT_OK

    return run_on_database(args, work)


def run_add_classes(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            existing = await uow.school.class_rows(args.year)
            plan = plan_classes(args.names, existing, await uow.school.grades())
            added = await uow.school.add_classes(plan.to_add, args.year)
            await uow.commit()
        args.console.say("classes.added", count=len(added), names=", ".join(added) or "-")
        for skipped in plan.skipped:
            args.console.error(skipped.key, name=skipped.name, **skipped.params)
        refused = any(s.key in ("classes.skip.bad_name", "classes.skip.grade") for s in plan.skipped)
        return EXIT_BAD_INPUT if refused else EXIT_OK

    return run_on_database(args, work)


def run_list_classes(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database, read_only=True) as uow:
            rows = await uow.school.class_rows(args.year)
        t = args.console.t
        args.console.table(
            [t("classes.header.grade"), t("classes.header.name")],
            [(r.grade, r.name) for r in sorted(rows.values(), key=lambda r: class_order(r.name))],
        )
        return EXIT_OK

    return run_on_database(args, work)


def run_list_subjects(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database, read_only=True) as uow:
            subjects = await uow.school.subjects()
        t = args.console.t
        rows = [
            (
                s.code,
                s.name,
                t(f"subject.kind.{s.kind.value}"),
                s.periods_per_year,
                ",".join(map(str, s.grades)),
            )
            for s in subjects
        ]
        args.console.table(
            [
                t("subjects.header.code"),
                t("subjects.header.name"),
                t("subjects.header.kind"),
                t("subjects.header.periods"),
                t("subjects.header.grades"),
            ],
            rows,
        )
        return EXIT_OK

    return run_on_database(args, work)


def parse_grades(text: str) -> tuple[int, ...]:
    """'6-9' → (6, 7, 8, 9); '10,11' → (10, 11)."""
    grades: list[int] = []
    try:
        for part in text.replace(" ", "").split(","):
            first, _, last = part.partition("-")
            grades.extend(range(int(first), int(last or first) + 1))
    except ValueError as error:
        raise DomainError("subjects.error.bad_grades", value=text) from error
    if not grades or not all(1 <= grade <= 12 for grade in grades):
        raise DomainError("subjects.error.bad_grades", value=text)
    return tuple(sorted(set(grades)))


def run_set_subject(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            known = {s.code: s for s in await uow.school.subjects()}
            code = args.code.upper()
            subject = known.get(code)
            if subject is None:
                if not (args.name and args.kind and args.periods and args.grades):
                    raise DomainError("subjects.error.new_needs_all", value=code)
                subject = Subject(
                    code, args.name, SubjectKind(args.kind), args.periods, parse_grades(args.grades)
                )
            changes = {
                "name": args.name,
                "periods_per_year": args.periods,
                "kind": SubjectKind(args.kind) if args.kind else None,
                "grades": parse_grades(args.grades) if args.grades else None,
                "has_periodic_test": {"yes": True, "no": False}.get(args.periodic_test),
            }
            if args.periods is not None and args.periods <= 0:
                raise DomainError("subjects.error.bad_periods", value=args.periods)
            subject = replace(subject, **{k: v for k, v in changes.items() if v is not None})
            changed = await uow.school.save_subject(subject)
            await uow.commit()
        args.console.say(
            "subjects.saved" if changed else "subjects.unchanged",
            code=subject.code,
            name=subject.name,
            periods=subject.periods_per_year,
        )
        return EXIT_OK

    return run_on_database(args, work)


def run_settings(args) -> int:
    changes = {}
    if args.sessions_per_day is not None:
        changes["sessions_per_day"] = args.sessions_per_day
    if args.regular_reentry is not None:
        changes["regular_reentry"] = args.regular_reentry == "yes"
    per_year = {}
    if args.absence_unit is not None:
        per_year[ABSENCE_UNIT_SETTING] = args.absence_unit
    if args.saturdays is not None:
        per_year[SATURDAYS_SETTING] = args.saturdays == "closed"

    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            if args.signer is not None:
                from cli.signed import named_signer  # the signing modules, only for a signer

                changes["signer"] = await named_signer(args, uow)
            if args.approver:
                approver = None if args.approver == "-" else (await find_staff(uow, args.approver)).id
                changes[APPROVER_SETTING] = approver
            if args.leave_cutoff:
                changes[CUTOFF_SETTING] = read_cutoff(args.leave_cutoff).strftime("%H:%M")
            if args.grades:
                school = await uow.school.require_school()
                changes[GRADES_SETTING] = checked_grades(school.level, parse_grades(args.grades))
            year = (await uow.school.year_row()).name  # the current year's papers; a closed year's stay
            for key, value in per_year.items():
                await uow.calendar.set_year_setting(key, year, value)
            settings = await uow.school.change_settings(**changes)
            if weekly.asked(args):
                await weekly.apply(args, uow)
                await uow.commit()
                return EXIT_OK
            approver_name = await uow.notices.staff_name(settings.get(APPROVER_SETTING))
            grades = await uow.school.grades()
            await uow.commit()
        args.console.say(
            "school.settings",
            sessions=settings.get("sessions_per_day", 1),
            reentry=args.console.t("school.yes" if settings.get("regular_reentry") else "school.no"),
        )
        unit = absence_unit_of(settings, year)
        args.console.say("school.settings.absence_unit", unit=args.console.t(f"school.absence_unit.{unit}"))
        closed = saturdays_closed(settings, year)
        args.console.say("school.settings.saturdays_closed" if closed else "school.settings.saturdays_open")
        args.console.say("school.settings.approver", name=approver_name or "-")
        args.console.say("school.grades", grades=shown_grades(grades))
        args.console.say("school.set.leave_cutoff", cutoff=cutoff_of(settings).strftime("%H:%M"))
        return EXIT_OK

    return run_on_database(args, work)
