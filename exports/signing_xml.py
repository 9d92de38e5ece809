"""The transcript XML signed on its own (XML-DSig, enveloped signature, RSA-SHA256): the signature
element closes the document and carries the school's certificate, so each học bạ file proves itself
without the PDF. Checking it: intact with the certificate it carries, and that certificate issued by a
trust anchor (or being one)."""

from __future__ import annotations

import base64

from cryptography import x509
from cryptography.exceptions import InvalidSignature as InvalidSignatureError
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml import InvalidInput, InvalidSignature, XMLSigner, XMLVerifier, methods

from exports.signature_check import SignatureCheck
from exports.signing import subject_name, token_key

DSIG = "http://www.w3.org/2000/09/xmldsig#"


def sign_xml(data: bytes, signer) -> bytes:
    root = etree.fromstring(data)
    certs = [x509.load_der_x509_certificate(signer.signing_cert.dump())]
    pem = [cert.public_bytes(Encoding.PEM).decode() for cert in certs]
    signed = XMLSigner(
        method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256"
    ).sign(root, key=token_key(signer), cert=pem)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def check_xml(data: bytes, anchors) -> SignatureCheck | None:
    """None for a transcript without a signature."""
    root = etree.fromstring(data)
    element = root.find(f".//{{{DSIG}}}X509Certificate")
    if root.find(f"{{{DSIG}}}Signature") is None or element is None:
        return None
    cert = x509.load_der_x509_certificate(_base64(element.text))
    issuer = cert.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    names = subject_name(cert), str(issuer[0].value) if issuer else cert.issuer.rfc4514_string()
    try:
        XMLVerifier().verify(data, x509_cert=cert.public_bytes(Encoding.PEM).decode())
    except (InvalidSignature, InvalidInput):
        return SignatureCheck(False, *names, None, False)
    return SignatureCheck(True, *names, None, _issued_by_anchor(cert, anchors))


def _issued_by_anchor(cert: x509.Certificate, anchors) -> bool:
    for anchor in anchors:
        parsed = x509.load_der_x509_certificate(anchor.dump())
        if parsed == cert:
            return True
        try:
            cert.verify_directly_issued_by(parsed)
            return True
        except (ValueError, TypeError, InvalidSignatureError):
            continue
    return False


def _base64(text: str) -> bytes:
    return base64.b64decode("".join(text.split()))
