"""The học bạ PDF: one per student, saying what the student's transcript XML says (each subject's year
result, learning and conduct, absences, promotion, the principal's signature block under the national
heading), read back with poppler; ``export verify`` finds it equal to the data and names a score changed
since; ``--sign`` signs it with the box under "HIỆU TRƯỞNG", and the signed copy can be fetched again."""

from __future__ import annotations

import dataclasses
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import xmlschema
from sqlalchemy import update

from domain.class_record import StoredValue
from domain.evaluation.model import PROMOTED
from domain.report_card import evaluate_class
from exports.transcript import NAMESPACE, SCHEMA, transcripts
from exports.transcript_pdf import transcript_pdf
from locales import translator
from storage.models import ScoreRow, StudentRow
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS
from tests.exports.test_cli_and_verify import final_toan_score
from tests.exports.test_primary import primary_book
from tests.exports.test_primary_layout import COMMENT, long_class
from tests.exports.test_signing import assert_box_under_the_principal, ca, fetch_signed, signing, sodiem  # noqa: F401

N = f"{{{NAMESPACE}}}"


def export(url, out: Path, *extra, env=None):
    args = ("export", "transcript", "--class", CLASS, "--out", str(out), *extra)
    done = sodiem(url, *args, env=env)
    assert done.returncode == 0, done.stderr
    return done


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_each_students_hocba_pdf_says_what_the_xml_says(filled_url, tmp_path):
    export(filled_url, tmp_path / "xml")
    said = export(filled_url, tmp_path / "pdf", "--format", "pdf")
    assert "tệp học bạ (PDF)" in said.stdout
    xmls, pdfs = sorted((tmp_path / "xml").glob("*.xml")), sorted((tmp_path / "pdf").glob("*.pdf"))
    assert [p.stem for p in pdfs] == [x.stem for x in xmls] and pdfs
    root = ET.parse(xmls[0]).getroot()
    text = pdf_text(pdfs[0])
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "HỌC BẠ" in text and "HIỆU TRƯỞNG" in text
    student = root.find(f"{N}student")
    assert student.get("fullName") in text
    born = student.get("dateOfBirth").split("-")
    assert f"Ngày sinh: {born[2]}/{born[1]}/{born[0]}" in text
    for subject in root.find(f"{N}subjects"):
        results = [subject.find(f"{N}{name}/{N}score") for name in ("semester1", "semester2", "year")]
        if None in results:  # rated subjects (Đ / CĐ): their long names wrap over two lines
            assert subject.find(f"{N}year/{N}mark").text in text
            continue
        row = next(line for line in lines if line.startswith(subject.get("name") + " "))
        shown = row.removeprefix(subject.get("name")).split()[:3]
        assert [r.text.replace(".", ",") for r in results] == shown, row
    assert root.find(f"{N}learning/{N}year").text in text and root.find(f"{N}conduct/{N}year").text in text
    absences = root.find(f"{N}absences")
    assert f"có phép {absences.get('excused')}, không phép {absences.get('unexcused')}" in text
    assert root.find(f"{N}principal").text in text
    assert f"Mã kiểm tra dữ liệu: {root.get('fingerprint')}" in text


async def test_verify_finds_the_hocba_pdf_equal_then_names_a_score_changed_since(
    filled, filled_url, tmp_path
):
    export(filled_url, tmp_path, "--format", "pdf")
    async with filled.session() as session:
        score = await final_toan_score(session, 2)
        student = await session.get(StudentRow, score.student_id)
    path = next(tmp_path.glob(f"{student.code}-*.pdf"))
    checked = sodiem(filled_url, "export", "verify", str(path))
    assert checked.returncode == 0 and "(học bạ, lớp 6A" in checked.stdout, checked.stdout + checked.stderr
    before = score.value
    async with filled.session() as session:
        other = "2.0" if before != "2.0" else "3.0"
        await session.execute(update(ScoreRow).where(ScoreRow.id == score.id).values(value=other))
        await session.commit()
    try:
        changed = sodiem(filled_url, "export", "verify", str(path))
    finally:
        async with filled.session() as session:
            await session.execute(update(ScoreRow).where(ScoreRow.id == score.id).values(value=before))
            await session.commit()
    assert changed.returncode == 1 and "KHÁC dữ liệu" in changed.stdout and "Toán" in changed.stdout


