"""A private key that stays on its token: signxml signs with a ``cryptography`` key object, and this one
passes the bytes to sign to the PKCS#11 signer (the token computes the signature, the key never leaves
it). Only signing is possible; anything else a key can do is refused."""

from __future__ import annotations

import asyncio

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import AsymmetricPadding, PKCS1v15
from cryptography.hazmat.primitives.serialization import load_der_public_key


class TokenKey(rsa.RSAPrivateKey):
    def __init__(self, signer) -> None:
        self._signer = signer
        self._public = load_der_public_key(signer.signing_cert.public_key.dump())

    def sign(self, data: bytes, padding: AsymmetricPadding, algorithm) -> bytes:
        if not isinstance(padding, PKCS1v15):
            raise ValueError("the token signs with PKCS#1 v1.5 only")
        return asyncio.run(self._signer.async_sign_raw(data, algorithm.name))

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def decrypt(self, ciphertext: bytes, padding: AsymmetricPadding) -> bytes:
        raise NotImplementedError("a token key only signs")

    def private_numbers(self):
        raise NotImplementedError("a token key cannot be read")

    def private_bytes(self, encoding, format, encryption_algorithm) -> bytes:  # noqa: A002 (cryptography's name)
        raise NotImplementedError("a token key cannot be read")

    def __copy__(self) -> TokenKey:
        return self

    def __deepcopy__(self, memo) -> TokenKey:
        return self
