"""The web chat's routes: signing in and out, and the chat itself — the browser's side of the web
gateway (web/gateway.py), always for the signed-in browser's own chat: no id in a request names whose."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from aiohttp import web

from domain.errors import DomainError
from domain.identity import ConfirmLink
from localapi import Person
from localapi.control import ANSWER_WAIT, MAX_WAIT
from localapi.world import StoredMessage, wait_until
from locales import translator
from services import web_sessions
from storage.uow import UnitOfWork
from storage.web_store import WEB, WebSession
from web.config import MAX_PHOTO_BYTES, MAX_TEXT_BYTES, SESSION, WEB_CONFIG
from web.gateway import WebGateway
from web.pages import STATIC, language_of, render
from web.security import DEVICE_COOKIE, SESSION_COOKIE, csrf_ok, csrf_token, see_other

log = logging.getLogger("sodiem.web")
GATEWAY = web.AppKey("web_gateway", WebGateway)
DEVICE_DAYS = 400


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", chat_page)
    app.router.add_get("/signin", signin_page)
    app.router.add_post("/signin", signin)
    app.router.add_post("/signout", signout)
    app.router.add_get("/api/chat", chat)
    app.router.add_post("/api/text", send_text)
    app.router.add_post("/api/key", press_key)
    app.router.add_post("/api/press", press)
    app.router.add_post("/api/photo", send_photo)
    app.router.add_get("/api/files/{file_id}", file)
    app.router.add_get("/manifest.webmanifest", manifest)
    app.router.add_get("/sw.js", service_worker)
    app.router.add_get("/offline.html", offline)
    app.router.add_static("/static/", STATIC)


# --- pages --------------------------------------------------------------------------------------


async def chat_page(request: web.Request) -> web.StreamResponse:
    session = request.get(SESSION)
    if session is None:
        return see_other("/signin")
    token = request.cookies[SESSION_COOKIE]
    return render("chat.html", session.language, csrf=csrf_token(token))


async def signin_page(request: web.Request) -> web.StreamResponse:
    if request.get(SESSION) is not None:
        return see_other("/")
    return _signin(request, language_of(request))


def _signin(request: web.Request, language: str, error: str = "", status: int = 200) -> web.Response:
    """The sign-in form; a browser without a device number gets one (its web account's, once linked)."""
    device = request.cookies.get(DEVICE_COOKIE)
    fresh = not web_sessions.valid_device(device)
    if fresh:
        device = web_sessions.new_device()
    code = request.query.get("code", "")[:20]
    response = render("signin.html", language, status, csrf=csrf_token(device), error=error, code=code)
    if fresh:
        _set_cookie(request, response, DEVICE_COOKIE, device, DEVICE_DAYS * 86400)
    return response


async def signin(request: web.Request) -> web.StreamResponse:
    """The form: the invite code, the page's language and CSRF token. Works without JavaScript."""
    if request.content_length and request.content_length > MAX_TEXT_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_TEXT_BYTES, request.content_length)
    form = await request.post()
    device = request.cookies.get(DEVICE_COOKIE)
    if not web_sessions.valid_device(device) or not csrf_ok(request, device, str(form.get("csrf", ""))):
        return see_other("/signin")  # a new page: a new device number and token
    language = str(form.get("language", "vi"))
    language = language if language in ("vi", "en") else "vi"
    config = request.app[WEB_CONFIG]
    async with UnitOfWork(config.database) as uow:
        try:
            token = await web_sessions.sign_in_with_code(
                uow,
                device,
                str(form.get("code", ""))[:40],
                language,
                request.headers.get("User-Agent", ""),
                config.clock(),
                config.session_lifetime,
            )
        except DomainError as error:
            await uow.commit()  # a wrong code is counted, as in chat; nothing else was written
            status = 429 if error.key == "link.error.throttled" else 400
            t = translator(language)
            text = (
                t("web.signin.other_person")
                if isinstance(error, ConfirmLink)
                else t(error.key, **error.params)
            )
            return _signin(request, language, text, status)
        await uow.commit()
    log.info("web account %s signed in", device)
    response = see_other("/")
    _set_cookie(request, response, SESSION_COOKIE, token, int(config.session_lifetime.total_seconds()))
    return response


