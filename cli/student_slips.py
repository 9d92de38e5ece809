"""``sodiem invite --students --class 6A [--out slips.pdf]`` (or ``--student HS001``): a code for each
student's own account, printed on slips like the parents' (with --out) or listed, one line a student."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from cli.people import bot_link, bot_name
from cli.slips import Slip, slips_pdf
from domain.identity import format_code
from locales import SCHOOL_TZ
from services.accounts import StudentCode, student_codes
from storage.uow import UnitOfWork


def run_student_codes(args) -> int:
    async def work(database) -> int:
        console = args.console
        if not (args.class_name or args.student) or (args.out and not args.class_name):
            console.error("students.cli.error.usage")
            return EXIT_FAILED
        if not 1 <= args.days <= 60:
            console.error("notices.slip.error.days", days=args.days)
            return EXIT_FAILED
        bot = await bot_name()
        if args.out and not bot:
            console.error("notices.slip.error.no_bot")
            return EXIT_FAILED
        lifetime = timedelta(days=args.days)
        async with UnitOfWork(database) as uow:
            codes = await student_codes(uow, args.class_name, args.student, datetime.now(UTC), lifetime)
            if args.out:
                school = await uow.school.require_school()
                slips = [_slip(found, args.class_name, bot) for found in codes]
                Path(args.out).write_bytes(slips_pdf(slips, school.name, args.class_name, console.t, True))
            await uow.commit()  # the codes exist only once they are printed or listed
        if args.out:
            console.say("students.cli.written", count=len(codes), path=args.out)
            return EXIT_OK
        for found in codes:
            link = f"  {bot_link(bot)}?start={found.invite.code}" if bot else ""
            print(f"{found.code}\t{found.name}\t{format_code(found.invite.code)}{link}")
        console.say("students.cli.listed", count=len(codes), expires=_expiry(codes))
        return EXIT_OK

    return run_on_database(args, work)


def _slip(found: StudentCode, class_name: str, bot: str) -> Slip:
    code = found.invite.code
    expires = found.invite.expires_at.astimezone(SCHOOL_TZ).date()
    return Slip(found.name, class_name, "", format_code(code), bot, f"{bot_link(bot)}?start={code}", expires)


def _expiry(codes: list[StudentCode]):
    return codes[0].invite.expires_at.astimezone(SCHOOL_TZ).date() if codes else None
