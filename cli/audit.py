"""``sodiem audit verify [--head SEQ:HASH]``: is the record whole? The chain of the change log, then
every current value against the last one the log gives it. ``sodiem audit init-key``: the school key.
Exit 0 intact, 1 something does not fit (named), 2 the database itself is damaged or not sodiem's."""

from __future__ import annotations

import asyncio

from sqlalchemy.exc import DBAPIError

from cli.output import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, Console, run_on_database
from domain.errors import DomainError
from storage.audit import AuditReport, head_in_chain, reseal_if_plain, verify
from storage.audit_values import Mismatch, compare_values
from storage.db import Database
from storage.health import check_database
from storage.school_key import create_key_file, key_file_path

MAX_SHOWN = 100


def add_parser(commands) -> None:
    audit = commands.add_parser("audit", help="the tamper-evident audit trail")
    actions = audit.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "verify", help="recompute the chain and compare every value with its history; name what does not fit"
    )
    check.add_argument("--head", metavar="SEQ:HASH", help="a head seen on paper or in a message")
    check.set_defaults(func=run_verify)
    init_key = actions.add_parser(
        "init-key", help="create the school key (SODIEM_AUDIT_KEY_FILE) and seal with it"
    )
    init_key.add_argument(
        "--accept-broken",
        action="store_true",
        help="seal an old plain SHA-256 trail, changed before the upgrade, as it is (the key may exist)",
    )
    init_key.set_defaults(func=run_init_key)


def run_verify(args) -> int:
    console: Console = args.console
    try:
        return asyncio.run(verify_database(args.database, console, args.head))
    except DomainError as error:
        console.error(error.key, **error.params)
        return EXIT_BAD_INPUT
    except DBAPIError as error:  # damage found only while reading everything
        console.error("health.error.unreadable", detail=str(error).splitlines()[0])
        return EXIT_BAD_INPUT


async def verify_database(url: str | None, console: Console, seen_head: str | None = None) -> int:
    """Prints the verification of the database at ``url``; the exit code. Also run after a restore."""
    await check_database(url)
    database = Database(url)
    try:
        async with database.session(read_only=True) as session:
            report = await verify(session)
            mismatches = await compare_values(session, report.logged) if report.first_break is None else []
            head_found = await head_in_chain(session, seen_head) if seen_head else True
    finally:
        await database.dispose()
    intact = _say_chain(console, report) and _say_values(console, mismatches)
    if seen_head:
        console.say("audit.head.found" if head_found else "audit.head.missing", head=seen_head)
    return EXIT_OK if intact and head_found else EXIT_FAILED


def _say_chain(console: Console, report: AuditReport) -> bool:
    broken = report.first_break
    if broken is None:
        console.say("audit.intact", count=report.entries)
        if report.head:
            console.say("audit.head.now", head=report.head)
        return True
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
    return False


def _say_values(console: Console, mismatches: list[Mismatch]) -> bool:
    if not mismatches:
        console.say("audit.values.agree")
        return True
    console.error("audit.values.differ", count=len(mismatches))
    for found in mismatches[:MAX_SHOWN]:
        console.error(
            "audit.values.line",
            student=found.student or "-",
            column=found.column,
            data=found.data if found.data is not None else "∅",
            log=found.log if found.log is not None else "∅",
        )
    if len(mismatches) > MAX_SHOWN:
        console.error("audit.values.more", count=len(mismatches) - MAX_SHOWN)
    return False


def run_init_key(args) -> int:
    console: Console = args.console
    path = key_file_path()
    try:
        create_key_file(path)
        console.say("key.created", path=str(path.resolve()))
    except DomainError as error:
        if not (args.accept_broken and error.key == "key.error.exists"):
            console.error(error.key, **error.params)
            return EXIT_FAILED

    async def work(database) -> int:
        async with database.session() as session:
            done = await reseal_if_plain(session, args.accept_broken)
            await session.commit()
        if done and done.accepted_break:
            console.error("audit.resealed_broken", seq=done.accepted_break.seq)
        elif done and done.entries:
            console.say("audit.resealed")
        return EXIT_OK

    return run_on_database(args, work)
