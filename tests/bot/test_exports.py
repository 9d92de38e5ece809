"""/xuat: the homeroom teacher takes the class's gradebook home as a PDF, the principal the DBF of any
class; nobody exports a class that is not theirs, whatever their buttons say."""

from __future__ import annotations

import subprocess
import unicodedata

import dbfread
from sqlalchemy import select

from storage.models import ClassRow, ExportRow, RefusalRow
from tests.bot.test_score_entry import link
from tests.exports.conftest import fill_class


def pdf_text(path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return unicodedata.normalize("NFC", done.stdout)


async def _class_id(school, name: str) -> int:
    async with school.database.session() as session:
        return await session.scalar(select(ClassRow.id).where(ClassRow.name == name))


async def test_the_homeroom_teacher_receives_the_gradebook_of_the_class_as_a_document(school, tmp_path):
    await fill_class(school.database, "6A", semesters=(1,))
    teacher = school.api.person(21, "Thầy Toàn")
    async with school.bot_running():
        await link(school, teacher, "GV01")
        teacher.send_command("/xuat")
        classes = await teacher.wait_for(lambda m: m.text.startswith("Xuất tệp của lớp nào"))
        assert classes.button_texts[:1] == ["6A"] and "6B" not in classes.button_texts
        teacher.press("6A", classes)
        kinds = await teacher.wait_for(lambda m: "Sổ điểm in (PDF)" in m.button_texts)
        teacher.press("Sổ điểm in (PDF)", kinds)
        periods = await teacher.wait_for(lambda m: "Cả năm" in m.button_texts)
        assert periods.button_texts[:3] == ["Học kỳ I", "Học kỳ II", "Cả năm"]
        teacher.press("Học kỳ I", periods)
        document = await teacher.wait_for(lambda m: m.file is not None)
    assert document.data["document"]["file_name"].endswith(".pdf")
    assert "Sổ điểm in (PDF) · lớp 6A · Học kỳ I" in document.text
    path = tmp_path / "so.pdf"
    path.write_bytes(teacher.file_bytes(document))
    text = pdf_text(path)
    assert "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH" in text and "Nguyễn Văn Bình" in text and "MÔN Toán" in text
    fingerprint = document.text.rsplit(": ", 1)[1]
    async with school.database.session() as session:
        kept = await session.scalar(select(ExportRow))
    assert (kept.kind, kept.scope, kept.period, kept.channel, kept.fingerprint) == (
        "gradebook",
        "6A",
        "1",
        "telegram",
        fingerprint,
    )
    assert kept.staff_id is not None


async def test_the_principal_exports_any_class_and_a_teacher_cannot_forge_another_class(school, tmp_path):
    principal = school.api.person(22, "Cô Hạnh")
    other = school.api.person(23, "Cô Văn")
    six_a = await _class_id(school, "6A")
    async with school.bot_running():
        await link(school, principal, "CB01")
        await link(school, other, "GV02")
        principal.send_command("/xuat")
        classes = await principal.wait_for(lambda m: m.text.startswith("Xuất tệp của lớp nào"))
        assert classes.button_texts[:2] == ["6A", "6B"]
        principal.press("6B", classes)
        principal.press("Tệp DBF", await principal.wait_for(lambda m: "Tệp DBF" in m.button_texts))
        periods = await principal.wait_for(lambda m: "Học kỳ II" in m.button_texts)
        assert "Cả năm" in periods.button_texts and "Giữa học kỳ I" not in periods.button_texts
        principal.press("Học kỳ I", periods)
        document = await principal.wait_for(lambda m: m.file is not None)
        path = tmp_path / "6B.dbf"
        path.write_bytes(principal.file_bytes(document))
        records = list(dbfread.DBF(str(path), encoding="utf-8"))
        assert {r["HOTEN"] for r in records} == {"Phạm Thu Ân"} and records[0]["LOP"] == "6B"

        other.send_command("/xuat")
        own = await other.wait_for(lambda m: m.text.startswith("Xuất tệp của lớp nào"))
        assert own.button_texts[:1] == ["6B"]
        other.press_data(own.message_id, f"xu:p:{six_a}:g:1")
        refused = await other.wait_for(lambda m: "không có quyền" in m.text or "not allowed" in m.text)
        assert refused.file is None
    async with school.database.session() as session:
        refusals = (await session.scalars(select(RefusalRow).where(RefusalRow.action == "export"))).all()
        exports = (await session.scalars(select(ExportRow))).all()
    assert [r.detail for r in refusals] == [f"xu:p:{six_a}:g:1"]
    assert [(e.kind, e.scope) for e in exports] == [("dbf", "6B")]
