"""Digital signatures (ký số): the school's certificate signs a drawn paper (PAdES, with pyHanko) or a
transcript XML (XML-DSig enveloped, with signxml).

The signer is configured once (docs/signing.md): ``SODIEM_SIGNING`` is ``pkcs12:PATH`` or
``pkcs11:MODULE:TOKEN-LABEL:KEY-LABEL``; the password or PIN comes from ``SODIEM_SIGNING_PASSWORD`` or
the file named by ``SODIEM_SIGNING_PASSWORD_FILE``. ``open_signer`` opens the file or the token and checks
the certificate before anything is signed; every fault is a DomainError naming which."""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_der_private_key
from pkcs11.exceptions import NoSuchKey, PinIncorrect, PinLenRange
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.pkcs11 import PKCS11Error, PKCS11Signer, TokenCriteria, open_pkcs11_session
from pyhanko.stamp import StaticStampStyle
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from domain.errors import DomainError
from exports.pdf import BOLD, REGULAR
from exports.signing_setting import Setting, Stamp
from exports.token_key import TokenKey
from exports.values import nfc

FIELD = "KySo"
BOX_WIDTH, BOX_HEIGHT = 150, 42  # points: the room under "(Ký, ghi rõ họ tên)" is 15 mm high
MARGIN_BOX = (395, 809, 565, 839)  # the top margin of an A4 page, right: above the first frame


@contextlib.contextmanager
def open_signer(setting: Setting | None, now: datetime | None = None) -> Iterator[signers.Signer]:
    """The signer, its certificate checked: valid now and allowed to sign. Closes a token's session."""
    if setting is None:
        raise DomainError("signing.error.not_configured")
    opened = _pkcs11_signer(setting) if setting.kind == "pkcs11" else contextlib.nullcontext(_pkcs12(setting))
    with opened as signer:
        check_certificate(signer, now or datetime.now(UTC))
        yield signer


def _pkcs12(setting: Setting) -> signers.SimpleSigner:
    path = Path(setting.path)
    if not path.is_file():
        raise DomainError("signing.error.no_file", file=setting.path)
    password = setting.secret.encode() if setting.secret is not None else None
    try:
        return signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), (), passphrase=password)
    except ValueError:
        raise DomainError("signing.error.password", file=setting.path) from None


@contextlib.contextmanager
def _pkcs11_signer(setting: Setting) -> Iterator[signers.Signer]:
    if not Path(setting.path).is_file():
        raise DomainError("signing.error.no_module", module=setting.path)
    try:
        session = open_pkcs11_session(
            setting.path, token_criteria=TokenCriteria(label=setting.token), user_pin=setting.secret
        )
    except (PinIncorrect, PinLenRange):
        raise DomainError("signing.error.pin", token=setting.token) from None
    except PKCS11Error:
        raise DomainError("signing.error.no_token", token=setting.token, module=setting.path) from None
    try:
        signer = PKCS11Signer(session, key_label=setting.key, cert_label=setting.key)
        try:
            signer.signing_cert  # noqa: B018 (loads the key and certificate now, to fail here)
        except (PKCS11Error, SigningError, NoSuchKey):
            raise DomainError("signing.error.no_key", label=setting.key, token=setting.token) from None
        yield signer
    finally:
        session.close()


def check_certificate(signer: signers.Signer, now: datetime) -> None:
    cert = x509.load_der_x509_certificate(signer.signing_cert.dump())
    who = subject_name(cert)
    if cert.not_valid_after_utc < now:
        raise DomainError("signing.error.expired", who=who, date=cert.not_valid_after_utc.date())
    if cert.not_valid_before_utc > now:
        raise DomainError("signing.error.not_yet", who=who, date=cert.not_valid_before_utc.date())
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise DomainError("signing.error.key_usage", who=who)


def subject_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def sign_pdf(data: bytes, signer: signers.Signer, stamp: Stamp) -> bytes:
    """The paper signed over its whole content, the visible box where the principal signs."""
    page, box = signature_place(data, stamp.role)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=FIELD, name=stamp.name, reason=stamp.role)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as drawn:
        drawn.write(_box_pdf(stamp.lines, box[2] - box[0], box[3] - box[1]))
        drawn.flush()
        style = StaticStampStyle.from_pdf_file(drawn.name, border_width=0)
        field = fields.SigFieldSpec(FIELD, on_page=page, box=box)
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=field)
        return pdf_signer.sign_pdf(writer).getvalue()


def _box_pdf(lines: tuple[str, ...], width: float, height: float) -> bytes:
    """The box's appearance drawn with the papers' own font (reportlab, DejaVu): a frame, the lines."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)
    canvas.setStrokeColorRGB(0.1, 0.3, 0.7)
    canvas.rect(0.5, 0.5, width - 1, height - 1)
    canvas.setFillColorRGB(0.1, 0.3, 0.7)
    for number, line in enumerate(lines):
        canvas.setFont(BOLD if number == 0 else REGULAR, 7)
        canvas.drawString(4, height - 9 - 8.5 * number, nfc(line))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def signature_place(data: bytes, role: str) -> tuple[int, tuple[float, float, float, float]]:
    """The last page naming the signer's role in a signature block, and the room under it; a paper
    without one (report cards) gets the box in the top right margin of its first page."""
    reader = PdfReader(io.BytesIO(data))
    wanted = " ".join(nfc(role).split()).upper()
    for number in range(len(reader.pages) - 1, -1, -1):
        found: list[tuple[float, float]] = []

        def visit(text, cm, tm, _font, size, found=found):
            if " ".join(nfc(text).split()).upper() == wanted:
                x, y = cm[0] * tm[4] + cm[2] * tm[5] + cm[4], cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                found.append((x + stringWidth(wanted, BOLD, size) / 2, y))

        reader.pages[number].extract_text(visitor_text=visit)
        if found:
            x, y = found[-1]
            width = float(reader.pages[number].mediabox.width)
            centre = min(max(x, BOX_WIDTH / 2 + 10), width - BOX_WIDTH / 2 - 10)
            left, top = round(centre - BOX_WIDTH / 2), round(y - 22)
            return number, (left, top - BOX_HEIGHT, left + BOX_WIDTH, top)
    return 0, MARGIN_BOX


def token_key(signer: signers.Signer):
    """The private key as signxml wants it: the key itself from a file, a stand-in that asks the token."""
    if isinstance(signer, signers.SimpleSigner):
        return load_der_private_key(signer.signing_key.dump(), None)
    return TokenKey(signer)
