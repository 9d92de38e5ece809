"""``export verify``: does a file equal the data? A DBF or a PDF (gradebook or report cards) made by
sodiem names its class, year and period (DBF: in every record; PDF: in its keywords); the same export
is built again from the database and compared value by value (DBF) or page by page (PDF): line by line
as pypdf reads the text of both, and pixel by pixel as a reader sees them (each page rendered with
pdfium), so that a number hidden under a white box, a picture drawn over the text or invisible text
is found. Each difference names where it is and both values, or says in words what differs."""

from __future__ import annotations

import difflib
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from domain.errors import DomainError
from domain.report_card import Period, report_cards
from exports.dbf_file import (
    compare_dbf,
    complete_records,
    cut_to,
    dbf_records,
    file_period,
    identify,
    read_dbf,
    records_fingerprint,
)
from exports.gradebook import gradebook_pdf
from exports.report_cards import card_pdf
from exports.transcript import transcripts
from exports.transcript_pdf import transcript_pdf
from exports.values import AUDIT_HEAD, Difference, nfc
from exports.verify_sheets import summary_differences, transcript_differences
from locales import LANGUAGES, Translator, translator
from storage.uow import UnitOfWork

CONTEXT = 60  # characters of a line shown before a differing value
HEAD = re.compile(r"\d+:[0-9a-f]{12}")
RENDER_DPI = 100  # a 7.5-point digit is some 10 pixels high: any changed digit changes many of them
MM_PER_PIXEL = 25.4 / RENDER_DPI
INK = 64  # grey levels (of 255) by which a pixel must differ to count as changed


@dataclass(frozen=True)
class Verdict:
    kind: str  # dbf, gradebook, reportcards, transcript, summary
    class_name: str
    year: str
    period: str
    differences: list[Difference]


async def verify(database, path: Path, t: Translator | None = None) -> Verdict:
    """Raises DomainError("exports.verify.unknown_file") for a file sodiem did not make. ``t`` words the
    findings about a file that names no language (a PDF names its own)."""
    data = Path(path).read_bytes()
    if data.startswith(b"%PDF"):
        try:
            return await _verify_pdf(database, data)
        except PdfReadError as error:
            raise DomainError("exports.verify.unknown_file", file=str(path)) from error
    t = t or translator(None)
    if data.lstrip().startswith(b"<?xml"):
        return _verdict("transcript", *await transcript_differences(database, data, t, str(path)))
    if data.startswith(b"PK"):  # a zip: the summary workbook
        return _verdict("summary", *await summary_differences(database, data, t, str(path)))
    return await _verify_dbf(database, path, data, t)


def _verdict(kind: str, identity: dict[str, str], differences: list[Difference]) -> Verdict:
    return Verdict(kind, identity.get("class", ""), identity.get("year", ""), identity["period"], differences)


async def _verify_dbf(database, path: Path, data: bytes, t: Translator) -> Verdict:
    """A DBF cut short is compared as far as it goes, and said to be cut."""
    try:
        declared, complete = complete_records(data)
        cut = complete < declared
        with tempfile.TemporaryDirectory() as folder:
            readable = Path(folder) / "file.dbf"
            readable.write_bytes(cut_to(data, complete) if cut else data)
            records = read_dbf(readable)
    except Exception as error:  # anything unreadable is simply not one of our DBF files
        raise DomainError("exports.verify.unknown_file", file=str(path)) from error
    identity = identify(records)
    if identity is None:
        raise DomainError("exports.verify.unknown_file", file=str(path))
    class_name, year, semester = identity
    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book(class_name, year, file_period(semester))
    differences = []
    if cut:
        differences.append(
            Difference("", "", "", t("exports.verify.dbf.cut", declared=declared, complete=complete))
        )
    differences += compare_dbf(records, dbf_records(book, semester), t)
    return Verdict("dbf", class_name, year, file_period(semester).value, differences)


def pdf_identity(reader: PdfReader) -> dict[str, str]:
    """The keywords sodiem writes, as a dict: kind, class, year, period, lang."""
    words = str((reader.metadata or {}).get("/Keywords", "")).split()
    if not words or words[0] != "sodiem":
        return {}
    return dict(word.split("=", 1) for word in words[1:] if "=" in word)


def pdf_pages(data: bytes) -> list[list[str]]:
    """Each page's lines as pypdf lays them out (a table row is a line), NFC, spaces collapsed."""
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
    return [[" ".join(nfc(line).split()) for line in page.splitlines() if line.strip()] for page in pages]


