"""What every response of sodiem's web server carries, and who is asking: security headers, the session
from its cookie (``request[SESSION]``, ``request[ACCOUNT_ID]`` and ``request[LANGUAGE]``, for every route
including web/push_routes.py), and the CSRF check on every state-changing request of a signed-in browser."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from services import web_sessions
from storage.uow import UnitOfWork
from web.config import ACCOUNT_ID, LANGUAGE, SESSION, WEB_CONFIG

log = logging.getLogger("sodiem.web")
SESSION_COOKIE = "sodiem_session"
DEVICE_COOKIE = "sodiem_device"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def csrf_token(secret: str) -> str:
    """The page's CSRF token, derived from the HttpOnly cookie it belongs to (the session's token, or the
    device number on the sign-in page): another site can neither read the cookie nor the page."""
    return hashlib.sha256(b"sodiem-csrf:" + secret.encode()).hexdigest()


def csrf_ok(request: web.Request, secret: str | None, sent: str | None) -> bool:
    return bool(secret) and bool(sent) and hmac.compare_digest(csrf_token(secret), sent)


@web.middleware
async def security(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await _signed_in(request, handler)
    except web.HTTPException as error:
        _secure(request, error.headers, error.content_type)
        raise
    _secure(request, response.headers, response.content_type)
    return response


def _secure(request: web.Request, headers, content_type: str) -> None:
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if request.path.startswith(("/api/", "/push/", "/signin")) or content_type == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    elif request.path.startswith("/static/"):  # asked again each time (a 304 when unchanged): an
        headers.setdefault("Cache-Control", "no-cache")  # upgraded page never meets an old script


async def _signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        config = request.app[WEB_CONFIG]
        async with UnitOfWork(config.database) as uow:
            session = await web_sessions.session_for(uow, token, config.clock())
            await uow.commit()
        if session is None:  # expired, signed out, or the person's access revoked: signed out here too
            response = _to_sign_in(request)
            response.del_cookie(SESSION_COOKIE, path="/")
            return response
        request[SESSION] = session
        request[ACCOUNT_ID] = session.account_id
        request[LANGUAGE] = session.language
        if request.method not in SAFE_METHODS and not csrf_ok(
            request, token, request.headers.get(CSRF_HEADER)
        ):
            log.warning("refused %s %s: no valid CSRF token", request.method, request.path)
            raise web.HTTPForbidden(text="CSRF token missing or wrong")
    return await handler(request)


def _to_sign_in(request: web.Request) -> web.StreamResponse:
    if request.path.startswith(("/api/", "/push/")) or request.method not in SAFE_METHODS:
        return web.json_response({"signed_out": True}, status=401)
    return see_other("/signin")


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})
