"""Signed papers at the command line (``--sign``, ``export signed``, ``export verify``): the school's test
certificate signs, pyHanko's own validation and signxml confirm, and a paper changed after signing —
one byte, or an incremental update over a score — fails verify naming the signature as broken."""

from __future__ import annotations

import asyncio
import io
import re
import subprocess
from pathlib import Path

import pytest
import xmlschema
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from exports.transcript import SCHEMA
from storage.db import Database
from storage.models import ChangeRow, SignedPaperRow
from tests.cli.command import sodiem_in_process
from tests.exports.conftest import CLASS
from tests.signing.ca import PASSWORD, SchoolCA, write_pkcs12


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ca")
    authority = SchoolCA.make()
    key, cert = authority.issue()
    p12 = write_pkcs12(folder / "school.p12", key, cert, authority)
    return authority, p12, authority.pem(folder)


def sodiem(url, *args, env=None):
    """The command in this process (tests/cli/command.py) on the database at ``url``."""
    return sodiem_in_process(["--database", url, *args], Path.cwd(), {"SODIEM_LOCALE": "vi", **(env or {})})


def export_gradebook(url, semester, out, env, *extra):
    """``sodiem export gradebook --class 6A --semester S --out OUT --sign`` with the signer in ``env``."""
    args = ("export", "gradebook", "--class", CLASS, "--semester", semester, "--out", str(out), "--sign")
    return sodiem(url, *args, *extra, env=env)


def fetch_signed(url, what, out, *extra):
    return sodiem(url, "export", "signed", "--class", CLASS, "--what", what, "--out", str(out), *extra)


def trusting(trust):
    return {"SODIEM_SIGNING_TRUST": str(trust)}


def signing(p12, trust=None, password=PASSWORD):
    env = {"SODIEM_SIGNING": f"pkcs12:{p12}", "SODIEM_SIGNING_PASSWORD": password}
    return {**env, "SODIEM_SIGNING_TRUST": str(trust)} if trust else env


async def signed_rows(url):
    database = Database(url)
    try:
        async with database.session() as session:
            return list(await session.scalars(select(SignedPaperRow).order_by(SignedPaperRow.id)))
    finally:
        await database.dispose()


def pyhanko_status(data: bytes, authority: SchoolCA):
    anchor = asn1_x509.Certificate.load(authority.cert.public_bytes(Encoding.DER))
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[anchor], allow_fetching=False))


def assert_box_under_the_principal(path: Path, drawn: Path | None = None) -> None:
    """The visible signature stands on the page signed by HIỆU TRƯỞNG, inside the page, under the role,
    over no text (words as poppler places them: in ``drawn``, the paper before signing, when given, since
    poppler may read the box's own words too)."""
    reader = PdfReader(str(path))
    placed = [
        (number, [float(v) for v in annotation.get_object()["/Rect"]])
        for number, page in enumerate(reader.pages)
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/FT") == "/Sig"
    ]
    assert len(placed) == 1
    number, (x1, y1, x2, y2) = placed[0]
    height = float(reader.pages[number].mediabox.height)
    top, bottom = height - y2, height - y1
    assert 0 <= x1 < x2 <= float(reader.pages[number].mediabox.width) and 0 <= top < bottom <= height
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(number + 1), "-l", str(number + 1), str(drawn or path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(a), float(b), float(c), float(d), word)
        for a, b, c, d, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', boxes
        )
    ]
    role = [w for w in words if w[4] == "TRƯỞNG"]
    assert role and role[-1][3] < top  # under the role
    assert not [w for w in words if w[0] < x2 and w[2] > x1 and w[1] < bottom and w[3] > top]


def test_a_signed_gradebook_is_intact_names_its_signer_and_chains_to_the_school_ca(filled_url, ca, tmp_path):
    authority, p12, trust = ca
    out = tmp_path / "so-6A.pdf"
    made = export_gradebook(filled_url, "year", out, signing(p12))
    assert made.returncode == 0, made.stderr
    assert "Đã ký số 6A-gradebook-2025-2026-year.pdf bằng chứng thư của Nguyễn Văn Hiệu" in made.stdout
    status = pyhanko_status(out.read_bytes(), authority)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "Nguyễn Văn Hiệu"
    assert (
        "HIỆU TRƯỞNG" in subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    )

    checked = sodiem(filled_url, "export", "verify", str(out), env=trusting(trust))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (
        "Chữ ký số: NGUYÊN VẸN — ký bởi Nguyễn Văn Hiệu, chứng thư do CA Thử nghiệm sodiem cấp"
        in checked.stdout
    )
    assert "khớp với dữ liệu (sổ điểm, lớp 6A, năm học 2025-2026, Cả năm)" in checked.stdout

    untrusted = sodiem(filled_url, "export", "verify", str(out))
    assert untrusted.returncode == 0
    assert "không thuộc nơi cấp được tin cậy" in untrusted.stdout and "HỎNG" not in untrusted.stdout

    fetched = tmp_path / "lai.pdf"
    again = fetch_signed(filled_url, "gradebook", fetched, "--semester", "year")
    assert again.returncode == 0, again.stderr
    assert fetched.read_bytes() == out.read_bytes()


