"""The DBF file of a class for a semester or the year (seed 001): one record per student and subject.

dBase III, text in UTF-8 (language driver byte 0xF0), scores as numeric fields N(4,1); a mark (Đ, CĐ,
a primary level T/H/C, or v for a test to make up) goes in the character field beside the score's.
The field layout is in docs/export-formats.md. ``write_dbf(book, semester, path)`` writes the file and
returns its fingerprint; ``compare_dbf(path, book)`` lists the values where a file and the book differ."""

from __future__ import annotations

import struct
from datetime import date
from decimal import Decimal
from pathlib import Path

import dbf

from domain.report_card import ClassBook, Period, evaluate_class, semester_columns
from domain.windows import ColumnKind
from domain.year_end import Stage, promotion_text, status_text
from exports.legacy_text import ENCODINGS, encode
from exports.primary_dbf import PRIMARY_FIELDS, primary_fields
from exports.values import Difference, fingerprint, movement, nfc
from locales import Translator, translator

REGULAR_FIELDS = 8  # TT22 asks for up to 4 regular columns; a school may add more
FIELDS = (
    "STT N(3,0); MAHS C(20); HOTEN C(120); NGAYSINH D; GIOITINH C(6); LOP C(10); NAMHOC C(9); HOCKY N(1,0); "
    "MAMON C(10); TENMON C(150); "
    + " ".join(f"TX{n} N(4,1); MTX{n} C(4);" for n in range(1, REGULAR_FIELDS + 1))
    + " GK1 N(4,1); MGK1 C(4); GK2 N(4,1); MGK2 C(4); CK N(4,1); MCK C(4); TBM N(4,1); MTBM C(4);"
    " RENLUYEN C(40); HOCTAP C(40); NGHICP N(3,0); NGHIKP N(3,0); BIENDONG C(80); GVBM C(120);"
    " LENLOP C(200); DANHHIEU C(60); " + PRIMARY_FIELDS
)
YEAR_FILE = 0  # HOCKY of the year's file: year averages and levels, promotion and award
NAMES = tuple(spec.split()[0] for spec in FIELDS.split(";"))
CODEPAGE = "utf8"
BYTES = "cp437"  # gives each of the 256 bytes a character: legacy bytes pass through unchanged
LANGUAGE_DRIVER = 29  # the header's code-page byte
DELETED = "_DELETED"  # read_dbf's mark of a record flagged deleted (not a field of the file)
VIETNAMESE = translator("vi")  # the file is for the education office: its texts are in Vietnamese


def file_period(semester: int) -> Period:
    """The period a file holds: its HOCKY, 1, 2 or 0 for the year."""
    return Period.YEAR if semester == YEAR_FILE else Period(str(semester))


def dbf_records(book: ClassBook, semester: int) -> list[dict[str, object]]:
    """The records of the file, in class-list order and the school's subject order. The year's file
    (``semester`` 0) holds no columns: the year averages, levels, promotion and award."""
    period = file_period(semester)
    key = period.result_key
    table = book.value_table()
    results = evaluate_class(book)
    records = []
    for number, (student, result) in enumerate(zip(book.students, results, strict=True), start=1):
        excused, unexcused = book.absences_of(student.id, period)
        conduct = (
            (result.conduct.get(key) if result else None)
            if period is Period.YEAR
            else book.conduct.get(student.id, {}).get(semester)
        )
        learning = result.learning.get(key) if result else None
        promotion, award = _year_end(book, student.id, result, period)
        for subject_id, subject in book.subjects:
            regular, midterm, final = (
                semester_columns(table, student.id, subject_id, semester) if semester else ((), None, None)
            )
            record: dict[str, object] = {
                "STT": number,
                "MAHS": student.code,
                "HOTEN": nfc(student.full_name),
                "NGAYSINH": student.date_of_birth,
                "GIOITINH": {"male": "Nam", "female": "Nữ"}.get(student.gender or "", ""),
                "LOP": book.class_name,
                "NAMHOC": book.year.name,
                "HOCKY": semester,
                "MAMON": subject.code,
                "TENMON": nfc(subject.name),
                "RENLUYEN": conduct or "",
                "HOCTAP": learning or "",
                "NGHICP": excused,
                "NGHIKP": unexcused,
                "BIENDONG": nfc(movement(student, VIETNAMESE)),
                "GVBM": nfc(book.teachers.get(subject_id, "")),
                "LENLOP": promotion,
                "DANHHIEU": award,
            }
            if (
                book.primary and semester
            ):  # levels are marks; the periodic tests (mid-term, end of term) are scores
                tests = table.get((student.id, subject_id, semester, ColumnKind.TEST.value), {})
                _put(record, "GK1", "MGK1", tests.get(1))
                _put(record, "GK2", "MGK2", None)
                _put(record, "CK", "MCK", tests.get(2))
                _put(record, "TBM", "MTBM", None)
                record["MGK1"], record["MCK"] = midterm or "", final or ""
                record.update(primary_fields(book, student, result, semester, VIETNAMESE))
            else:
                average = None
                if result is not None and subject.name in result.subjects:
                    average = result.subjects[subject.name].results.get(key)
                periodic = _periodic(table, student.id, subject_id, semester, midterm)
                for n in range(1, REGULAR_FIELDS + 1):
                    _put(record, f"TX{n}", f"MTX{n}", regular[n - 1] if n <= len(regular) else None)
                _put(record, "GK1", "MGK1", periodic[0])
                _put(record, "GK2", "MGK2", periodic[1])
                _put(record, "CK", "MCK", final)
                _put(record, "TBM", "MTBM", average)
                if book.primary:  # the year's file: the year-end ratings and result
                    record.update(primary_fields(book, student, result, semester, VIETNAMESE))
            for n in range(1, REGULAR_FIELDS + 1):
                record.setdefault(f"TX{n}", None)
                record.setdefault(f"MTX{n}", "")
            records.append(record)
    return records


