"""The DBF of a class for a semester: read back by an independent reader (dbfread), it holds exactly
what the database holds, in Vietnamese, with scores as numbers."""

from __future__ import annotations

from decimal import Decimal

import dbf
import dbfread
from sqlalchemy import select

from domain.report_card import evaluate_class
from exports.dbf_file import write_dbf
from exports.verify import verify
from locales import translator
from storage.models import ScoreRow, StudentRow, SubjectRow
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS

T = translator("vi")
COLUMN_FIELDS = {("regular", n): f"TX{n}" for n in range(1, 9)} | {("midterm", 1): "GK1", ("final", 1): "CK"}


async def _book(database):
    async with UnitOfWork(database, read_only=True) as uow:
        return await uow.exports.class_book(CLASS)


async def _stored(database, semester: int) -> dict[tuple[str, str, str], str]:
    """(student code, subject code, DBF field) → the value as the database holds it."""
    async with database.session() as session:
        rows = await session.execute(
            select(StudentRow.code, SubjectRow.code, ScoreRow.kind, ScoreRow.position, ScoreRow.value)
            .join(StudentRow, StudentRow.id == ScoreRow.student_id)
            .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
            .where(ScoreRow.semester == semester)
        )
        return {
            (student, subject, COLUMN_FIELDS[(kind, pos)]): value
            for student, subject, kind, pos, value in rows
        }


def _read(path) -> list[dict]:
    return list(dbfread.DBF(str(path), encoding="utf-8"))


async def test_every_value_of_the_semester_reads_back_from_the_dbf(filled, tmp_path):
    book = await _book(filled)
    path = tmp_path / "6A-HK1.dbf"
    write_dbf(book, 1, path)
    records = _read(path)
    assert len(records) == len(book.students) * len(book.subjects)
    stored = await _stored(filled, 1)
    found = {}
    for record in records:
        for field in ("TX1", "TX2", "TX3", "TX4", "GK1", "CK"):
            number, mark = record[field], record["M" + field]
            if number is not None:
                assert isinstance(number, float)
                found[(record["MAHS"], record["MAMON"], field)] = str(
                    Decimal(repr(number)).quantize(Decimal("0.1"))
                )
            elif mark:
                found[(record["MAHS"], record["MAMON"], field)] = mark
    assert found == {key: value for key, value in stored.items() if key[0] in {s.code for s in book.students}}


async def test_names_subjects_and_levels_read_back_in_vietnamese(filled, tmp_path):
    book = await _book(filled)
    path = tmp_path / "6A-HK2.dbf"
    write_dbf(book, 2, path)
    records = _read(path)
    first = records[0]
    assert first["HOTEN"] == book.students[0].full_name
    assert {r["TENMON"] for r in records} >= {"Ngữ văn", "Toán", "Lịch sử và Địa lí", "Giáo dục thể chất"}
    assert (first["LOP"], first["NAMHOC"], first["HOCKY"]) == (CLASS, book.year.name, 2)
    assert first["RENLUYEN"] == book.conduct[book.students[0].id][2]
    assert first["HOCTAP"] in ("Tốt", "Khá", "Đạt", "Chưa đạt")
    art = next(r for r in records if r["TENMON"] == "Nghệ thuật")
    assert art["CK"] is None and art["MCK"] in ("Đ", "CĐ") and art["MTBM"] in ("Đ", "CĐ")
    maths = next(r for r in records if r["TENMON"] == "Toán")
    assert isinstance(maths["TBM"], float) and 0 <= maths["TBM"] <= 10
    absences = sum(r["NGHICP"] + r["NGHIKP"] for r in records if r["MAMON"] == "TOAN")
    assert absences == 3


async def test_the_year_file_holds_year_averages_levels_promotion_award_and_each_subjects_teacher(
    filled, tmp_path
):
    book = await _book(filled)
    path = tmp_path / "6A-CN.dbf"
    write_dbf(book, 0, path)
    records = _read(path)
    assert len(records) == len(book.students) * len(book.subjects)
    results = evaluate_class(book)
    by_code = {s.code: r for s, r in zip(book.students, results, strict=True)}
    teachers = {subject.code: book.teachers[sid] for sid, subject in book.subjects}
    for record in records:
        result = by_code[record["MAHS"]]
        subject = next(s for _, s in book.subjects if s.code == record["MAMON"])
        year = result.subjects[subject.name].results["year"]
        if isinstance(year, Decimal):
            assert Decimal(repr(record["TBM"])).quantize(Decimal("0.1")) == year
        else:
            assert (record["TBM"], record["MTBM"]) == (None, year)
        assert record["HOCKY"] == 0 and record["TX1"] is None and record["CK"] is None
        assert (record["HOCTAP"], record["RENLUYEN"]) == (result.learning["year"], result.conduct["year"])
        assert record["LENLOP"] == result.promotion and record["DANHHIEU"] == (result.award or "")
        assert record["GVBM"] == teachers[record["MAMON"]]
    assert {r["LENLOP"] for r in records} >= {"lên lớp"}


async def test_the_year_file_equals_the_data_until_a_year_average_is_changed(filled, tmp_path):
    book = await _book(filled)
    path = tmp_path / "6A-CN.dbf"
    write_dbf(book, 0, path)
    verdict = await verify(filled, path, T)
    assert verdict.differences == [] and verdict.period == "year"  # HOCKY 0: the year, as the PDFs name it
    table = dbf.Table(str(path))
    table.open(dbf.READ_WRITE)
    record = next(r for r in table if r.tbm is not None)
    with record:
        before, record.tbm = record.tbm, 9.9 if record.tbm != 9.9 else 9.8
    table.close()
    [difference] = (await verify(filled, path, T)).differences
    assert difference.where.endswith("· TBM") and difference.expected == f"{before:.1f}"
