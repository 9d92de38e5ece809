"""``sodiem staff add|revoke`` and ``sodiem invite``: people and their one-time codes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from cli.output import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, Console, run_on_database, school_today
from domain.errors import NotFound
from domain.identity import PersonKind, PersonRef, create_invite, format_code
from domain.importing import ImportRejected, Table
from domain.school import Role
from domain.staff import HEADER_OF, STAFF_COLUMNS, import_staff
from storage.models import StaffRow
from storage.uow import UnitOfWork

ROLE_WORDS = {
    Role.PRINCIPAL: "Hiệu trưởng",
    Role.VICE_PRINCIPAL: "Phó hiệu trưởng",
    Role.ADMIN: "Quản trị",
    Role.DEPARTMENT_HEAD: "Tổ trưởng",
    Role.TEACHER: "Giáo viên",
    Role.NURSE: "Nhân viên y tế",
}
# `staff add` goes through the staff import: its problems are told by option, not by file column
OPTION_OF_COLUMN = {
    HEADER_OF["code"]: "--code",
    HEADER_OF["full_name"]: "--name",
    HEADER_OF["phone"]: "--phone",
    HEADER_OF["roles"]: "--role",
    HEADER_OF["homeroom"]: "--homeroom",
    HEADER_OF["teaching"]: "--teaches",
}
WORDING_FOR_COMMAND = {"import.error.unknown_class": "people.error.unknown_class"}


def add_parser(commands) -> None:
    staff = commands.add_parser("staff", help="add a staff member or unlink their phone")
    actions = staff.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a person with roles and assignments")
    add.add_argument("--name", required=True)
    add.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    add.add_argument("--code", default=None, help="staff code (default: the next free CBnnn)")
    add.add_argument("--phone", default="")
    add.add_argument("--homeroom", default="", metavar="CLASS")
    add.add_argument("--teaches", nargs="*", default=[], metavar="CLASS:SUBJECT")
    add.set_defaults(func=run_add)
    revoke = actions.add_parser("revoke", help="unlink the person's chat accounts at once")
    revoke.add_argument("staff", metavar="ID", help="staff code or number")
    revoke.set_defaults(func=run_revoke)

    invite = commands.add_parser("invite", help="a one-time code and link for a person to join the bot")
    who = invite.add_mutually_exclusive_group(required=True)
    who.add_argument("--staff", metavar="ID", help="staff code or number")
    who.add_argument("--guardian", action="store_true", help="for a parent of --student")
    who.add_argument("--guardians", action="store_true", help="slips for the parents of --class, as PDF")
    who.add_argument(
        "--students",
        action="store_true",
        help="codes for the students themselves: of --class (slips with --out, else a list) or one --student",
    )
    invite.add_argument("--student", metavar="CODE", help="the student's code (with --guardian)")
    invite.add_argument("--class", dest="class_name", metavar="CLASS", help="the class (with --guardians)")
    invite.add_argument("--out", metavar="FILE.pdf", help="where to write the slips (with --guardians)")
    invite.add_argument("--days", type=int, default=14, help="days the slips' codes stay valid (14)")
    invite.set_defaults(func=run_invite)


async def find_staff(uow: UnitOfWork, key: str) -> StaffRow:
    query = select(StaffRow).where((StaffRow.code == key) | (StaffRow.phone == key))
    if key.isdigit():
        query = select(StaffRow).where(
            (StaffRow.id == int(key)) | (StaffRow.code == key) | (StaffRow.phone == key)
        )
    row = await uow.session.scalar(query.limit(1))
    if row is None:
        raise NotFound("people.error.no_staff", value=key)
    return row


def run_add(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            year = (await uow.school.year_row()).name
            code = args.code or await _next_code(uow)
            row = [
                code,
                args.name,
                args.phone,
                ", ".join(ROLE_WORDS[Role(r)] for r in args.role),
                "",
                args.homeroom,
                "; ".join(args.teaches),
            ]
            headers = [column.aliases[0] for column in STAFF_COLUMNS[:7]]
            try:
                await import_staff(uow.staff, year, Table(headers, [(1, row)]), school_today())
            except ImportRejected as rejected:
                _explain_by_option(args.console, rejected)
                return EXIT_BAD_INPUT
            await uow.commit()
            added = await find_staff(uow, code)
        args.console.say("people.added", name=added.full_name, id=added.code)
        return EXIT_OK

    return run_on_database(args, work)


def _explain_by_option(console: Console, rejected: ImportRejected) -> None:
    for problem in rejected.problems:
        message = console.t(WORDING_FOR_COMMAND.get(problem.key, problem.key), **problem.params)
        option = OPTION_OF_COLUMN.get(problem.column or "", "sodiem staff add")
        console.error("people.error.by_option", option=option, message=message)


async def _next_code(uow: UnitOfWork) -> str:
    codes = set(await uow.session.scalars(select(StaffRow.code)))
    number = 1
    while f"CB{number:03d}" in codes:
        number += 1
    return f"CB{number:03d}"


def run_revoke(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            staff = await find_staff(uow, args.staff)
            count, codes = await uow.identity.revoke_staff(staff.id, datetime.now(UTC))
            await uow.commit()
        args.console.say("people.revoked_with_codes", name=staff.full_name, count=count, codes=codes)
        return EXIT_OK

    return run_on_database(args, work)


def run_invite(args) -> int:
    if args.guardians:
        from cli.guardian_slips import run_guardian_slips

        return run_guardian_slips(args)
    if args.students:
        from cli.student_slips import run_student_codes

        return run_student_codes(args)

    async def work(database) -> int:
        if args.guardian and not args.student:
            args.console.error("people.error.guardian_needs_student")
            return EXIT_FAILED
        async with UnitOfWork(database) as uow:
            if args.staff:
                staff = await find_staff(uow, args.staff)
                person, student_id, name = PersonRef(PersonKind.STAFF, staff.id), None, staff.full_name
            else:
                student_id = await uow.identity.student_id(args.student)
                if student_id is None:
                    raise NotFound("people.error.no_student", value=args.student)
                person, name = None, args.student
            invite = await create_invite(uow.identity, person, datetime.now(UTC), student_id)
            await uow.commit()
        console = args.console
        console.say("people.invite", name=name, code=format_code(invite.code), expires=invite.expires_at)
        bot = await bot_name()
        if bot:
            print(f"{bot_link(bot)}?start={invite.code}")
        else:
            console.say("people.invite.no_bot_name", code=format_code(invite.code))
        return EXIT_OK

    return run_on_database(args, work)


def bot_link(name: str) -> str:
    return f"https://t.me/{name}"


async def bot_name() -> str | None:
    """The bot's @username without the @: SODIEM_TELEGRAM_BOT_USERNAME, else asked of the Bot API when
    a token is configured; None when neither tells."""
    import os

    from telegram import Bot
    from telegram.error import TelegramError

    from bot.config import load_settings

    name = os.environ.get("SODIEM_TELEGRAM_BOT_USERNAME", "").lstrip("@")
    settings = load_settings()
    if not name and settings.token:
        try:
            async with Bot(settings.token, base_url=settings.api_url) as bot:
                name = bot.username
        except TelegramError:
            name = None
    return name or None
