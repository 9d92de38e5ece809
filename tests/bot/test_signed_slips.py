"""A correction slip is signed when the correction is approved: the vice-principal approves, the slip is
signed with the school's certificate (the box under "Ban giám hiệu duyệt" names her), kept and recorded;
"In phiếu" then sends the signed slip. A signer that cannot sign leaves the approval standing, says
why, and keeps nothing."""

from __future__ import annotations

import io

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import select

from storage.models import ChangeRow, SignedPaperRow
from tests.bot.test_corrections import REGULAR, correction_scene, read_pdf, send_without_photo, stored
from tests.bot.test_signing import certificate  # noqa: F401 (the fixture)

APPROVED = "đã được Phạm Văn Phó duyệt"
PRINT = "🖨 In phiếu (PDF)"


async def approve_and_print(school):
    """The teacher asks for 6 → 7,5 without a photo, the vice-principal approves and prints the slip."""
    async with correction_scene(school) as (first, teacher, deputy):
        card = await send_without_photo(teacher, deputy, first, "7,5")
        deputy.press("✅ Duyệt", card)
        done = await deputy.wait_for(lambda m: APPROVED in m.text and PRINT in m.button_texts)
        deputy.press(PRINT, done)
        printed = await deputy.wait_for(lambda m: m.file is not None and m.file.file_name.endswith(".pdf"))
        told = await teacher.wait_for(lambda m: APPROVED in m.text and PRINT in m.button_texts)
        teacher.press(PRINT, told)
        theirs = await teacher.wait_for(lambda m: m.file is not None)
        return deputy, deputy.file_bytes(printed), teacher.file_bytes(theirs)


async def test_the_approved_slip_is_signed_by_the_school_and_printed_signed(school, certificate, tmp_path):  # noqa: F811
    deputy, printed, teachers = await approve_and_print(school)
    assert await stored(school, REGULAR) == ["7.5", "8", "9"]
    assert teachers == printed  # the teacher prints the same signed slip
    anchor = asn1_x509.Certificate.load(certificate.cert.public_bytes(Encoding.DER))
    signature = PdfFileReader(io.BytesIO(printed)).embedded_signatures[0]
    status = await async_validate_pdf_signature(
        signature, signer_validation_context=ValidationContext(trust_roots=[anchor], allow_fetching=False)
    )
    assert status.intact and status.valid and status.trusted
    text, _ = read_pdf(printed, tmp_path)
    assert "PHIẾU GHI NHẬN VIỆC CHỈNH ĐIỂM #" in text and "6 → 7,5" in text
    box = _signature_box(printed)
    assert box is not None and box[0] > 297  # in the right column, under the leadership's caption
    async with school.database.session(read_only=True) as session:
        rows = list(await session.scalars(select(SignedPaperRow).where(SignedPaperRow.kind == "correction")))
        audit = await session.scalar(select(ChangeRow).where(ChangeRow.entity == "signed_paper"))
    assert len(rows) == 1 and rows[0].data == printed and rows[0].class_name == "6A"
    assert rows[0].certificate == "Nguyễn Thị Hạnh" and audit.reason.startswith("correction ")


def _signature_box(data: bytes) -> list[float] | None:
    """The visible signature's rectangle: under "Ban giám hiệu duyệt", inside the page."""
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[-1]
    for annotation in page.get("/Annots", []):
        found = annotation.get_object()
        if found.get("/FT") == "/Sig":
            x1, y1, x2, y2 = (float(v) for v in found["/Rect"])
            assert 0 <= x1 < x2 <= float(page.mediabox.width) and 0 <= y1 < y2 <= float(page.mediabox.height)
            return [x1, y1, x2, y2]
    return None


async def test_a_wrong_password_leaves_the_approval_and_no_signed_slip(school, certificate, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SODIEM_SIGNING_PASSWORD", "sai-mat-khau")
    deputy, printed, _ = await approve_and_print(school)
    said = [m.text for m in deputy.messages if "chưa ký số được" in m.text]
    assert len(said) == 1 and "Sai mật khẩu" in said[0]
    assert await stored(school, REGULAR) == ["7.5", "8", "9"]
    assert PdfFileReader(io.BytesIO(printed)).embedded_signatures == []
    async with school.database.session(read_only=True) as session:
        assert await session.scalar(select(SignedPaperRow.id)) is None