def test_a_signed_gradebook_with_one_byte_changed_fails_verify_naming_the_signature(filled_url, ca, tmp_path):
    _, p12, trust = ca
    out = tmp_path / "so.pdf"
    export_gradebook(filled_url, "1", out, signing(p12))
    data = bytearray(out.read_bytes())
    data[len(data) // 3] ^= 0x01
    changed = tmp_path / "sua.pdf"
    changed.write_bytes(bytes(data))
    checked = sodiem(filled_url, "export", "verify", str(changed), env=trusting(trust))
    assert checked.returncode == 1
    assert "Chữ ký số: HỎNG — tệp đã bị sửa sau khi ký (người ký: Nguyễn Văn Hiệu)" in checked.stdout


def _overlay(width: float, height: float) -> bytes:
    """A page drawing a white patch and a new score over the first table's first cell row."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(300, 400, 60, 14, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawString(305, 403, "10,0")
    canvas.save()
    return buffer.getvalue()


def test_an_incremental_update_over_a_score_after_signing_fails_verify(filled_url, ca, tmp_path):
    authority, p12, trust = ca
    out = tmp_path / "so.pdf"
    export_gradebook(filled_url, "2", out, signing(p12))
    writer = PdfWriter(str(out), incremental=True)
    page = writer.pages[5]
    page.merge_page(
        PdfReader(io.BytesIO(_overlay(float(page.mediabox.width), float(page.mediabox.height)))).pages[0]
    )
    updated = tmp_path / "cap-nhat.pdf"
    with updated.open("wb") as file:
        writer.write(file)
    assert updated.read_bytes().startswith(
        out.read_bytes()
    )  # the signed revision is still in there, unchanged
    status = pyhanko_status(updated.read_bytes(), authority)
    assert status.intact and status.coverage != SignatureCoverageLevel.ENTIRE_FILE

    checked = sodiem(filled_url, "export", "verify", str(updated), env=trusting(trust))
    assert checked.returncode == 1
    assert "Chữ ký số: HỎNG" in checked.stdout


def test_signing_again_needs_a_confirmation_and_keeps_both(filled_url, ca, tmp_path):
    _, p12, _ = ca
    args = ("export", "reportcards", "--class", CLASS, "--semester", "1", "--sign")
    first = sodiem(filled_url, *args, "--out", str(tmp_path / "a.pdf"), env=signing(p12))
    assert first.returncode == 0, first.stderr
    refused = sodiem(filled_url, *args, "--out", str(tmp_path / "b.pdf"), env=signing(p12))
    assert refused.returncode != 0
    assert "đã được ký lúc" in refused.stderr and "--replace" in refused.stderr
    assert not (tmp_path / "b.pdf").exists()
    replaced = sodiem(filled_url, *args, "--replace", "--out", str(tmp_path / "c.pdf"), env=signing(p12))
    assert replaced.returncode == 0, replaced.stderr
    rows = [r for r in asyncio.run(signed_rows(filled_url)) if r.kind == "reportcards" and r.period == "1"]
    assert [row.current for row in rows] == [False, True]
    assert rows[1].data == (tmp_path / "c.pdf").read_bytes()


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("password", "Sai mật khẩu của tệp chứng thư số"),
        ("expired", "đã hết hạn ngày"),
        ("usage", "không được phép dùng để ký"),
        ("missing", "Không tìm thấy tệp"),
        ("setting", "SODIEM_SIGNING không đúng dạng"),
    ],
)
def test_a_bad_signer_is_named_and_nothing_half_signed_is_stored(filled_url, ca, tmp_path, problem, message):
    authority, p12, _ = ca
    env = signing(p12)
    if problem == "password":
        env = signing(p12, password="sai-roi")
    elif problem in ("expired", "usage"):
        key, cert = (
            authority.issue(days=(-400, -1)) if problem == "expired" else authority.issue(signing=False)
        )
        env = signing(write_pkcs12(tmp_path / "other.p12", key, cert, authority))
    elif problem == "missing":
        env = signing(tmp_path / "none.p12")
    else:
        env = {"SODIEM_SIGNING": "pkcs11:/only/a/module"}
    before = len(asyncio.run(signed_rows(filled_url)))
    out = tmp_path / "so.pdf"
    made = export_gradebook(filled_url, "1", out, env, "--replace")
    assert made.returncode != 0
    assert message in made.stderr
    assert not out.exists()
    assert len(asyncio.run(signed_rows(filled_url))) == before


def test_signed_transcripts_prove_themselves_and_a_changed_one_is_broken(filled_url, ca, tmp_path):
    _, p12, trust = ca
    folder = tmp_path / "hocba"
    made = sodiem(
        filled_url, "export", "transcript", "--class", CLASS, "--out", str(folder), "--sign", env=signing(p12)
    )
    assert made.returncode == 0, made.stderr
    files = sorted(folder.glob("*.xml"))
    assert files
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(str(files[0]))
    checked = sodiem(filled_url, "export", "verify", str(files[0]), env=trusting(trust))
    assert checked.returncode == 0 and "NGUYÊN VẸN" in checked.stdout
    text = files[0].read_text(encoding="utf-8")
    changed = tmp_path / "sua.xml"
    changed.write_text(text.replace("<score>", "<score>1", 1), encoding="utf-8")
    assert "<score>1" in changed.read_text(encoding="utf-8")
    broken = sodiem(filled_url, "export", "verify", str(changed))
    assert broken.returncode == 1 and "HỎNG" in broken.stdout
    code = files[0].name.split("-")[0]
    fetched = tmp_path / "lai.xml"
    again = fetch_signed(filled_url, "transcript", fetched, "--student", code)
    assert again.returncode == 0, again.stderr
    assert fetched.read_bytes() == files[0].read_bytes()


async def test_signing_is_in_the_audit_trail(filled, filled_url, ca, tmp_path):
    _, p12, _ = ca
    export_gradebook(filled_url, "year", tmp_path / "x.pdf", signing(p12), "--replace")
    async with filled.session() as session:
        count = await session.scalar(
            select(func.count()).select_from(ChangeRow).where(ChangeRow.entity == "signed_paper")
        )
        reason = await session.scalar(
            select(ChangeRow.reason).where(ChangeRow.entity == "signed_paper").limit(1)
        )
    assert count >= 1
    assert "administrator for the principal" in reason