async def signout(request: web.Request) -> web.StreamResponse:
    """Needs the X-CSRF-Token header (the middleware checks it, as for every POST of a session)."""
    session = _session(request)
    config = request.app[WEB_CONFIG]
    async with UnitOfWork(config.database) as uow:
        await web_sessions.sign_out(uow, session)
        await uow.commit()
    response = web.json_response({"signed_out": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


def _set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path="/",
        httponly=True,
        secure=request.app[WEB_CONFIG].secure_cookie,
        samesite="Lax",
    )


# --- the chat -----------------------------------------------------------------------------------


async def chat(request: web.Request) -> web.Response:
    """The whole chat (both sides in order, files as /api/files/ links, the reply keyboard); with
    ``?after=SEQ&timeout=S`` waits up to S seconds for something newer than SEQ."""
    person = _person(request, _session(request))
    world = person.world
    after = _int(request.query.get("after", "0"))
    timeout = min(float(_int(request.query.get("timeout", "0"))), MAX_WAIT)

    def latest() -> int:
        messages = person.chat.messages.values() if person.chat else ()
        return max((message.changed_seq for message in messages), default=0)

    await wait_until(world.chat_signal(person.id), lambda: latest() > after or None, timeout)
    chat = person.chat
    messages = [_shown(message) for message in chat.messages.values()] if chat else []
    keyboard = chat.keyboard if chat else None
    keys = [[key["text"] for key in row] for row in keyboard["keyboard"]] if keyboard else []
    return web.json_response({"seq": max(latest(), after), "messages": messages, "keyboard": keys})


async def send_text(request: web.Request) -> web.Response:
    person = _person(request, _session(request))
    text = str((await _json(request)).get("text", "")).strip()
    if not text or len(text) > 4096:
        raise web.HTTPBadRequest(text="a text of 1 to 4096 characters")
    person.send_text(text)
    return web.json_response({"sent": True})


async def press_key(request: web.Request) -> web.Response:
    person = _person(request, _session(request))
    try:
        person.press_key(str((await _json(request)).get("text", "")))
    except LookupError:
        raise web.HTTPNotFound(text="no such key on the keyboard") from None
    return web.json_response({"sent": True})


async def press(request: web.Request) -> web.Response:
    """A button of one of the bot's messages in the person's own chat; the data goes to the same handlers
    as on Telegram, which re-authorise it. A message of another chat is refused and recorded."""
    session = _session(request)
    person = _person(request, session)
    body = await _json(request)
    data = str(body.get("data", ""))[:64]
    try:
        query = person.press_data(_int(str(body.get("message_id", ""))), data)
    except LookupError:
        await _refused(request, session, "web-press", f"{body.get('message_id')}:{data}")
        raise web.HTTPNotFound(text="no such message in your chat") from None
    answer = await wait_until(person.world.chat_signal(person.id), lambda: query.answer, ANSWER_WAIT)
    return web.json_response({"answer": answer})


async def send_photo(request: web.Request) -> web.Response:
    """The image's bytes (PNG, GIF or JPEG) as the phone's camera or gallery gives them."""
    person = _person(request, _session(request))
    if request.content_length is None or request.content_length > MAX_PHOTO_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_PHOTO_BYTES, request.content_length or 0)
    try:
        person.send_photo(await request.read())
    except ValueError as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    return web.json_response({"sent": True})


async def file(request: web.Request) -> web.Response:
    """A file of the person's own chat only: another chat's file id is refused and recorded."""
    session = _session(request)
    person = _person(request, session)
    file_id = request.match_info["file_id"][:100]
    messages = person.chat.messages.values() if person.chat else ()
    found = next((m.file for m in messages if m.file is not None and m.file.file_id == file_id), None)
    if found is None:
        await _refused(request, session, "web-file", file_id)
        raise web.HTTPNotFound(text="no such file in your chat")
    disposition = "inline" if found.mime_type.startswith("image/") else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found.file_name)}",
        "Cache-Control": "private, no-store",
    }
    return web.Response(body=found.content, content_type=found.mime_type, headers=headers)


# --- the installable app ------------------------------------------------------------------------


async def manifest(request: web.Request) -> web.Response:
    body = (STATIC / "manifest.webmanifest").read_text("utf-8")
    return web.Response(text=body, content_type="application/manifest+json")


async def service_worker(request: web.Request) -> web.Response:
    """Served from the root so that it controls every page; it imports push-sw.js when that exists."""
    body = (STATIC / "sw.js").read_text("utf-8")
    if (STATIC / "push-sw.js").is_file():
        body = 'importScripts("/static/push-sw.js");\n' + body
    return web.Response(text=body, content_type="text/javascript", headers={"Cache-Control": "no-cache"})


async def offline(request: web.Request) -> web.Response:
    return render("offline.html", language_of(request))


# --- helpers ------------------------------------------------------------------------------------


def _session(request: web.Request) -> WebSession:
    session = request.get(SESSION)
    if session is None:
        raise web.HTTPUnauthorized(text="sign in first")
    return session


def _person(request: web.Request, session: WebSession) -> Person:
    gateway = request.app[GATEWAY]
    known = gateway.local.people.get(int(session.account))
    return known or gateway.person(session.account, session.language)


async def _json(request: web.Request) -> dict[str, Any]:
    if request.content_length is None or request.content_length > MAX_TEXT_BYTES:
        raise web.HTTPRequestEntityTooLarge(MAX_TEXT_BYTES, request.content_length or 0)
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="a JSON object") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="a JSON object")
    return body


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise web.HTTPBadRequest(text=f"not a number: {text[:20]!r}") from None


async def _refused(request: web.Request, session: WebSession, action: str, detail: str) -> None:
    config = request.app[WEB_CONFIG]
    async with UnitOfWork(config.database) as uow:
        await uow.identity.record_refusal(WEB, session.account, action, detail, config.clock())
        await uow.commit()
    log.warning("refused %s of web account %s", action, session.account)


def _shown(message: StoredMessage) -> dict[str, Any]:
    shown = {**message.data, "from_bot": message.from_bot, "edit_count": message.edit_count}
    if message.file is not None:
        shown["file_url"] = f"/api/files/{message.file.file_id}"
    return shown
