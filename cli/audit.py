"""``sodiem audit verify``: is the audit trail whole? Names the first entry that does not fit."""

from __future__ import annotations

from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from storage.audit import verify


def add_parser(commands) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit trail")
    actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser("verify", help="recompute the chain; name the first entry that does not fit")
    check.set_defaults(func=run_verify)


def run_verify(args) -> int:
    console = args.console

    async def work(database) -> int:
        async with database.session(read_only=True) as session:
            report = await verify(session)
        broken = report.first_break
        if broken is None:
            console.say("audit.intact", count=report.entries)
            return EXIT_OK
        console.error("audit.broken", good=report.entries)
        if broken.entry_id is None:
            console.error(broken.why, seq=broken.seq)
        else:
            console.error(
                "audit.break.where",
                id=broken.entry_id,
                seq=broken.seq if broken.seq is not None else "-",
                at=broken.at,
                entity=broken.entity,
                entry=broken.key,
            )
            console.error(broken.why)
        return EXIT_FAILED

    return run_on_database(args, work)