def printed_head(pages: list[list[str]], t) -> str:
    """The audit head printed in the paper's footer (exports/pdf.py), or ""."""
    start = t("exports.pdf.audit_head", head="\x00").split("\x00")[0].strip()
    for line in (line for page in pages for line in page if line.startswith(start)):
        if found := HEAD.search(line):
            return found[0]
    return ""


async def _verify_pdf(database, data: bytes) -> Verdict:
    found = PdfReader(io.BytesIO(data))
    identity = pdf_identity(found)
    kind = identity.get("kind")
    if kind not in ("gradebook", "reportcards", "transcript") or not {"class", "year", "period"} <= set(
        identity
    ):
        raise PdfReadError("not a sodiem export")
    t = translator(identity.get("lang") if identity.get("lang") in LANGUAGES else None)
    period = Period(identity["period"])
    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book(identity["class"], identity["year"], period)
    found_pages = pdf_pages(data)
    AUDIT_HEAD.set(printed_head(found_pages, t))  # a fact of the printing, not of the data
    expected = _drawn_again(kind, book, period, identity.get("student", ""), t)
    if expected is None:
        no_student = t("exports.verify.xml.no_student", code=identity.get("student", ""))
        return Verdict(
            kind, identity["class"], identity["year"], period.value, [Difference("", "", "", no_student)]
        )
    differences = compare_pages(found_pages, pdf_pages(expected), t)
    differences += compare_renderings(data, expected, t)
    return Verdict(kind, identity["class"], identity["year"], period.value, differences)


def _drawn_again(kind: str, book, period: Period, student: str, t) -> bytes | None:
    """The paper made fresh from the data; a học bạ of a student no longer in the class: None."""
    if kind == "gradebook":
        return gradebook_pdf(book, period, t)
    if kind == "reportcards":
        return card_pdf(report_cards(book, period), t)
    book = book.at_end(Period.YEAR)
    found = [data for name, data, _ in transcripts(book) if name.startswith(f"{student}-")]
    return transcript_pdf(book.school, found[0], t) if found and student else None


def compare_pages(found: list[list[str]], expected: list[list[str]], t) -> list[Difference]:
    differences = []
    if len(found) != len(expected):
        differences.append(Difference(t("exports.verify.pages"), str(len(found)), str(len(expected))))
    for number, (have, want) in enumerate(zip(found, expected, strict=False), start=1):
        matcher = difflib.SequenceMatcher(a=have, b=want, autojunk=False)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            lines = max(a2 - a1, b2 - b1)
            for offset in range(lines):
                line_found = have[a1 + offset] if a1 + offset < a2 else ""
                line_wanted = want[b1 + offset] if b1 + offset < b2 else ""
                differences.append(_line_difference(number, line_found, line_wanted, t))
    return differences


def compare_renderings(found: bytes, expected: bytes, t) -> list[Difference]:
    """One difference per page that does not look like the page made fresh from the data, with where
    on the page the first changed pixels are (millimetres from the left and top edges)."""
    differences = []
    pairs = zip(_renderings(found), _renderings(expected), strict=False)
    for number, (have, want) in enumerate(pairs, start=1):
        if have.shape != want.shape:
            differences.append(Difference("", "", "", t("exports.verify.page_size", page=number)))
            continue
        changed = np.abs(have.astype(np.int16) - want.astype(np.int16)) > INK
        if changed.any():
            rows, columns = np.nonzero(changed)
            where = {"left": round(columns.min() * MM_PER_PIXEL), "top": round(rows.min() * MM_PER_PIXEL)}
            differences.append(Difference("", "", "", t("exports.verify.looks", page=number, **where)))
    return differences


def _renderings(data: bytes):
    """Each page as a reader sees it: grey pixels at RENDER_DPI."""
    document = pdfium.PdfDocument(data)
    try:
        for page in document:
            yield page.render(scale=RENDER_DPI / 72, grayscale=True).to_numpy()
    finally:
        document.close()


def _line_difference(page: int, found: str, wanted: str, t) -> Difference:
    """Names the first differing word of two lines, with the line's beginning (the student) as context."""
    a, b = found.split(), wanted.split()
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    context = " ".join(a[:same])[:CONTEXT]
    where = t("exports.verify.where", page=page, context=context)
    tail = max(len(a), len(b)) - same
    cut_a, cut_b = a[same:], b[same:]
    while cut_a and cut_b and cut_a[-1] == cut_b[-1] and tail > 1:
        cut_a, cut_b, tail = cut_a[:-1], cut_b[:-1], tail - 1
    return Difference(where, " ".join(cut_a), " ".join(cut_b))


def dbf_fingerprint(path: Path) -> str:
    return records_fingerprint(read_dbf(path))
