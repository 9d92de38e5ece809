"""``sodiem demo``: the demo school, through the same imports an administrator uses."""

from __future__ import annotations

from datetime import UTC, datetime, time

from cli.demo_primary import create_primary_demo_school, fill_primary_year
from cli.output import EXIT_OK, run_on_database, school_today
from domain import demo, demo_primary
from domain.roster import import_roster
from domain.school import Level, School, SubjectKind, class_order
from domain.setup import current_year_name, init_school
from domain.staff import import_staff
from storage.school_key import ensure_key_file, key_file_path
from storage.uow import UnitOfWork


def add_parser(commands) -> None:
    parser = commands.add_parser("demo", help="create the demo school (running it twice changes nothing)")
    parser.add_argument("--year", default=None, help="school year (default: the current one)")
    parser.add_argument(
        "--fill",
        action="store_true",
        help="also fill a plausible first semester: attendance, every score column, conduct "
        "(primary: the whole year, with the ratings of qualities and competencies)",
    )
    parser.add_argument(
        "--level",
        choices=("secondary", "primary"),
        default="secondary",
        help="a lower-secondary school (TT22, grades 6-9) or a primary school (TT27, grades 1-5)",
    )
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help="on a database that holds a real school, leave it as it is and succeed (make run uses it)",
    )
    parser.set_defaults(func=run)


async def create_demo_school(database, year: str, letters: str = "".join(demo.CLASS_LETTERS)) -> tuple:
    """The demo school; more class ``letters`` make a bigger one (benchmarks)."""
    today = school_today()
    async with UnitOfWork(database) as uow:
        demo.check_room_for_demo(await uow.school.school())
        setup = await init_school(
            uow.school, School(demo.SCHOOL_NAME, Level.SECONDARY, demo.DISTRICT, demo.PROVINCE), year
        )
        table = demo.roster_table(year, letters=letters)
        roster = await import_roster(uow.roster, year, table, today, create_classes=True)
        staff = await import_staff(uow.staff, year, demo.staff_table(), today)
        await demo.record_days_off(uow.calendar, await uow.school.year(year))
        await uow.commit()
    return setup, roster, staff


def run(args) -> int:
    year = args.year or current_year_name(school_today())

    async def work(database) -> int:
        primary = args.level == "primary"
        create = create_primary_demo_school if primary else create_demo_school
        try:
            setup, roster, staff = await create(database, year)
        except demo.RealSchoolPresent as present:
            if not args.if_empty:
                raise
            args.console.say("demo.kept_real_school", **present.params)
            return EXIT_OK
        if ensure_key_file():  # the demo school is a school: its trail is sealed with a key of its own
            args.console.say("key.created", path=str(key_file_path().resolve()))
        changed = (
            setup.school_changed or setup.year_added or roster.changes_anything or staff.changes_anything
        )
        args.console.say(
            "demo.created" if changed else "demo.unchanged",
            name=demo_primary.SCHOOL_NAME if primary else demo.SCHOOL_NAME,
            year=year,
            classes=len(demo_primary.class_names() if primary else demo.class_names()),
            students=roster.total,
            staff=len(staff.entries),
        )
        if args.fill and primary:
            args.console.say("demo.filled_primary", **await fill_primary_year(database))
        elif args.fill:
            args.console.say("demo.filled", **await fill_first_semester(database))
        return EXIT_OK

    return run_on_database(args, work)


async def fill_first_semester(database) -> dict[str, int]:
    """Semester I of the newest year, class by class, through the same stores the chat writes with."""
    return await fill_semester(database, 1)


async def fill_semester(database, number: int) -> dict[str, int]:
    """A semester of the newest year filled as ``sodiem demo --fill`` fills semester I."""
    import random

    from domain.columns import offered_columns
    from domain.entry import Student
    from domain.evaluation import rules_for
    from locales import translator
    from storage.changes import Author

    t_vi = translator("vi")  # comments are written in Vietnamese, as report cards print them
    counts = {"values": 0, "absences": 0, "conduct": 0, "comments": 0}
    async with UnitOfWork(database) as uow:
        year = await uow.school.year()
        year_row = await uow.school.year_row()
        semester = year.semesters[number - 1]
        days_off = await uow.calendar.days_off(year.name)
        author = Author(None, "demo", "", datetime.combine(semester.end, time(17), UTC))
        rows = sorted((await uow.school.subject_rows()).values(), key=lambda row: row.code)
        subjects = [(row.id, await uow.gradebook.subject(row.id)) for row in rows]
        for class_row in sorted((await uow.school.class_rows()).values(), key=lambda c: class_order(c.name)):
            rng = random.Random(f"{year.name}/{class_row.name}")
            students = [
                Student(s.id, s.full_name) for s in await uow.roster.class_list(class_row.name, year.name)
            ]
            ability = {s.id: demo.student_ability(rng) for s in students}
            rules = rules_for(year.name, class_row.grade)
            for subject_id, subject in (pair for pair in subjects if class_row.grade in pair[1].grades):
                for offered in offered_columns(rules, subject, class_row.grade):
                    column = offered.column
                    values = {
                        s.id: demo.comment_mark(rng, ability[s.id])
                        if column.marks
                        else demo.score_near(rng, ability[s.id], column.integer)
                        for s in students
                    }
                    saved = await uow.gradebook.save_column(
                        class_row.id, subject_id, year_row.id, number, column, values, author
                    )
                    counts["values"] += saved.saved
                if subject.kind is not SubjectKind.COMMENT:
                    for student in students:
                        text = t_vi(demo.comment_key(rng, ability[student.id]))
                        counts["comments"] += await uow.gradebook.save_comment(
                            student.id, subject_id, year_row.id, number, text, author
                        )
            levels = ("Tốt", "Khá", "Đạt", "Chưa đạt")
            conduct = {s.id: demo.conduct_level(rng, levels) for s in students}
            saved = await uow.gradebook.save_conduct(year_row.id, number, conduct, author)
            counts["conduct"] += saved.saved
            ids = [s.id for s in students]
            for day in demo.school_days(semester.start, semester.end, days_off):
                marks = {sid: mark for sid in ids if (mark := demo.absence_mark(rng))}
                counts["absences"] += (
                    await uow.attendance.save_day(class_row.id, day, 0, ids, marks, author)
                ).changed
        await uow.commit()
    return counts
