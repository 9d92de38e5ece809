"""The web front end's Web Push routes (JSON): ``GET /push/key`` (the school's public key and push.js's
texts in the person's language), ``POST /push/subscribe`` (a browser's ``PushSubscription.toJSON()``)
and ``POST /push/unsubscribe`` (``{"endpoint": ...}``).

The signed-in account is ``request[ACCOUNT_ID]``, set by the web app's session middleware,
which also checks the CSRF token of every POST; without it the answer is 401. What the routes need is
one value in the app: ``app[WEB_PUSH] = WebPush(database, public_key_text(vapid_key()))``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

from domain.errors import DomainError
from locales import LANGUAGES, Translator, translator
from services.web_push import subscribe, unsubscribe
from storage.db import Database
from storage.uow import UnitOfWork
from web.config import ACCOUNT_ID, LANGUAGE

MAX_BODY = 4096  # bytes: a subscription is about 400
UI_TEXTS = ("enable", "disable", "enabled", "disabled", "denied", "unsupported", "failed")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class WebPush:
    database: Database
    public_key: str  # notifications.vapid.public_key_text(vapid_key())
    allow_loopback: bool = False  # PushSettings.allow_loopback: the test push service only
    clock: Callable[[], datetime] = field(default=_utc_now)


WEB_PUSH = web.AppKey("sodiem_web_push", WebPush)


def push_routes() -> list[web.RouteDef]:
    return [
        web.get("/push/key", public_key),
        web.post("/push/subscribe", subscribe_browser),
        web.post("/push/unsubscribe", unsubscribe_browser),
    ]


def _translator(request: web.Request) -> Translator:
    language = request.get(LANGUAGE)
    if language not in LANGUAGES:
        wanted = [
            part.split(";")[0].strip()[:2] for part in request.headers.get("Accept-Language", "").split(",")
        ]
        language = next((each for each in wanted if each in LANGUAGES), None)
    return translator(language)


def _refusal(request: web.Request, status: int, key: str, **params: object) -> web.Response:
    return web.json_response({"error": key, "message": _translator(request)(key, **params)}, status=status)


def _account(request: web.Request) -> int | None:
    account = request.get(ACCOUNT_ID)
    return account if isinstance(account, int) and not isinstance(account, bool) else None


async def _body(request: web.Request) -> object:
    """The JSON body, at most MAX_BODY bytes; DomainError (with the HTTP status as ``status``) if not."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise DomainError("webpush.error.too_large", limit=MAX_BODY, status=413)
    data = await request.content.read(MAX_BODY + 1)
    if len(data) > MAX_BODY:
        raise DomainError("webpush.error.too_large", limit=MAX_BODY, status=413)
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError) as error:
        raise DomainError("webpush.error.not_json", status=400) from error


async def public_key(request: web.Request) -> web.Response:
    if _account(request) is None:
        return _refusal(request, 401, "webpush.error.signed_out")
    t = _translator(request)
    texts = {name: t(f"webpush.ui.{name}") for name in UI_TEXTS}
    return web.json_response({"publicKey": request.app[WEB_PUSH].public_key, "texts": texts})


async def _posted(
    request: web.Request, action: Callable[[int, WebPush, object], Awaitable[dict]]
) -> web.Response:
    """A POST of the signed-in account: its JSON body to ``action``; a refusal says why, translated."""
    account = _account(request)
    if account is None:
        return _refusal(request, 401, "webpush.error.signed_out")
    try:
        answer = await action(account, request.app[WEB_PUSH], await _body(request))
    except DomainError as error:
        params = {name: value for name, value in error.params.items() if name != "status"}
        return _refusal(request, int(error.params.get("status", 400)), error.key, **params)
    return web.json_response(answer)


async def subscribe_browser(request: web.Request) -> web.Response:
    async def action(account: int, push: WebPush, data: object) -> dict:
        async with UnitOfWork(push.database) as uow:
            await subscribe(uow, account, data, push.clock(), push.allow_loopback)
        return {"message": _translator(request)("webpush.ui.enabled")}

    return await _posted(request, action)


async def unsubscribe_browser(request: web.Request) -> web.Response:
    async def action(account: int, push: WebPush, data: object) -> dict:
        endpoint = data.get("endpoint") if isinstance(data, dict) else None
        async with UnitOfWork(push.database) as uow:
            removed = await unsubscribe(uow, account, endpoint)
        return {"removed": removed, "message": _translator(request)("webpush.ui.disabled")}

    return await _posted(request, action)
