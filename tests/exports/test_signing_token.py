"""Signing with the key on a USB token: a SoftHSM2 token made by the test (Debian package softhsm2, set
up in a temporary folder through SOFTHSM2_CONF) holds the school's key and certificate; the gradebook
and a transcript are signed through PKCS#11 and check out; a wrong PIN, a token that is not there and a
key label that is not on it are each named."""

from __future__ import annotations

import io

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.exports.conftest import CLASS
from tests.exports.test_signing import export_gradebook, sodiem, trusting
from tests.signing.ca import KEY, PIN, TOKEN, SchoolCA, softhsm_module, softhsm_token

pytestmark = pytest.mark.skipif(
    softhsm_module() is None, reason="softhsm2 is not installed (make install installs it as root)"
)


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    folder = tmp_path_factory.mktemp("token")
    authority = SchoolCA.make()
    key, cert = authority.issue("Trần Ngọc Lan")
    module, env = softhsm_token(folder, key, cert)
    return authority, module, env, authority.pem(folder)


def on_token(module, env, pin=PIN, token_label=TOKEN, key=KEY):
    return {**env, "SODIEM_SIGNING": f"pkcs11:{module}:{token_label}:{key}", "SODIEM_SIGNING_PASSWORD": pin}


def test_the_gradebook_signed_on_the_token_is_intact_and_chains_to_the_ca(filled_url, token, tmp_path):
    authority, module, env, trust = token
    out = tmp_path / "so.pdf"
    made = export_gradebook(filled_url, "1", out, on_token(module, env), "--replace")
    assert made.returncode == 0, made.stderr
    assert "bằng chứng thư của Trần Ngọc Lan" in made.stdout
    anchor = asn1_x509.Certificate.load(authority.cert.public_bytes(Encoding.DER))
    signature = PdfFileReader(io.BytesIO(out.read_bytes())).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[anchor], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Trần Ngọc Lan"
    checked = sodiem(filled_url, "export", "verify", str(out), env=trusting(trust))
    assert checked.returncode == 0 and "NGUYÊN VẸN — ký bởi Trần Ngọc Lan" in checked.stdout


def test_a_transcript_signed_on_the_token_proves_itself(filled_url, token, tmp_path):
    _, module, env, trust = token
    folder = tmp_path / "hocba"
    made = sodiem(
        filled_url, "export", "transcript", "--class", CLASS, "--out", str(folder), "--sign", "--replace",
        env=on_token(module, env),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    first = sorted(folder.glob("*.xml"))[0]
    checked = sodiem(filled_url, "export", "verify", str(first), env=trusting(trust))
    assert checked.returncode == 0 and "NGUYÊN VẸN — ký bởi Trần Ngọc Lan" in checked.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pin": "000000"}, "Sai mã PIN của USB token «Truong THCS»"),
        ({"token_label": "Token khac"}, "Không thấy USB token «Token khac»"),
        ({"key": "khoa-khac"}, "không có khóa và chứng thư mang nhãn «khoa-khac»"),
    ],
)
def test_token_faults_are_named(filled_url, token, tmp_path, change, message):
    _, module, env, _ = token
    out = tmp_path / "so.pdf"
    made = export_gradebook(filled_url, "1", out, on_token(module, env, **change), "--replace")
    assert made.returncode != 0
    assert message in made.stderr, made.stderr
    assert not out.exists()


def test_a_missing_module_is_named(filled_url, tmp_path):
    env = {"SODIEM_SIGNING": f"pkcs11:{tmp_path / 'none.so'}:{TOKEN}:{KEY}"}
    made = export_gradebook(filled_url, "1", tmp_path / "x.pdf", env, "--replace")
    assert made.returncode != 0 and "Không tìm thấy thư viện PKCS#11" in made.stderr
