"""The transcript XML signed on its own (XML-DSig, enveloped signature, RSA-SHA256): the signature
element closes the document and carries the school's certificate, so each học bạ file proves itself
without the PDF, and the intermediate CA certificates the signer holds (a PKCS#12 file's chain, or the
certificates on the token). Checking it: intact with the signer's certificate (the first one carried),
and that certificate chained to a trust anchor through the carried intermediates (pyHanko's path
validation, no fetching)."""

from __future__ import annotations

import asyncio
import base64

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from signxml import InvalidInput, InvalidSignature, XMLSigner, XMLVerifier, methods

from exports.signature_check import SignatureCheck
from exports.signing import subject_name, token_key

DSIG = "http://www.w3.org/2000/09/xmldsig#"


def sign_xml(data: bytes, signer) -> bytes:
    root = etree.fromstring(data)
    pem = [_pem(cert) for cert in carried_chain(signer)]
    signed = XMLSigner(
        method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256"
    ).sign(root, key=token_key(signer), cert=pem)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def carried_chain(signer) -> list[asn1_x509.Certificate]:
    """The signer's certificate first, then the other certificates it holds (its issuing CAs)."""
    own = signer.signing_cert
    others = [cert for cert in signer.cert_registry if cert.dump() != own.dump()]
    return [own, *others]


def check_xml(data: bytes, anchors: list[asn1_x509.Certificate]) -> SignatureCheck | None:
    """None for a transcript without a signature."""
    root = etree.fromstring(data)
    signature = root.find(f"{{{DSIG}}}Signature")
    elements = [] if signature is None else signature.findall(f".//{{{DSIG}}}X509Certificate")
    if not elements:
        return None
    carried = [asn1_x509.Certificate.load(_base64(element.text)) for element in elements]
    cert = x509.load_der_x509_certificate(carried[0].dump())
    issuer = cert.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    names = subject_name(cert), str(issuer[0].value) if issuer else cert.issuer.rfc4514_string()
    try:
        XMLVerifier().verify(data, x509_cert=_pem(carried[0]))
    except (InvalidSignature, InvalidInput):
        return SignatureCheck(False, *names, None, False)
    return SignatureCheck(True, *names, None, chains_to_anchor(carried[0], carried[1:], anchors))


def chains_to_anchor(
    cert: asn1_x509.Certificate,
    intermediates: list[asn1_x509.Certificate],
    anchors: list[asn1_x509.Certificate],
) -> bool:
    """A path from the certificate through the intermediates to one of the anchors, each link checked
    (signature, validity, CA constraints); nothing is fetched from the network."""
    if not anchors:
        return False
    context = ValidationContext(trust_roots=anchors, allow_fetching=False, revocation_mode="soft-fail")
    validator = CertificateValidator(cert, intermediates, validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except (PathBuildingError, PathValidationError):
        return False
    return True


def _pem(cert: asn1_x509.Certificate) -> str:
    return x509.load_der_x509_certificate(cert.dump()).public_bytes(Encoding.PEM).decode()


def _base64(text: str) -> bytes:
    return base64.b64decode("".join(text.split()))
