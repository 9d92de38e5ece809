"""A học bạ XML signed by a school whose certificate a licensed CA issued through an intermediate CA:
the signature carries the chain, and the trust check follows it to the root the school accepts — not
only certificates issued directly by an anchor. A chain to another root, or an intermediate left out,
is untrusted but intact (not tampering)."""

from __future__ import annotations

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from pyhanko.sign import signers

from exports.signing_xml import DSIG, check_xml, sign_xml
from tests.signing.ca import PASSWORD, SchoolCA, write_pkcs12

TRANSCRIPT = b'<transcript xmlns="urn:sodiem:hocba:1"><student code="HS01"/></transcript>'


def anchor(authority: SchoolCA) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(authority.cert.public_bytes(Encoding.DER))


def signed_through(tmp_path, root: SchoolCA, issuing: SchoolCA, *carried: SchoolCA) -> bytes:
    key, cert = issuing.issue("Trường THCS Nguyễn Du")
    p12 = write_pkcs12(tmp_path / "school.p12", key, cert, *carried[:1], PASSWORD, *carried[1:])
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=PASSWORD.encode())
    return sign_xml(TRANSCRIPT, signer)


def test_a_school_certificate_under_an_intermediate_ca_chains_to_the_root(tmp_path):
    root = SchoolCA.make("Root CA Việt Nam thử nghiệm")
    issuing = root.intermediate()
    data = signed_through(tmp_path, root, issuing, issuing, root)
    carried = etree.fromstring(data).findall(f".//{{{DSIG}}}X509Certificate")
    assert len(carried) >= 2  # the school's certificate and its issuing CA travel with the file
    check = check_xml(data, [anchor(root)])
    assert check.intact and check.trusted
    assert check.signer == "Trường THCS Nguyễn Du" and check.issuer == "CA Trung gian sodiem"


def test_a_chain_to_another_root_is_intact_but_not_trusted(tmp_path):
    root, stranger = SchoolCA.make("Root CA Việt Nam thử nghiệm"), SchoolCA.make("CA lạ")
    issuing = stranger.intermediate()
    check = check_xml(signed_through(tmp_path, stranger, issuing, issuing, stranger), [anchor(root)])
    assert check.intact and not check.trusted


def test_an_intermediate_left_out_of_the_signature_breaks_the_chain(tmp_path):
    root = SchoolCA.make("Root CA Việt Nam thử nghiệm")
    issuing = root.intermediate()
    other = SchoolCA.make("CA khác")  # the file carries a CA that is not the school's issuer
    check = check_xml(signed_through(tmp_path, root, issuing, other), [anchor(root)])
    assert check.intact and not check.trusted


def test_a_certificate_issued_directly_by_the_anchor_is_still_trusted(tmp_path):
    root = SchoolCA.make("Root CA Việt Nam thử nghiệm")
    check = check_xml(signed_through(tmp_path, root, root, root), [anchor(root)])
    assert check.intact and check.trusted
    assert not check_xml(signed_through(tmp_path, root, root, root), []).trusted