def test_a_signed_hocba_pdf_is_intact_boxed_under_the_principal_and_fetched_again(filled_url, ca, tmp_path):  # noqa: F811
    _, p12, trust = ca
    export(filled_url, tmp_path / "drawn", "--format", "pdf")
    export(filled_url, tmp_path, "--format", "pdf", "--sign", "--replace", env=signing(p12))
    path = sorted(tmp_path.glob("*.pdf"))[0]
    assert_box_under_the_principal(path, tmp_path / "drawn" / path.name)
    checked = sodiem(filled_url, "export", "verify", str(path), env={"SODIEM_SIGNING_TRUST": str(trust)})
    assert (
        checked.returncode == 0
        and "NGUYÊN VẸN" in checked.stdout
        and "nơi cấp được tin cậy" in checked.stdout
    )
    fetched = tmp_path / "lai.pdf"
    code = path.name.split("-")[0]
    again = fetch_signed(filled_url, "transcript_pdf", fetched, "--student", code)
    assert again.returncode == 0, again.stderr
    assert fetched.read_bytes() == path.read_bytes()


def test_a_primary_hocba_pdf_gives_each_subjects_level_test_and_the_ratings(tmp_path):
    book = primary_book()
    year_end = (StoredValue(7, 1, 2, "final", 1, "T"), StoredValue(7, 1, 2, "test", 2, "9"))
    book = dataclasses.replace(
        book, values=book.values + year_end, ratings={7: {"chăm chỉ": "T", "tự chủ và tự học": "Đ"}}
    )
    _, document, _ = transcripts(book)[0]
    path = tmp_path / "hocba.pdf"
    path.write_bytes(transcript_pdf(book.school, document, translator("vi")))
    lines = [" ".join(line.split()) for line in pdf_text(path).splitlines()]
    assert "Tiếng Việt T 9 Đọc lưu loát, viết đúng chính tả." in lines
    assert "Chăm chỉ T" in lines and "Tự chủ và tự học Đ" in lines
    assert not [line for line in lines if "Kết quả rèn luyện" in line]  # TT27 has no conduct rating


def test_a_grade_5_hocba_gives_the_education_result_the_primary_programme_and_the_homeroom_comment(tmp_path):
    book = long_class()
    [result, *_] = evaluate_class(book)
    _, document, _ = transcripts(book)[0]
    root = ET.fromstring(document)
    assert root.find(f"{N}homeroomComment").text == COMMENT
    xmlschema.XMLSchema(str(SCHEMA)).validate(document.decode())
    path = tmp_path / "hocba.pdf"
    path.write_bytes(transcript_pdf(book.school, document, translator("vi")))
    text = " ".join(pdf_text(path).split())
    completed = "Hoàn thành" if result.promotion == PROMOTED else "Chưa hoàn thành"
    assert f"Kết quả giáo dục cả năm: {result.learning['year']}" in text
    assert f"Hoàn thành chương trình tiểu học: {completed}" in text and "Lên lớp" not in text
    assert "Yêu nước" in text and "Giải quyết vấn đề và sáng tạo" in text  # as the cards write them
    assert f"Nhận xét của giáo viên chủ nhiệm: {COMMENT}" in text


async def test_a_grade_9_hocba_says_hoan_thanh_chuong_trinh_thcs_not_len_lop(filled, tmp_path):
    async with UnitOfWork(filled, read_only=True) as uow:
        book = dataclasses.replace(await uow.exports.class_book(CLASS), grade=9)
    weak = book.students[0].id  # every score 3,0, every mark CĐ: re-tested, not through yet
    low = lambda v: "CĐ" if v.value in ("Đ", "CĐ") else "3.0"  # noqa: E731
    values = tuple(dataclasses.replace(v, value=low(v)) if v.student_id == weak else v for v in book.values)
    book = dataclasses.replace(book, values=values)
    results = evaluate_class(book)
    documents = transcripts(book)
    for promoted in (True, False):
        n = next(n for n, r in enumerate(results) if (r.promotion == PROMOTED) is promoted)
        path = tmp_path / f"{n}.pdf"
        path.write_bytes(transcript_pdf(book.school, documents[n][1], translator("vi")))
        text = " ".join(pdf_text(path).split())
        assert ("Hoàn thành chương trình THCS" in text) is promoted
        assert ("Lên lớp / ở lại lớp: " in text) is not promoted
