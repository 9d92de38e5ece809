"""Making an export: build the file from the class's book and keep a record of it (who, when, what,
the fingerprint). The command line and the chat both come here.

``export_class(uow, kind, class_name, period, t)`` → ``Exported`` (file name, bytes, fingerprint);
``export_summary(uow, period, t)``; ``export_transcripts(uow, class_name)``; ``record(uow, author, e)``."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from domain.errors import DomainError
from domain.report_card import ClassBook, Period, report_cards
from domain.school import file_stem
from exports.card_text import card_fingerprint
from exports.transcript import transcripts
from exports.values import AUDIT_HEAD, fingerprint
from locales import Translator
from storage.audit import current_head
from storage.changes import Author
from storage.uow import UnitOfWork

CLASS_KINDS = ("dbf", "gradebook", "reportcards")
PERIODS = {
    "dbf": (Period.SEMESTER_1, Period.SEMESTER_2, Period.YEAR),
    "gradebook": (Period.SEMESTER_1, Period.SEMESTER_2, Period.YEAR),
    "reportcards": tuple(Period),
}


@dataclass(frozen=True)
class Exported:
    kind: str
    scope: str  # the class, or "school"
    period: str
    file_name: str
    data: bytes
    fingerprint: str


async def export_class(
    uow: UnitOfWork,
    kind: str,
    class_name: str,
    period: Period,
    t: Translator,
    year: str | None = None,
    encoding: str = "utf8",
) -> Exported:
    """Raises DomainError for a period the kind has not (a DBF is per semester). The file is rendered in a
    worker thread: a gradebook takes a while, and the chat keeps answering others meanwhile."""
    if period not in PERIODS[kind]:
        raise DomainError(
            "exports.error.period", kind=kind, periods=", ".join(p.value for p in PERIODS[kind])
        )
    book = await uow.exports.class_book(class_name, year, period)
    AUDIT_HEAD.set(await current_head(uow.session))  # the worker thread sees this task's context
    return await asyncio.to_thread(class_file, kind, book, period, t, encoding)


def class_file(kind: str, book: ClassBook, period: Period, t: Translator, encoding: str = "utf8") -> Exported:
    """``encoding``: of a DBF's text (utf8, or tcvn3, vni, cp1258 for the old tools)."""
    stem = f"{file_stem(book.class_name)}-{kind}-{book.year.name}-{period.value}"
    if kind == "dbf":
        from exports.dbf_file import YEAR_FILE, write_dbf  # see export_summary

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.dbf"
            mark = write_dbf(book, period.semester or YEAR_FILE, path, encoding)
            return Exported(kind, book.class_name, period.value, f"{stem}.dbf", path.read_bytes(), mark)
    # The drawing modules are loaded by the first paper, not with the bot: reportlab and the fonts
    # exports.pdf registers weigh about 17 MB in `sodiem run`.
    if kind == "gradebook":
        from exports.gradebook import book_fingerprint, render_sections, sections

        parts = sections(book, period, t)
        data = render_sections(book, period, t, parts)
        return Exported(kind, book.class_name, period.value, f"{stem}.pdf", data, book_fingerprint(parts))
    from exports.report_cards import card_pdf

    cards = report_cards(book, period)
    mark = fingerprint([[card_fingerprint(card, t)] for card in cards])
    return Exported(kind, book.class_name, period.value, f"{stem}.pdf", card_pdf(cards, t), mark)


async def export_transcripts(uow: UnitOfWork, class_name: str) -> list[Exported]:
    """One transcript per student in the class at the year's end (a student who moved has theirs in the
    class they ended in)."""
    book = (await uow.exports.class_book(class_name)).at_end(Period.YEAR)
    return [
        Exported("transcript", book.class_name, "year", name, data, mark)
        for name, data, mark in transcripts(book)
    ]


async def export_transcript_pdfs(uow: UnitOfWork, class_name: str, t: Translator) -> list[Exported]:
    """The học bạ PDF of every student of the class, each drawn from the student's transcript XML."""
    book = (await uow.exports.class_book(class_name)).at_end(Period.YEAR)
    AUDIT_HEAD.set(await current_head(uow.session))
    return await asyncio.to_thread(transcript_files, book, t)


def transcript_files(book: ClassBook, t: Translator) -> list[Exported]:
    from exports.transcript_pdf import transcript_pdf  # see class_file

    return [
        Exported(
            "transcript_pdf",
            book.class_name,
            "year",
            name.removesuffix(".xml") + ".pdf",
            transcript_pdf(book.school, data, t),
            mark,
        )  # fmt: skip
        for name, data, mark in transcripts(book)
    ]


async def export_summary(uow: UnitOfWork, period: Period, t: Translator) -> Exported:
    names = await uow.exports.class_names()
    books = [(await uow.exports.class_book(name, None, period)).at_end(period) for name in names]
    # Loaded when first asked for, not with the bot: openpyxl weighs about 25 MB in `sodiem run`.
    from exports.summary import summary_xlsx

    data, mark = summary_xlsx(books, period, t)
    year = books[0].year.name if books else ""
    return Exported("summary", "school", period.value, f"summary-{year}-{period.value}.xlsx", data, mark)


def record(uow: UnitOfWork, author: Author, exported: Exported) -> None:
    uow.exports.record_export(
        author,
        exported.kind,
        exported.scope,
        exported.period,
        exported.file_name,
        exported.fingerprint,
        len(exported.data),
    )
