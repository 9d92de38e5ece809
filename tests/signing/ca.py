"""A test CA and the school's certificate, made fresh by the tests (cryptography): a PKCS#12 file with a
password, and the same key and certificate on a SoftHSM2 token when softhsm2 is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "mat-khau-1"
PIN = "123456"
TOKEN = "Truong THCS"
KEY = "hieu-truong"
SOFTHSM_MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")


def _name(common: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _certificate(
    subject: x509.Name, issuer: x509.Name, public_key, signing_key, days: tuple[int, int], ca: bool, usage
) -> x509.Certificate:
    """A certificate for ``public_key`` signed by ``signing_key``, valid from ``days[0]`` to ``days[1]``
    days from now; a CA certificate under an issuer other than itself may issue only end certificates."""
    now = datetime.now(UTC)
    path_length = 0 if ca and subject != issuer else None
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(usage, critical=True)
        .sign(signing_key, hashes.SHA256())
    )


@dataclass
class SchoolCA:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @classmethod
    def make(cls, name: str = "CA Thử nghiệm sodiem") -> SchoolCA:
        key = _key()
        return cls(key, _certificate(_name(name), _name(name), key.public_key(), key, (-1, 3650), True,
                                     _usage(cert_sign=True)))  # fmt: skip

    def intermediate(self, name: str = "CA Trung gian sodiem") -> SchoolCA:
        """An issuing CA under this one, as licensed CAs sign schools' certificates."""
        key = _key()
        cert = _certificate(
            _name(name),
            self.cert.subject,
            key.public_key(),
            self.key,
            (-1, 1825),
            True,
            _usage(cert_sign=True),
        )
        return SchoolCA(key, cert)

    def issue(
        self, common: str = "Nguyễn Văn Hiệu", days: tuple[int, int] = (-1, 365), signing: bool = True
    ) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        key = _key()
        cert = _certificate(
            _name(common), self.cert.subject, key.public_key(), self.key, days, False, _usage(signing=signing)
        )
        return key, cert

    def pem(self, folder: Path) -> Path:
        path = folder / "ca.pem"
        path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return path


def _usage(signing: bool = False, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=not signing and not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def write_pkcs12(path: Path, key, cert, ca: SchoolCA, password: str = PASSWORD, *more: SchoolCA) -> Path:
    """``more``: further CA certificates of the chain, carried in the file after ``ca``'s."""
    encryption = serialization.BestAvailableEncryption(password.encode())
    chain = [ca.cert, *(other.cert for other in more)]
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"school", key, cert, chain, encryption))
    return path


def softhsm_module() -> str | None:
    if not shutil.which("softhsm2-util"):
        return None
    return next((module for module in SOFTHSM_MODULES if Path(module).is_file()), None)


def softhsm_token(folder: Path, key, cert) -> tuple[str, dict[str, str]]:
    """A SoftHSM2 token in ``folder`` holding the key and the certificate under the label KEY; returns
    the module path and the environment that points SoftHSM2 at it (SOFTHSM2_CONF). The certificate is
    written by a child process, so that this one never loads the module with another configuration."""
    module = softhsm_module()
    assert module is not None
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    key_file, cert_file = folder / "key.pem", folder / "cert.der"
    plain = serialization.NoEncryption()
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, plain)
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    util = ["softhsm2-util", "--pin", PIN]
    for command in (
        [*util, "--init-token", "--free", "--label", TOKEN, "--so-pin", "654321"],
        [*util, "--import", str(key_file), "--token", TOKEN, "--label", KEY, "--id", "01"],
        [sys.executable, "-c", STORE_CERTIFICATE, module, str(cert_file)],
    ):
        subprocess.run(command, check=True, capture_output=True, env=env)
    key_file.unlink()
    return module, {"SOFTHSM2_CONF": str(conf)}


STORE_CERTIFICATE = f"""
import sys, pkcs11
from asn1crypto import x509
from pkcs11 import Attribute, CertificateType, ObjectClass
der = open(sys.argv[2], "rb").read()
token = pkcs11.lib(sys.argv[1]).get_token(token_label={TOKEN!r})
with token.open(rw=True, user_pin={PIN!r}) as session:
    session.create_object({{
        Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
        Attribute.TOKEN: True, Attribute.LABEL: {KEY!r}, Attribute.ID: b"\\x01",
        Attribute.VALUE: der, Attribute.SUBJECT: x509.Certificate.load(der).subject.dump(),
    }})
"""
