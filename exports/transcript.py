"""Transcript data (học bạ) as XML, one document per student and year, valid against
``exports/hocba.xsd`` (namespace urn:sodiem:hocba:1; documented in docs/export-formats.md).

``transcripts(book)`` gives (file name, XML bytes, fingerprint) per student, in class-list order."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from domain.evaluation.model import PROMOTED
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import ClassBook, Period, evaluate_class, semester_columns
from domain.windows import ColumnKind
from domain.year_end import FINAL_GRADES, promotion_text
from exports.primary_values import completion_text
from exports.values import fingerprint, nfc
from locales import translator

NAMESPACE = "urn:sodiem:hocba:1"
SCHEMA = Path(__file__).parent / "hocba.xsd"
VIETNAMESE = translator("vi")  # the học bạ's words are Vietnamese


def transcripts(book: ClassBook) -> list[tuple[str, bytes, str]]:
    table = book.value_table()
    results = evaluate_class(book)
    return [
        (f"{student.code}-{book.year.name}.xml", *_document(book, table, student, result))
        for student, result in zip(book.students, results, strict=True)
    ]


def _el(parent: ET.Element, tag: str, value: object = None, **attributes: object) -> ET.Element:
    element = ET.SubElement(
        parent, f"{{{NAMESPACE}}}{tag}", {k: nfc(str(v)) for k, v in attributes.items() if v}
    )
    if value is not None:
        element.text = nfc(str(value))
    return element


def _result(parent: ET.Element, name: str, value) -> None:
    if value is None:
        return
    holder = _el(parent, name)
    if isinstance(value, Decimal):
        _el(holder, "score", format(value, "f"))
    else:
        _el(holder, "mark", value)


def _document(book: ClassBook, table, student, result) -> tuple[bytes, str]:
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(
        f"{{{NAMESPACE}}}transcript",
        {"version": "1", "year": book.year.name, "class": book.class_name, "grade": str(book.grade)},
    )
    root.set("rules", book.rules.value)
    _el(
        root,
        "school",
        None,
        name=book.school.name,
        district=book.school.district,
        province=book.school.province,
        level=book.school.level.value,
    )
    _el(
        root,
        "student",
        None,
        code=student.code,
        fullName=student.full_name,
        dateOfBirth=student.date_of_birth.isoformat(),
        gender=student.gender or "",
        ethnicity=student.ethnicity,
        placeOfBirth=student.place_of_birth,
        registerNumber=student.register_number,
    )
    guardians = book.guardians.get(student.id, ())
    if guardians:
        holder = _el(root, "guardians")
        for name, relation in guardians:
            _el(holder, "guardian", None, name=name, relation=relation)
    subjects = _el(root, "subjects")
    for subject_id, subject in book.subjects:
        element = _el(
            subjects, "subject", None, code=subject.code, name=subject.name, kind=subject.kind.value
        )
        found = result.subjects[subject.name].results if result and subject.name in result.subjects else {}
        if book.primary:
            _result(element, "year", semester_columns(table, student.id, subject_id, 2)[2])
            test = table.get((student.id, subject_id, 2, ColumnKind.TEST.value), {}).get(2)
            if isinstance(test, Decimal):
                _el(element, "test", format(test, "f"))
        else:
            for key, name in (("1", "semester1"), ("2", "semester2"), ("year", "year"), ("retest", "retest")):
                _result(element, name, found.get(key))
        comment = book.comments.get((student.id, subject_id, 2)) or book.comments.get(
            (student.id, subject_id, 1)
        )
        if comment:
            _el(element, "comment", comment)
        if book.teachers.get(subject_id):
            _el(element, "teacher", book.teachers[subject_id])
    learning = _el(root, "learning")
    conduct = _el(root, "conduct")
    if result is not None:
        for key, name in (("1", "semester1"), ("2", "semester2"), ("year", "year"), ("retest", "after")):
            if result.learning.get(key):
                _el(learning, name, result.learning[key])
    levels = book.conduct.get(student.id, {})
    for semester, name in ((1, "semester1"), (2, "semester2")):
        if levels.get(semester):
            _el(conduct, name, levels[semester])
    if result is not None and result.conduct.get("year"):
        _el(conduct, "year", result.conduct["year"])
    if result is not None and result.conduct.get("summer"):
        _el(conduct, "after", result.conduct["summer"])
    excused, unexcused = book.absences_of(student.id, Period.YEAR)
    _el(root, "absences", None, excused=str(excused), unexcused=str(unexcused))
    if book.primary:
        primary_ratings(root, book.ratings.get(student.id, {}), _el)
    if result is not None and result.retest_subjects:  # elements: a subject's name may hold a comma
        holder = _el(root, "retestSubjects")
        for subject_name in result.retest_subjects:
            _el(holder, "subject", subject_name)
    promoted = result is not None and result.promotion == PROMOTED
    completed = promoted and not book.primary and book.grade in FINAL_GRADES
    for name, value in (
        ("promotion", result.promotion if result else None),
        ("completion", primary_completion(book, result)),
        ("completed", promotion_text(VIETNAMESE, PROMOTED, book.grade) if completed else None),
        ("award", result.award if result else None),
        ("homeroomTeacher", book.homeroom_teacher),
        ("homeroomComment", _homeroom_comment(book, student.id)),
        ("principal", book.principal),
    ):
        if value and name == "completion":
            _el(root, name, value, programme="primary" if book.grade == 5 else "grade")
        elif value:
            _el(root, name, value)
    mark = fingerprint([e.tag, e.text or "", sorted(e.attrib.items())] for e in root.iter())
    root.set("fingerprint", mark)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True), mark


def _homeroom_comment(book: ClassBook, student_id: int) -> str | None:
    """The homeroom teacher's comment on the year: semester II's, as on the year's report card."""
    return book.homeroom_comments.get((student_id, 2))


def primary_ratings(root: ET.Element, rated: dict[str, str], element) -> None:
    """TT27: the five qualities and ten competencies as rated at the end of the year."""
    if not rated:
        return
    holder = element(root, "ratings")
    for tag, names in (("quality", QUALITIES), ("competency", COMPETENCIES)):
        for name in names:
            if rated.get(name):
                element(holder, tag, None, name=name, level=rated[name])


def primary_completion(book: ClassBook, result) -> str | None:
    """TT27: "Hoàn thành" or "Chưa hoàn thành" the grade's programme (grade 5: primary school's)."""
    if not book.primary:
        return None
    return completion_text(result.promotion if result else None, VIETNAMESE) or None
