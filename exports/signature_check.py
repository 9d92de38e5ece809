"""Checking a signed paper's signature before its content: is it intact and does it cover the whole file
(nothing changed or appended after signing), whose certificate, when, and does the certificate chain to
the trust anchors the school accepts (``SODIEM_SIGNING_TRUST``: PEM or DER files, separated by ``:``)?
An untrusted certificate is reported as such, not as tampering."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from domain.errors import DomainError
from exports.signing import subject_name


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool  # the signed bytes are unchanged and nothing was added after signing
    signer: str
    issuer: str
    signed_at: datetime | None
    trusted: bool  # the certificate chains to a configured trust anchor


def trust_anchors(environ: Mapping[str, str] | None = None) -> list[asn1_x509.Certificate]:
    environ = os.environ if environ is None else environ
    anchors = []
    for name in filter(None, environ.get("SODIEM_SIGNING_TRUST", "").split(os.pathsep)):
        try:
            data = Path(name).read_bytes()
        except OSError:
            raise DomainError("signing.error.no_trust", file=name) from None
        blocks = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        anchors += [asn1_x509.Certificate.load(der) for der in blocks]
    return anchors


def check_pdf(data: bytes, anchors: list[asn1_x509.Certificate]) -> SignatureCheck | None:
    """None for a paper without a signature."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        found = reader.embedded_signatures
    except Exception:  # too damaged to read: a broken signature if it had one, else not our business
        return SignatureCheck(False, "", "", None, False) if b"/ByteRange" in data else None
    if not found:
        return None
    signature = found[-1]
    context = ValidationContext(trust_roots=anchors, allow_fetching=False)
    try:
        status = validate_pdf_signature(signature, signer_validation_context=context)
    except Exception:  # an unreadable signature value is a broken signature
        return SignatureCheck(False, *_names(signature.signer_cert), None, False)
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return SignatureCheck(
        status.intact and status.valid and whole,
        *_names(status.signing_cert),
        status.signer_reported_dt,
        bool(anchors) and status.trusted,
    )


def _names(cert: asn1_x509.Certificate) -> tuple[str, str]:
    parsed = x509.load_der_x509_certificate(cert.dump())
    issuer = parsed.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return subject_name(parsed), str(issuer[0].value) if issuer else parsed.issuer.rfc4514_string()