def _year_end(book: ClassBook, student_id: int, result, period: Period) -> tuple[str, str]:
    """(promotion, award) as the year's gradebook prints them (the approved lists where there are);
    a semester's award where the rules give one (TT58)."""
    if result is None:
        return "", ""
    if period is not Period.YEAR:
        return "", result.semester_awards.get(period.value) or ""
    line = book.lists.get(Stage.YEAR, {}).get(student_id)
    if line is not None:
        return nfc(status_text(VIETNAMESE, line, book.grade)), nfc(line.award or "")
    return nfc(promotion_text(VIETNAMESE, result.promotion, book.grade)), nfc(result.award or "")


def _periodic(table: dict, student_id: int, subject_id: int, semester: int, midterm) -> tuple:
    """The mid-term (TT22/TT26) or the two KTđk columns (original TT58)."""
    periodic = table.get((student_id, subject_id, semester, ColumnKind.PERIODIC.value))
    if periodic:
        return periodic.get(1), periodic.get(2)
    return midterm, None


def _put(record: dict, score_field: str, mark_field: str, value) -> None:
    record[score_field] = value if isinstance(value, Decimal) else None
    record[mark_field] = "" if value is None or isinstance(value, Decimal) else str(value)


def write_dbf(book: ClassBook, semester: int, path: Path, encoding: str = "utf8") -> str:
    """Writes the file (replacing one that is there) and returns the fingerprint of its records. Text is
    UTF-8, or a legacy code (``exports.legacy_text``: tcvn3, vni, cp1258) for the old tools; a legacy
    file declares no code page (byte 29 is 0): no reader knows these codes by a number."""
    records = dbf_records(book, semester)
    path = Path(path)
    path.unlink(missing_ok=True)
    legacy = encoding in ENCODINGS
    table = dbf.Table(str(path), FIELDS, codepage=BYTES if legacy else CODEPAGE, dbf_type="db3")
    table.open(dbf.READ_WRITE)
    try:
        for record in records:
            table.append(
                {name.lower(): _stored(value, encoding if legacy else None) for name, value in record.items()}
            )
    finally:
        table.close()
    if legacy:
        with path.open("r+b") as file:
            file.seek(LANGUAGE_DRIVER)
            file.write(b"\x00")
    return records_fingerprint(records)


def _stored(value: object, legacy: str | None) -> object:
    if isinstance(value, Decimal):
        return float(value)
    if legacy and isinstance(value, str):  # the legacy bytes, carried through a table that keeps every byte
        return encode(value, legacy).decode(BYTES)
    return value


def records_fingerprint(records: list[dict[str, object]]) -> str:
    return fingerprint([_text(record.get(name)) for name in NAMES] for record in records)


def read_dbf(path: Path) -> list[dict[str, object]]:
    """The file's records as the exports write them: stripped NFC texts, scores as Decimal tenths; a
    record flagged deleted carries ``DELETED: True`` (a reader that skips them would see another file)."""
    table = dbf.Table(str(path))
    table.open(dbf.READ_ONLY)
    try:
        names = [name.upper() for name in table.field_names]
        return [
            {name: _read(record[name.lower()]) for name in names} | {DELETED: dbf.is_deleted(record)}
            for record in table
        ]
    finally:
        table.close()


def complete_records(data: bytes) -> tuple[int, int]:
    """(records the header declares, whole records the file holds): fewer when the file was cut short."""
    declared, header, length = struct.unpack("<IHH", data[4:12])
    return declared, max(len(data) - header, 0) // max(length, 1)


def cut_to(data: bytes, records: int) -> bytes:
    """The file with only its first ``records`` records, the header saying so: what a cut file still holds."""
    _, header, length = struct.unpack("<IHH", data[4:12])
    return data[:4] + struct.pack("<I", records) + data[8 : header + records * length] + b"\x1a"


def _read(value: object) -> object:
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("0.1"))
    if isinstance(value, str):
        return nfc(value.strip())
    return value


def identify(records: list[dict[str, object]]) -> tuple[str, str, int] | None:
    """(class, year, semester) the file says it holds, from its first record."""
    if not records:
        return None
    first = records[0]
    return str(first["LOP"]), str(first["NAMHOC"]), int(first["HOCKY"])


def compare_dbf(
    found: list[dict[str, object]], expected: list[dict[str, object]], t: Translator
) -> list[Difference]:
    """Every field that differs, named by student code and name, subject code and field; a record the
    file lacks, has in excess or flags deleted, in words."""
    differences = []
    by_key = {(r["MAHS"], r["MAMON"]): r for r in expected}
    seen = set()
    for record in found:
        key = (record.get("MAHS"), record.get("MAMON"))
        where = f"{record.get('MAHS')} {record.get('HOTEN')} · {record.get('MAMON')}"
        wanted = by_key.get(key)
        if record.get(DELETED):
            differences.append(Difference(where, "", "", t("exports.verify.dbf.deleted", record=where)))
        if wanted is None:
            differences.append(Difference(where, "", "", t("exports.verify.dbf.extra", record=where)))
            continue
        seen.add(key)
        for name in NAMES:
            if _text(record.get(name)) != _text(wanted.get(name)):
                differences.append(
                    Difference(f"{where} · {name}", _text(record.get(name)), _text(wanted.get(name)))
                )
    missing = [f"{key[0]} {wanted['HOTEN']} · {key[1]}" for key, wanted in by_key.items() if key not in seen]
    differences += [Difference(w, "", "", t("exports.verify.dbf.missing", record=w)) for w in missing]
    return differences


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.1")), "f")
    return nfc(str(value))
