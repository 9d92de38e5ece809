"""``export verify`` for the transcript XML (học bạ) and the district's summary spreadsheet: the file
names what it holds (the XML: class, year and student in its attributes; the .xlsx: year and period in
its keywords), the same file is built again from the database, and every element or cell that differs is
named with both values."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from itertools import zip_longest

from openpyxl import load_workbook

from domain.errors import DomainError
from domain.report_card import Period
from exports.service import export_summary
from exports.transcript import NAMESPACE, transcripts
from exports.values import Difference, nfc
from locales import LANGUAGES, Translator, translator
from storage.uow import UnitOfWork

SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"


async def transcript_differences(
    database, data: bytes, t: Translator, file: str
) -> tuple[dict[str, str], list]:
    """(what the file says it is, the differences); DomainError for an XML sodiem did not make."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise DomainError("exports.verify.unknown_file", file=file) from error
    student = root.find(f"{{{NAMESPACE}}}student")
    if root.tag != f"{{{NAMESPACE}}}transcript" or student is None:
        raise DomainError("exports.verify.unknown_file", file=file)
    identity = {"class": root.get("class", ""), "year": root.get("year", ""), "period": "year"}
    async with UnitOfWork(database, read_only=True) as uow:
        book = (await uow.exports.class_book(identity["class"], identity["year"])).at_end(Period.YEAR)
    wanted = [doc for name, doc, _ in transcripts(book) if name.startswith(f"{student.get('code')}-")]
    if not wanted:
        return identity, [
            Difference("", "", "", t("exports.verify.xml.no_student", code=student.get("code")))
        ]
    return identity, _compare(_items(root), _items(ET.fromstring(wanted[0])), t)


def _items(root: ET.Element) -> list[tuple[str, str]]:
    """(the element's path with its attributes, its text) in document order; the fingerprint aside."""
    found = []

    def walk(element: ET.Element, path: str) -> None:
        if element.tag == SIGNATURE:  # the signature proves the file; it is not the data
            return
        tag = element.tag.split("}")[-1]
        attributes = " ".join(
            f"{k}={nfc(v)}" for k, v in sorted(element.attrib.items()) if k != "fingerprint"
        )
        here = f"{path}/{tag}" + (f"[{attributes}]" if attributes else "")
        found.append((here, nfc((element.text or "").strip())))
        for child in element:
            walk(child, here if tag != "transcript" else "")

    walk(root, "")
    return found


def _compare(found: list[tuple[str, str]], expected: list[tuple[str, str]], t: Translator) -> list:
    differences = []
    for have, want in zip_longest(found, expected, fillvalue=("", "")):
        if have != want:
            where = t("exports.verify.xml.where", element=want[0] or have[0])
            differences.append(
                Difference(where, f"{have[0]} {have[1]}".strip(), f"{want[0]} {want[1]}".strip())
            )
    return differences


async def summary_differences(database, data: bytes, t: Translator, file: str) -> tuple[dict[str, str], list]:
    """(what the file says it is, the differences cell by cell); DomainError for another workbook."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as error:  # not a workbook at all
        raise DomainError("exports.verify.unknown_file", file=file) from error
    words = (workbook.properties.keywords or "").split()
    identity = (
        dict(word.split("=", 1) for word in words[1:] if "=" in word) if words[:1] == ["sodiem"] else {}
    )
    if identity.get("kind") != "summary" or "period" not in identity:
        raise DomainError("exports.verify.unknown_file", file=file)
    if identity.get("lang") in LANGUAGES:
        t = translator(identity["lang"])
    async with UnitOfWork(database, read_only=True) as uow:
        expected = await export_summary(uow, Period(identity["period"]), t)
    fresh = load_workbook(io.BytesIO(expected.data), read_only=True)
    differences = []
    for have, want in zip_longest(_cells(workbook), _cells(fresh), fillvalue=("", "")):
        if have != want:
            where = t("exports.verify.cell", cell=want[0] or have[0])
            differences.append(Difference(where, have[1], want[1]))
    return {"class": t("exports.summary.total"), **identity}, differences


def _cells(workbook) -> list[tuple[str, str]]:
    """(the cell's name, its value as text) of every cell that holds something, row by row."""
    sheet = workbook.worksheets[0]
    return [
        (cell.coordinate, nfc(str(cell.value)))
        for row in sheet.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    ]
