"""``sodiem invite --guardians --class 6A --out slips.pdf``: a code for each guardian of the class's
students, printed on slips with the QR code of the bot's deep link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from cli.people import bot_link, bot_name
from cli.slips import Slip, slips_pdf
from domain.identity import PersonKind, PersonRef, create_invite, format_code
from locales import SCHOOL_TZ
from storage.uow import UnitOfWork


def run_guardian_slips(args) -> int:
    async def work(database) -> int:
        console = args.console
        if not args.class_name or not args.out:
            console.error("notices.slip.error.usage")
            return EXIT_FAILED
        if not 1 <= args.days <= 60:
            console.error("notices.slip.error.days", days=args.days)
            return EXIT_FAILED
        bot = await bot_name()
        if not bot:
            console.error("notices.slip.error.no_bot")
            return EXIT_FAILED
        now = datetime.now(UTC)
        async with UnitOfWork(database) as uow:
            school = await uow.school.require_school()
            students = await uow.roster.class_list(args.class_name)  # NotFound names a wrong class
            guardians = await uow.recipients.guardians_on_record([s.id for s in students])
            slips = []
            for student in students:
                for guardian_id, name in guardians.get(student.id) or [(None, "")]:
                    person = PersonRef(PersonKind.GUARDIAN, guardian_id) if guardian_id else None
                    invite = await create_invite(
                        uow.identity, person, now, student.id, lifetime=timedelta(days=args.days)
                    )
                    slips.append(
                        Slip(
                            student.full_name,
                            args.class_name,
                            name,
                            format_code(invite.code),
                            bot,
                            f"{bot_link(bot)}?start={invite.code}",
                            invite.expires_at.astimezone(SCHOOL_TZ).date(),
                        )
                    )
            pdf = slips_pdf(slips, school.name, args.class_name, console.t)
            Path(args.out).write_bytes(pdf)
            await uow.commit()  # the codes exist only once their slips are written
        console.say("notices.slip.written", count=len(slips), students=len(students), path=args.out)
        return EXIT_OK

    return run_on_database(args, work)
