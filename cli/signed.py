"""``sodiem export ... --sign``, ``sodiem export signed`` and the signature half of ``export verify``:
the school's certificate (``SODIEM_SIGNING``) signs at the server, recorded in the audit trail as done
by the administrator for the principal; a stored signed paper is written out again; a file's signature
is checked before its content (docs/signing.md)."""

from __future__ import annotations

import asyncio
import dataclasses
import getpass
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv

from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from domain.errors import DomainError
from exports.service import Exported
from exports.signed_papers import TRANSCRIPTS, fetch_signed, sign_and_keep
from exports.signing_setting import Setting, setting_from
from storage.changes import Author
from storage.signed_store import PaperKey
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from exports.signature_check import SignatureCheck

CLI_REASON = "administrator for the principal (sodiem export --sign)"
WHAT = ("gradebook", "reportcards", "transcript", "transcript_pdf")


def add_sign_options(parser) -> None:
    parser.add_argument(
        "--sign", action="store_true", help="sign with the school's certificate (SODIEM_SIGNING)"
    )
    parser.add_argument("--replace", action="store_true", help="with --sign: replace a paper signed before")


def add_signed_parser(kinds) -> None:
    signed = kinds.add_parser("signed", help="a signed paper as it was stored, written out again")
    signed.add_argument("--class", dest="class_name", required=True)
    signed.add_argument("--what", choices=WHAT, required=True)
    signed.add_argument("--semester", default="year", help="1, 2 or year (report cards also mid1, mid2)")
    signed.add_argument("--student", default="", help="the student code (one transcript, XML or PDF)")
    signed.add_argument("--year", default=None, help="school year (default: the newest)")
    signed.add_argument("--out", type=Path, required=True)
    signed.set_defaults(func=run_signed)


async def sign_exported(args, uow: UnitOfWork, exported: Exported, author: Author) -> Exported:
    """The export signed and kept; the signed bytes replace the drawn ones in what is written."""
    year = (await uow.school.year(getattr(args, "year", None))).name
    row = await sign_and_keep(
        uow, exported, year, server_setting(args), args.console.t, author, args.replace, CLI_REASON
    )
    args.console.say("signing.cli.signed", file=exported.file_name, certificate=row.certificate)
    return Exported(
        exported.kind, exported.scope, exported.period, exported.file_name, row.data, exported.fingerprint
    )


def server_setting(args) -> Setting | None:
    """The configured signer (the environment or .env, as for `sodiem run`); a password or PIN that is
    not configured is asked for at the terminal, once, when there is one."""
    if getattr(args, "signing_setting", None) is None:
        load_dotenv(Path(".env"), override=False)
        setting = setting_from()
        if setting is not None and setting.secret is None and sys.stdin.isatty():
            secret = getpass.getpass(args.console.t(f"signing.cli.ask.{setting.kind}"))
            setting = dataclasses.replace(setting, secret=secret)
        args.signing_setting = setting
    return args.signing_setting


def run_signed(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database, read_only=True) as uow:
            year = (await uow.school.year(args.year)).name
            period = "year" if args.what in TRANSCRIPTS else str(args.semester).lower()
            key = PaperKey(args.what, args.class_name, year, period, args.student)
            row = await fetch_signed(uow, key)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(row.data)
        args.console.say("signing.cli.fetched", file=str(args.out), when=row.at, certificate=row.certificate)
        return EXIT_OK

    return run_on_database(args, work)


def signature_of(data: bytes) -> SignatureCheck | None:
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)  # an untrusted chain is said below
    load_dotenv(Path(".env"), override=False)
    # checked on demand: pyHanko's validator and signxml cost every other command a second to load
    from exports.signature_check import check_pdf, trust_anchors
    from exports.signing_xml import check_xml

    anchors = trust_anchors()
    return check_pdf(data, anchors) if data.startswith(b"%PDF") else check_xml(data, anchors)


async def say_signature(args, data: bytes) -> int | None:
    """Says what the file's signature is; EXIT_FAILED when it is broken, None when it holds or is absent.
    Checked in a worker thread: pyHanko's validation runs its own event loop."""
    try:
        check = await asyncio.to_thread(signature_of, data)
    except DomainError:
        raise  # a trust anchor file that cannot be read is said as such
    except Exception:  # neither a PDF nor an XML file: the content check names what it is
        return None
    if check is None:
        args.console.say("signing.verify.unsigned")
        return None
    facts = {"signer": check.signer, "issuer": check.issuer, "when": check.signed_at or "—"}
    if not check.intact:
        args.console.say("signing.verify.broken", **facts)
        return EXIT_FAILED
    args.console.say("signing.verify.trusted" if check.trusted else "signing.verify.untrusted", **facts)
    return None


async def named_signer(args, uow: UnitOfWork) -> int:
    """``school set --signer CODE``: the vice-principal who signs besides the principal."""
    staff = await uow.signed.vice_principal(args.signer)
    if staff is None:
        raise DomainError("signing.error.not_vice_principal", code=args.signer)
    args.console.say("signing.cli.signer", name=staff.full_name, code=args.signer)
    return staff.id
