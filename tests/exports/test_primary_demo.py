"""The primary demo school at the end of the year, on both databases: class 5A's year table, report
cards, semester II and year DBF and transcripts say what the evaluation engine says, and ``export verify``
(the function, and ``sodiem export verify`` for the year DBF) finds the papers and a transcript equal to
the data — until
one pupil's rating of one quality is corrected."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import dbfread
import xmlschema
from sqlalchemy import select, update

from cli.demo_primary import create_primary_demo_school, fill_primary_year
from domain.evaluation.model import PROMOTED
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import Period, evaluate_class, report_cards
from exports.gradebook import sections
from exports.primary_cards import card_rows, rating_rows
from exports.primary_dbf import RATING_FIELDS
from exports.service import class_file
from exports.transcript import NAMESPACE, SCHEMA, transcripts
from exports.verify import verify
from locales import translator
from storage.models import ConductRow, StudentRow
from storage.uow import UnitOfWork
from tests.exports.test_cli_and_verify import sodiem

YEAR, CLASS = "2025-2026", "5A"
T = translator("vi")


async def test_the_grade_5_papers_agree_with_the_engine_and_verify_until_a_rating_changes(database, tmp_path):
    await create_primary_demo_school(database, YEAR)
    await fill_primary_year(database, only=(CLASS,))
    async with UnitOfWork(database, read_only=True) as uow:
        book = await uow.exports.class_book(CLASS, YEAR, Period.YEAR)
    results = evaluate_class(book)
    assert len(book.students) > 30 and all(r.learning["year"] for r in results)  # the year is complete
    by_code = {s.code: r for s, r in zip(book.students, results, strict=True)}

    table = next(part for part in sections(book, Period.YEAR, T) if part.key == "primary-summary-ratings")
    assert table.rows[0][-1] == "Hoàn thành chương trình tiểu học"
    for student, result, row in zip(book.students, results, table.rows[2:], strict=True):
        assert row[1] == student.full_name
        assert row[2:17] == [book.ratings[student.id][name] for name in QUALITIES + COMPETENCIES]
        completed = "Hoàn thành" if result.promotion == PROMOTED else "Chưa hoàn thành"
        assert row[17:] == [result.learning["year"], result.award or "", completed]

    for card, result in zip(report_cards(book, Period.YEAR), results, strict=True):
        for name, level, test, _ in card_rows(card, T)[1:]:
            found = result.subjects[name].results
            assert level == found["year"] and test == (str(found["test"]) if "test" in found else "")
        assert [row[2] for row in rating_rows(card, T)] == [
            book.ratings[card.student.id][n] for n in QUALITIES + COMPETENCIES
        ]

    files = {kind: class_file(kind, book, Period.YEAR, T) for kind in ("gradebook", "reportcards")}
    files["dbf"] = class_file("dbf", book.during(Period.SEMESTER_2), Period.SEMESTER_2, T)
    paths = {}
    for kind, exported in files.items():
        paths[kind] = tmp_path / exported.file_name
        paths[kind].write_bytes(exported.data)
    name, document, _ = transcripts(book)[0]  # the first pupil's, whose rating is changed below
    paths["transcript"] = tmp_path / name
    paths["transcript"].write_bytes(document)
    for kind, path in paths.items():
        assert (await verify(database, path)).differences == [], kind

    year_dbf = tmp_path / "5A-year.dbf"
    done = sodiem(
        database.url, "export", "dbf", "--class", CLASS, "--semester", "year", "--out", str(year_dbf)
    )
    assert done.returncode == 0, done.stderr
    checked = sodiem(database.url, "export", "verify", str(year_dbf))
    assert checked.returncode == 0 and "(tệp DBF, lớp 5A, năm học 2025-2026, Cả năm)" in checked.stdout
    for path in (paths["dbf"], year_dbf):
        records = list(dbfread.DBF(str(path), encoding="utf-8"))
        assert len(records) == len(book.students) * len(book.subjects)
        for record in records:
            result = by_code[record["MAHS"]]
            assert record["KQGD"] == result.learning["year"] and record["KHENTHUONG"] == (result.award or "")
            completed = "Hoàn thành" if result.promotion == PROMOTED else "Chưa hoàn thành"
            assert record["HOANTHANH"] == completed
            student = next(s for s in book.students if s.code == record["MAHS"])
            assert {f: record[f] for f in RATING_FIELDS} == {
                f: book.ratings[student.id][aspect] for f, aspect in RATING_FIELDS.items()
            }

    schema = xmlschema.XMLSchema(str(SCHEMA))
    for (_, data, _), student, result in zip(transcripts(book), book.students, results, strict=True):
        schema.validate(data.decode())
        root = ET.fromstring(data)
        ns = {"h": NAMESPACE}
        assert root.findtext("h:learning/h:year", namespaces=ns) == result.learning["year"]
        rated = {e.get("name"): e.get("level") for e in root.iterfind("h:ratings/*", ns)}
        assert rated == book.ratings[student.id]
        assert root.find("h:completion", ns).get("programme") == "primary"

    first = book.students[0]
    before = book.ratings[first.id]["trung thực"]
    async with database.session() as session:
        student_id = await session.scalar(select(StudentRow.id).where(StudentRow.code == first.code))
        await session.execute(
            update(ConductRow)
            .where(
                ConductRow.student_id == student_id,
                ConductRow.semester == 2,
                ConductRow.aspect == "trung thực",
            )
            .values(level="C" if before != "C" else "T")
        )
        await session.commit()
    for kind, path in paths.items():
        differences = (await verify(database, Path(path))).differences
        assert differences, kind
    dbf_differences = (await verify(database, paths["dbf"])).differences
    assert [(d.found, d.expected) for d in dbf_differences if d.where.endswith("PC_TRUNGTH")] == [
        (before, "C" if before != "C" else "T")
    ] * len(book.subjects)
    await database.dispose()  # the command line's own connection sees the committed change
    changed = sodiem(database.url, "export", "verify", str(year_dbf))
    assert changed.returncode == 1
    assert sum(
        "PC_TRUNGTH" in line and first.full_name in line for line in changed.stdout.splitlines()
    ) == len(book.subjects)


def test_the_primary_demo_from_the_command_line_gives_every_grade_papers_that_verify(tmp_path):
    """``sodiem demo --level primary --fill``: the whole school filled for the year; a grade 1 class's
    year book and a grade 5 class's report cards are made and found equal to the data."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'primary.db'}"
    assert sodiem(url, "db", "upgrade").returncode == 0
    made = sodiem(url, "demo", "--level", "primary", "--fill")
    assert made.returncode == 0, made.stderr
    assert "10 lớp" in made.stdout and "Năm học mẫu (tiểu học)" in made.stdout
    for kind, class_name, named in (("gradebook", "1A", "sổ điểm"), ("reportcards", "5B", "phiếu liên lạc")):
        path = tmp_path / f"{class_name}.pdf"
        args = ("export", kind, "--class", class_name, "--semester", "year", "--out", str(path))
        assert sodiem(url, *args).returncode == 0
        checked = sodiem(url, "export", "verify", str(path))
        assert checked.returncode == 0 and f"khớp với dữ liệu ({named}, lớp {class_name}," in checked.stdout
