"""``sodiem export`` at the command line, and ``export verify``: the paper and the file equal the data,
and one changed score is found and named."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import dbf
import dbfread
import xmlschema
from openpyxl import load_workbook
from sqlalchemy import select, update

from exports.transcript import SCHEMA
from storage.models import ExportRow, ScoreRow, StudentRow, SubjectRow
from tests.cli.command import sodiem_in_process
from tests.exports.conftest import CLASS


def sodiem(url: str, *args: str, lang: str = "vi") -> subprocess.CompletedProcess:
    """The command in this process (tests/cli/command.py) on the database at ``url``."""
    return sodiem_in_process(["--database", url, *args], Path.cwd(), {"SODIEM_LOCALE": lang})


def test_a_dbf_equals_the_data_until_one_score_in_it_is_changed(filled_url, tmp_path):
    path = tmp_path / "6A-HK1.dbf"
    done = sodiem(filled_url, "export", "dbf", "--class", CLASS, "--semester", "1", "--out", str(path))
    assert done.returncode == 0, done.stderr
    assert "Mã kiểm tra dữ liệu" in done.stdout
    checked = sodiem(filled_url, "export", "verify", str(path))
    assert checked.returncode == 0 and "khớp với dữ liệu" in checked.stdout
    table = dbf.Table(str(path))
    table.open(dbf.READ_WRITE)
    with table[0] as record:
        name, subject, before = record.hoten.strip(), record.mamon.strip(), record.tx1
        record.tx1 = 10.0 if before != 10.0 else 9.0
    table.close()
    changed = sodiem(filled_url, "export", "verify", str(path))
    assert changed.returncode == 1
    assert "ở 1 chỗ" in changed.stdout
    line = next(line for line in changed.stdout.splitlines() if "TX1" in line)
    assert name in line and subject in line and f"«{Decimal(repr(before)).quantize(Decimal('0.1'))}»" in line


async def final_toan_score(session, semester: int) -> ScoreRow:
    """A student's end-of-semester test score in Toán."""
    return await session.scalar(
        select(ScoreRow)
        .join(SubjectRow, SubjectRow.id == ScoreRow.subject_id)
        .where(SubjectRow.code == "TOAN", ScoreRow.semester == semester, ScoreRow.kind == "final")
        .limit(1)
    )


async def test_a_gradebook_printed_before_a_score_changed_no_longer_equals_the_data(
    filled, filled_url, tmp_path
):
    async with filled.session() as session:
        score = await final_toan_score(session, 1)
        score_id, before = score.id, score.value
        student = await session.get(StudentRow, score.student_id)
        other = "9.5" if before != "9.5" else "8.5"
        await session.execute(update(ScoreRow).where(ScoreRow.id == score_id).values(value=other))
        await session.commit()
    path = tmp_path / "so-diem.pdf"
    try:
        done = sodiem(
            filled_url, "export", "gradebook", "--class", CLASS, "--semester", "1", "--out", str(path)
        )
        assert done.returncode == 0, done.stderr
        assert sodiem(filled_url, "export", "verify", str(path)).returncode == 0
    finally:
        async with filled.session() as session:
            await session.execute(update(ScoreRow).where(ScoreRow.id == score_id).values(value=before))
            await session.commit()
    checked = sodiem(filled_url, "export", "verify", str(path))
    assert checked.returncode == 1
    report = checked.stdout
    assert "KHÁC dữ liệu" in report and student.full_name in report
    assert f"«{other.replace('.', ',')}" in report and before.replace(".", ",") in report


def test_report_cards_transcripts_and_the_summary_from_the_command_line(filled_url, tmp_path):
    cards = tmp_path / "phieu.pdf"
    assert (
        sodiem(
            filled_url, "export", "reportcards", "--class", CLASS, "--semester", "year", "--out", str(cards)
        ).returncode
        == 0
    )
    assert sodiem(filled_url, "export", "verify", str(cards)).returncode == 0
    folder = tmp_path / "hocba"
    done = sodiem(filled_url, "export", "transcript", "--class", CLASS, "--out", str(folder))
    assert done.returncode == 0, done.stderr
    schema = xmlschema.XMLSchema(str(SCHEMA))
    files = sorted(folder.glob("*.xml"))
    assert files
    for file in files:
        schema.validate(str(file))
    document = schema.to_dict(str(files[0]))
    assert document["@class"] == CLASS and document["subjects"]["subject"]
    maths = next(s for s in document["subjects"]["subject"] if s["@code"] == "TOAN")
    assert isinstance(maths["year"]["score"], Decimal)
    xlsx = tmp_path / "tong-hop.xlsx"
    assert sodiem(filled_url, "export", "summary", "--out", str(xlsx)).returncode == 0
    sheet = load_workbook(xlsx).active
    rows = list(sheet.iter_rows(values_only=True))
    header, levels = rows[1], rows[2]
    six_a = next(row for row in rows if row[0] == CLASS)
    assert header[0] == "Lớp" and header[2] == "Kết quả rèn luyện / Hạnh kiểm"
    assert "Tốt" in levels and "lên lớp" in levels
    conduct, learning = six_a[2 : 2 + 5], six_a[7 : 7 + 5]  # TT22: rèn luyện (Điều 8), then học tập
    assert sum(conduct) == sum(learning) == six_a[1] and learning[-1] == 0  # every student of 6A classified
    classes = [row for row in rows[3:] if row[0] and str(row[0])[0].isdigit()]
    grade_6 = next(row for row in rows if row[0] == "Khối 6")
    assert grade_6[1] == sum(row[1] for row in classes if row[0].startswith("6"))
    total = next(row for row in rows if row[0] == "Toàn trường")
    assert total[1] == sum(row[1] for row in classes)
    shares = next(row for row in rows if row[0] == "Tỉ lệ toàn trường")
    assert shares[2] == f"{total[2] * 100 / total[1]:.1f}".replace(".", ",") + "%"
    assert any("HIỆU TRƯỞNG" in row for row in rows) and any("(Ký tên, đóng dấu)" in row for row in rows)


def test_bad_input_is_answered_plainly(filled_url, tmp_path):
    wrong = sodiem(
        filled_url, "export", "dbf", "--class", CLASS, "--semester", "mid1", "--out", str(tmp_path / "x")
    )
    assert wrong.returncode == 1 and "chỉ xuất cho: 1, 2, year" in wrong.stderr
    missing = sodiem(filled_url, "export", "verify", str(tmp_path / "none.pdf"))
    assert missing.returncode == 1 and "Không tìm thấy tệp" in missing.stderr
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert "không phải tệp do sodiem xuất" in sodiem(filled_url, "export", "verify", str(other)).stderr
    english = sodiem(
        filled_url, "export", "gradebook", "--class", "9Z", "--semester", "1", "--out", "x", lang="en"
    )
    assert english.returncode == 1 and "9Z" in english.stderr


async def test_every_export_is_recorded(filled, filled_url, tmp_path):
    sodiem(filled_url, "export", "dbf", "--class", CLASS, "--semester", "2", "--out", str(tmp_path / "a.dbf"))
    async with filled.session() as session:
        kept = await session.scalar(select(ExportRow).order_by(ExportRow.id.desc()).limit(1))
    assert (kept.kind, kept.scope, kept.period, kept.channel) == ("dbf", CLASS, "2", "cli")
    assert kept.file_name.endswith(".dbf") and len(kept.fingerprint) == 9
    assert len(list(dbfread.DBF(str(tmp_path / "a.dbf"), encoding="utf-8"))) > 0
