"""A push service on 127.0.0.1 that does what FCM, Mozilla's autopush and Apple's do with a Web Push
request, and records what it was sent: it checks the VAPID token (RFC 8292: ES256 signed by the key the
browser subscribed with, for this service's origin, not expired, with a contact), then decrypts the
aes128gcm body (RFC 8291) with the browser's private key. It knows nothing of sodiem's code: it reads
with ``cryptography`` and ``http_ece`` only, so a pusher that signs or encrypts wrongly fails here."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from dataclasses import dataclass, field

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# A browser's PushManager, replaced before a page loads (Chromium's own push service is unreachable
# offline): ``subscribe`` answers with the subscription given (%s, its JSON) and records the key passed.
FAKE_PUSH_MANAGER = """
(() => {
  const subscription = %s;
  window.__givenKeys = [];
  let current = null;
  const make = () => ({
    endpoint: subscription.endpoint,
    options: { applicationServerKey: window.__lastKey },
    toJSON: () => subscription,
    unsubscribe: async () => { current = null; return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    window.__lastKey = options.applicationServerKey.buffer || options.applicationServerKey;
    window.__givenKeys.push(Array.from(new Uint8Array(window.__lastKey)));
    current = make();
    return current;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
})();
"""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One subscription as a browser holds it: its key pair and secret, and the school's public key
    (``applicationServerKey``) it subscribed with."""

    token: str
    server_key: str
    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    def subscription(self, base_url: str) -> dict:
        """``PushSubscription.toJSON()``."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": f"{base_url}/push/{self.token}",
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass(frozen=True)
class Received:
    token: str
    ttl: int
    urgency: str
    message: dict  # the decrypted payload, as JSON


class VapidRejected(Exception):
    pass


class PushService:
    def __init__(self) -> None:
        self.browsers: dict[str, Browser] = {}
        self.gone: set[str] = set()  # answered 410, as for a browser that unsubscribed
        self.received: list[Received] = []
        self.rejected: list[tuple[str, str]] = []  # (token, why)
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._arrived = asyncio.Condition()

    def subscribe(self, server_key: str) -> Browser:
        browser = Browser(secrets.token_urlsafe(24), server_key)
        self.browsers[browser.token] = browser
        return browser

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/push/{token}", self._push)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(self.received) >= count), timeout)
        return self.received

    async def _push(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        browser = self.browsers.get(token)
        if browser is None:
            return web.Response(status=404)
        if token in self.gone:
            return web.Response(status=410)
        try:
            self._check_vapid(request.headers.get("Authorization", ""), browser)
        except VapidRejected as why:
            self.rejected.append((token, str(why)))
            return web.Response(status=403, text=str(why))
        if request.headers.get("Content-Encoding") != "aes128gcm" or "TTL" not in request.headers:
            self.rejected.append((token, "encoding or TTL"))
            return web.Response(status=400)
        body = await request.read()
        plain = http_ece.decrypt(
            body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
        )
        received = Received(
            token, int(request.headers["TTL"]), request.headers.get("Urgency", "normal"), json.loads(plain)
        )
        async with self._arrived:
            self.received.append(received)
            self._arrived.notify_all()
        return web.Response(status=201, headers={"Location": f"{self.base_url}/message/{len(self.received)}"})

    def _check_vapid(self, authorization: str, browser: Browser) -> None:
        scheme, _, parameters = authorization.partition(" ")
        values = dict(part.strip().split("=", 1) for part in parameters.split(",") if "=" in part)
        if scheme.lower() != "vapid" or "t" not in values or "k" not in values:
            raise VapidRejected("no vapid authorization")
        if values["k"] != browser.server_key:
            raise VapidRejected("not the key the browser subscribed with")
        head, claims_text, signature = values["t"].split(".")
        if json.loads(unb64url(head)).get("alg") != "ES256":
            raise VapidRejected("not ES256")
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(values["k"]))
        raw = unb64url(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            key.verify(der, f"{head}.{claims_text}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as error:
            raise VapidRejected("bad signature") from error
        claims = json.loads(unb64url(claims_text))
        if claims.get("aud") != self.base_url:
            raise VapidRejected("wrong audience")
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            raise VapidRejected("expired or too far ahead")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https://")):
            raise VapidRejected("no contact")
