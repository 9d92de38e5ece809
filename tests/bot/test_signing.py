"""/kyso: semester I has ended; the principal sees class 6A's book waiting for her signature, reads it,
signs it with one tap after a confirmation and receives the signed PDF, which ``sodiem export verify``
confirms (signature and data). Signing again asks first and keeps both copies; a teacher is refused."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from storage.models import ChangeRow, RefusalRow, SignedPaperRow
from tests.bot.test_score_entry import link
from tests.exports.conftest import fill_class
from tests.exports.test_signing import sodiem
from tests.signing.ca import PASSWORD, SchoolCA, write_pkcs12

BOOK = "Sổ điểm lớp 6A · Học kỳ I"


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    authority = SchoolCA.make()
    key, cert = authority.issue("Nguyễn Thị Hạnh")
    p12 = write_pkcs12(tmp_path / "truong.p12", key, cert, authority)
    monkeypatch.setenv("SODIEM_SIGNING", f"pkcs12:{p12}")
    monkeypatch.setenv("SODIEM_SIGNING_PASSWORD", PASSWORD)
    return authority


async def test_the_principal_signs_the_class_book_with_one_tap(school, certificate, tmp_path):
    await fill_class(school.database, "6A", semesters=(1,))
    school.clock.now = datetime(2026, 1, 19, 1, 0, tzinfo=UTC)  # the Monday after semester I ended
    principal = school.api.person(31, "Cô Hạnh")
    teacher = school.api.person(32, "Thầy Toàn")
    async with school.bot_running():
        await link(school, principal, "CB01")
        await link(school, teacher, "GV01")
        principal.send_command("/kyso")
        waiting = await principal.wait_for(lambda m: m.text.startswith("Giấy tờ chờ ký số"))
        assert waiting.button_texts[:2] == [BOOK, "Sổ điểm lớp 6B · Học kỳ I"]
        principal.press(BOOK, waiting)
        preview = await principal.wait_for(lambda m: m.file is not None)
        assert "bản hiện tại để xem trước khi ký" in preview.text
        assert PdfFileReader(io.BytesIO(principal.file_bytes(preview))).embedded_signatures == []
        principal.press("✍️ Ký số", preview)
        confirm = await principal.wait_for(lambda m: m.text.startswith("Ký số «"))
        principal.press("✅ Xác nhận ký", confirm)
        signed = await principal.wait_for(lambda m: m.file is not None and m.text.startswith("Đã ký số"))
        assert "bằng chứng thư của Nguyễn Thị Hạnh" in signed.text

        teacher.send_command("/kyso")
        await teacher.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền làm việc này"))

        principal.send_command("/kyso")
        again = await principal.wait_for(
            lambda m: m.text.startswith("Giấy tờ chờ ký số") and m is not waiting
        )
        assert f"✓ {BOOK}" in again.button_texts
        principal.press(f"✓ {BOOK}", again)
        shown = await principal.wait_for(lambda m: m.file is not None and "Đã ký lúc" in m.text)
        principal.press("✍️ Ký lại", shown)
        twice = await principal.wait_for(lambda m: "đã được ký. Ký lại sẽ thay bản đang dùng" in m.text)
        principal.press("✅ Xác nhận ký", twice)
        await principal.wait_for(
            lambda m: m.file is not None and m.text.startswith("Đã ký số") and m is not signed
        )

    data = principal.file_bytes(signed)
    anchor = asn1_x509.Certificate.load(certificate.cert.public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[anchor], allow_fetching=False)
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = await async_validate_pdf_signature(signature, signer_validation_context=context)
    assert status.intact and status.valid and status.trusted
    path = tmp_path / "so-6A-ky.pdf"
    path.write_bytes(data)
    checked = sodiem(
        school.database.url,
        "export",
        "verify",
        str(path),
        env={"SODIEM_SIGNING_TRUST": str(certificate.pem(tmp_path))},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Chữ ký số: NGUYÊN VẸN — ký bởi Nguyễn Thị Hạnh" in checked.stdout
    assert "khớp với dữ liệu (sổ điểm, lớp 6A" in checked.stdout

    async with school.database.session() as session:
        rows = list(await session.scalars(select(SignedPaperRow).order_by(SignedPaperRow.id)))
        audit = list(await session.scalars(select(ChangeRow).where(ChangeRow.entity == "signed_paper")))
        refusals = list(await session.scalars(select(RefusalRow).where(RefusalRow.action == "sign")))
    assert [(r.kind, r.class_name, r.period, r.current) for r in rows] == [
        ("gradebook", "6A", "1", False),
        ("gradebook", "6A", "1", True),
    ]
    assert rows[0].data == data and rows[0].channel == "telegram" and rows[0].staff_id is not None
    assert len(audit) == 2 and audit[1].old_value is not None
    assert len(refusals) == 1


async def test_a_named_vice_principal_may_sign_and_a_wrong_password_keeps_nothing(
    school, certificate, monkeypatch
):
    school.clock.now = datetime(2026, 1, 19, 1, 0, tzinfo=UTC)
    deputy = school.api.person(33, "Thầy Phó")
    async with school.bot_running():
        await link(school, deputy, "CB02")
        deputy.send_command("/kyso")
        await deputy.wait_for(lambda m: m.text.startswith("Xin lỗi, bạn không có quyền làm việc này"))
        # in a thread: the bot shares this event loop and must go on finishing its turns meanwhile
        named = await asyncio.to_thread(sodiem, school.database.url, "school", "set", "--signer", "CB02")
        assert named.returncode == 0, named.stderr
        assert "Phó hiệu trưởng Phạm Văn Phó (CB02) được ký số" in named.stdout
        deputy.send_command("/kyso")
        waiting = await deputy.wait_for(lambda m: m.text.startswith("Giấy tờ chờ ký số"))
        assert BOOK in waiting.button_texts
        monkeypatch.setenv("SODIEM_SIGNING_PASSWORD", "sai-mat-khau")
        deputy.press(BOOK, waiting)
        deputy.press("✍️ Ký số", await deputy.wait_for(lambda m: m.file is not None))
        deputy.press("✅ Xác nhận ký", await deputy.wait_for(lambda m: m.text.startswith("Ký số «")))
        await deputy.wait_for(lambda m: m.text.startswith("Sai mật khẩu của tệp chứng thư số"))
    async with school.database.session() as session:
        assert list(await session.scalars(select(SignedPaperRow))) == []  # nothing half-signed kept
    teacher = sodiem(school.database.url, "school", "set", "--signer", "GV01")
    assert teacher.returncode != 0 and "không phải mã của một phó hiệu trưởng" in teacher.stderr


async def test_the_principal_signs_a_classs_hocba_xml_and_pdf_with_one_tap(school, certificate):
    await fill_class(school.database, "6A")
    school.clock.now = datetime(2026, 6, 2, 1, 0, tzinfo=UTC)  # the Tuesday after the year ended
    principal = school.api.person(31, "Cô Hạnh")
    hocba = "Học bạ lớp 6A · Cả năm"
    async with school.bot_running():
        await link(school, principal, "CB01")
        principal.send_command("/kyso")
        waiting = await principal.wait_for(lambda m: m.text.startswith("Giấy tờ chờ ký số"))
        principal.press(hocba, waiting)
        preview = await principal.wait_for(lambda m: "✍️ Ký số" in m.button_texts)
        principal.press("✍️ Ký số", preview)
        principal.press("✅ Xác nhận ký", await principal.wait_for(lambda m: m.text.startswith("Ký số «")))
        done = await principal.wait_for(lambda m: m.text.startswith("Đã ký số"))
    async with school.database.session() as session:
        rows = list(await session.scalars(select(SignedPaperRow).where(SignedPaperRow.class_name == "6A")))
    xml = {r.student_code: r.data for r in rows if r.kind == "transcript"}
    pdf = {r.student_code: r.data for r in rows if r.kind == "transcript_pdf"}
    assert xml and xml.keys() == pdf.keys() and f"({2 * len(xml)} tệp)" in done.text
    assert all(data.startswith(b"<?xml") for data in xml.values())
    signature = PdfFileReader(io.BytesIO(next(iter(pdf.values())))).embedded_signatures[0]
    anchor = asn1_x509.Certificate.load(certificate.cert.public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[anchor], allow_fetching=False)
    status = await async_validate_pdf_signature(signature, signer_validation_context=context)
    assert status.intact and status.trusted
