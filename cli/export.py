"""``sodiem export dbf|gradebook|reportcards|transcript|summary|verify``: the legal files of a class or
the school, written where ``--out`` says and recorded (who, when, what, fingerprint); ``verify`` checks
a DBF or PDF against the database (exit status 0 when equal, 1 listing the differences)."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from pathlib import Path

from cli.output import EXIT_FAILED, EXIT_OK, run_on_database
from cli.signed import add_sign_options, add_signed_parser, say_signature, sign_exported
from domain.errors import DomainError
from domain.report_card import Period, report_card
from domain.school import file_stem
from exports.card_text import card_fingerprint
from exports.legacy_text import ENCODINGS
from exports.report_cards import card_pdf
from exports.service import (
    Exported,
    export_class,
    export_summary,
    export_transcript_pdfs,
    export_transcripts,
    record,
)
from exports.verify import verify
from storage.changes import Author
from storage.uow import UnitOfWork

SEMESTER_HELP = "1, 2 or year (report cards also mid1, mid2)"


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "export", help="the legal files: DBF, the printed gradebook, report cards ..."
    )
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, help_text, out_help in (
        ("dbf", "a class's DBF for a semester or the year", "the .dbf file"),
        ("gradebook", "a class's printed gradebook (PDF)", "the .pdf file"),
        ("reportcards", "report cards of a class, a page per student (PDF)", "the .pdf file"),
    ):
        sub = kinds.add_parser(kind, help=help_text)
        sub.add_argument("--class", dest="class_name", required=True)
        sub.add_argument("--semester", required=True, help=SEMESTER_HELP)
        sub.add_argument("--out", type=Path, required=True, help=out_help)
        sub.add_argument("--year", default=None, help="school year (default: the newest); closed years too")
        if kind == "reportcards":
            sub.add_argument("--student", help="only this student's card (student code)")
        if kind != "dbf":
            add_sign_options(sub)
        if kind == "dbf":
            sub.add_argument(
                "--encoding",
                choices=("utf8", *ENCODINGS),
                default="utf8",
                help="text code: utf8 (default), or tcvn3, vni, cp1258 for the old tools",
            )
        sub.set_defaults(func=run_class)
    transcript = kinds.add_parser("transcript", help="transcript (học bạ), one file per student")
    transcript.add_argument("--class", dest="class_name", required=True)
    transcript.add_argument(
        "--format", choices=("xml", "pdf"), default="xml", help="XML data, or the PDF to print"
    )
    transcript.add_argument("--out", type=Path, required=True, help="the folder to write into")
    add_sign_options(transcript)
    transcript.set_defaults(func=run_transcript)
    summary = kinds.add_parser("summary", help="the district's summary spreadsheet (.xlsx)")
    summary.add_argument("--semester", default="year", help="1, 2 or year (default)")
    summary.add_argument("--out", type=Path, required=True)
    summary.set_defaults(func=run_summary)
    check = kinds.add_parser("verify", help="does a DBF or PDF equal the data? (exit 0 yes, 1 no)")
    check.add_argument("file", type=Path)
    check.set_defaults(func=run_verify)
    add_signed_parser(kinds)


def _author() -> Author:
    try:
        account = getpass.getuser()
    except OSError:
        account = ""
    return Author(None, "cli", account, datetime.now(UTC))


def _period(args) -> Period:
    try:
        return Period(str(args.semester).lower())
    except ValueError:
        raise DomainError("exports.error.bad_period", value=args.semester) from None


def _write(args, exported: Exported, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exported.data)
    args.console.say(
        "exports.cli.written",
        file=str(path),
        size=max(1, len(exported.data) // 1024),
        fingerprint=exported.fingerprint,
    )


def run_class(args) -> int:
    async def work(database) -> int:
        period = _period(args)
        t = args.console.t
        async with UnitOfWork(database) as uow:
            if getattr(args, "student", None):
                exported = await _one_card(uow, args.class_name, period, args.student, t, args.year)
            else:
                encoding = getattr(args, "encoding", "utf8")
                exported = await export_class(uow, args.kind, args.class_name, period, t, args.year, encoding)
            author = _author()
            record(uow, author, exported)
            if getattr(args, "sign", False):
                exported = await sign_exported(args, uow, exported, author)
            _write(args, exported, args.out)
            await uow.commit()
        return EXIT_OK

    return run_on_database(args, work)


async def _one_card(uow, class_name: str, period: Period, code: str, t, year: str | None) -> Exported:
    book = await uow.exports.class_book(class_name, year, period)
    student = next((s for s in book.students if s.code == code), None)
    if student is None:
        raise DomainError("exports.error.no_student", code=code, class_name=book.class_name)
    card = report_card(book, period, student.id)
    name = f"{file_stem(book.class_name)}-{code}-{book.year.name}-{period.value}.pdf"
    return Exported(
        "reportcards", book.class_name, period.value, name, card_pdf([card], t), card_fingerprint(card, t)
    )


def run_transcript(args) -> int:
    async def work(database) -> int:
        async with UnitOfWork(database) as uow:
            if args.format == "pdf":
                files = await export_transcript_pdfs(uow, args.class_name, args.console.t)
            else:
                files = await export_transcripts(uow, args.class_name)
            for drawn in files:
                record(uow, _author(), drawn)
            if args.sign:  # every file signed before any is written: a fault leaves none half-signed
                files = [await sign_exported(args, uow, drawn, _author()) for drawn in files]
            args.out.mkdir(parents=True, exist_ok=True)
            for exported in files:
                (args.out / exported.file_name).write_bytes(exported.data)
            await uow.commit()
        said = "exports.cli.transcript_pdfs" if args.format == "pdf" else "exports.cli.transcripts"
        args.console.say(said, count=len(files), folder=str(args.out))
        return EXIT_OK

    return run_on_database(args, work)


def run_summary(args) -> int:
    async def work(database) -> int:
        period = _period(args)
        if period.midterm:
            raise DomainError("exports.error.bad_period", value=args.semester)
        async with UnitOfWork(database) as uow:
            exported = await export_summary(uow, period, args.console.t)
            record(uow, _author(), exported)
            _write(args, exported, args.out)
            await uow.commit()
        return EXIT_OK

    return run_on_database(args, work)


def run_verify(args) -> int:
    if not args.file.is_file():
        args.console.error("exports.error.no_file", file=str(args.file))
        return EXIT_FAILED

    data = args.file.read_bytes()

    async def work(database) -> int:
        broken = await say_signature(args, data)
        verdict = await verify(database, args.file, args.console.t)
        t = args.console.t
        facts = {
            "file": str(args.file),
            "kind": t(f"exports.kind.{verdict.kind}"),
            "class_name": verdict.class_name,
            "year": verdict.year,
            "period": t(f"exports.period.{verdict.period}"),
        }
        if not verdict.differences:
            args.console.say("exports.verify.equal", **facts)
            return broken or EXIT_OK
        args.console.say("exports.verify.differs", count=len(verdict.differences), **facts)
        for difference in verdict.differences:
            if difference.sentence:
                args.console.say("exports.verify.remark", text=difference.sentence)
                continue
            args.console.say(
                "exports.verify.difference",
                where=difference.where,
                found=difference.found or "—",
                expected=difference.expected or "—",
            )
        return EXIT_FAILED

    return run_on_database(args, work)
