"""The platform's methods as the local Zalo Bot API answers them: getMe, getUpdates (long polling: one
update per call, handed out once; 408 when none came), setWebhook / deleteWebhook / getWebhookInfo (a
webhook excludes polling), sendMessage (text up to 2,000 characters), sendPhoto (a photo URL, fetched as
the platform fetches it: refused unless it answers with an image; and a caption) and sendChatAction.
Faults and flood limits strike a sending call before anything is delivered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import aiohttp

from localapi.faults import FaultKind
from localzalo.errors import LostResponse, ZaloError
from localzalo.people import ZaloMessage

if TYPE_CHECKING:
    from localzalo.server import LocalZaloApi

MAX_TEXT = 2000  # characters of a text message
MAX_CAPTION = 2000
SENDING_METHODS = frozenset({"sendMessage", "sendPhoto"})
CHAT_ACTIONS = frozenset({"typing", "upload_photo"})
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})  # http allowed here only, for tests on this machine


@dataclass(frozen=True)
class Refusal:
    method: str
    code: int
    description: str
    injected: bool


def _admit(api: LocalZaloApi, method: str, chat_id: str) -> bool:
    """Faults first, then the flood limits: both strike before anything is delivered. True when
    the answer is to be lost after delivering."""
    fault = api.faults.draw(method)
    if fault and fault.kind is FaultKind.TOO_MANY_REQUESTS:
        retry = fault.retry_after
        raise ZaloError(429, f"Too Many Requests: retry after {retry}", retry_after=retry, injected=True)
    if fault and fault.kind is FaultKind.BAD_GATEWAY:
        raise ZaloError(502, "Bad Gateway", injected=True)
    if api.rate_limiter and (wait := api.rate_limiter.admit(chat_id)) is not None:
        raise ZaloError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
    chat = api.chats.get(chat_id)
    if chat is None:
        raise ZaloError(400, "Bad Request: chat not found")
    if chat.blocked:
        raise ZaloError(403, "Forbidden: the user has blocked the bot")
    return fault is not None and fault.kind is FaultKind.LOST_RESPONSE


async def get_me(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    return api.bot


async def get_updates(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    """One update per call, the oldest, handed out once (there is no offset); 408 when none came
    within ``timeout`` seconds (30 by default), as the platform answers."""
    if api.webhook is not None:
        raise ZaloError(409, "Conflict: a webhook is set; delete it to use getUpdates")
    timeout = min(_number(params, "timeout", 30), api.max_poll_timeout)
    deadline = asyncio.get_running_loop().time() + timeout
    while not api.updates:
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0 or not api.running:
            raise ZaloError(408, "Request timeout")
        await api.signal.wait(remaining)
    return api.updates.pop(0)


async def set_webhook(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    url = _required(params, "url")
    if not _web_address(url, https_only=True):
        raise ZaloError(400, "Bad Request: the webhook URL must be https")
    secret = _required(params, "secret_token")
    if not 8 <= len(secret) <= 256:
        raise ZaloError(400, "Bad Request: secret_token must be 8 to 256 characters")
    api.webhook = {"url": url, "secret_token": secret}
    return {"url": url, "updated_at": int(time.time() * 1000)}


async def delete_webhook(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    api.webhook = None
    return {"url": "", "updated_at": int(time.time() * 1000)}


async def get_webhook_info(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    return {"url": api.webhook["url"] if api.webhook else ""}


async def send_message(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    chat_id, text = _required(params, "chat_id"), _required(params, "text")
    if len(text) > MAX_TEXT:
        raise ZaloError(400, f"Bad Request: text is longer than {MAX_TEXT} characters")
    lose = _admit(api, "sendMessage", chat_id)
    return _answer(api.add_message(chat_id, True, text), lose)


async def send_photo(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    chat_id, photo = _required(params, "chat_id"), _required(params, "photo")
    if not _web_address(photo, https_only=False):
        raise ZaloError(400, "Bad Request: photo must be the URL of an image")
    caption = str(params.get("caption") or "")
    if len(caption) > MAX_CAPTION:
        raise ZaloError(400, f"Bad Request: caption is longer than {MAX_CAPTION} characters")
    lose = _admit(api, "sendPhoto", chat_id)
    image = await _fetch(api, photo)
    return _answer(api.add_message(chat_id, True, caption, photo, image), lose)


async def _fetch(api: LocalZaloApi, url: str) -> bytes:
    """The photo as the platform takes it: a GET that must answer 200 with an image."""
    assert api.http is not None
    try:
        async with api.http.get(url) as response:
            body = await response.read()
            kind = response.headers.get("Content-Type", "")
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        raise ZaloError(400, f"Bad Request: the photo could not be fetched ({error})") from None
    if status != 200 or not kind.startswith("image/") or not body.startswith(IMAGE_SIGNATURES):
        raise ZaloError(400, f"Bad Request: the photo URL did not answer with an image ({status} {kind})")
    return body


async def send_chat_action(api: LocalZaloApi, params: dict[str, Any]) -> Any:
    chat_id, action = _required(params, "chat_id"), _required(params, "action")
    if action not in CHAT_ACTIONS:
        raise ZaloError(400, f"Bad Request: unknown action {action}")
    if chat_id not in api.chats:
        raise ZaloError(400, "Bad Request: chat not found")
    return True


def _answer(message: ZaloMessage, lose: bool) -> Any:
    if lose:
        raise LostResponse
    return {"message_id": message.message_id, "date": message.date}


METHODS: dict[str, Callable[[LocalZaloApi, dict[str, Any]], Awaitable[Any]]] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendChatAction": send_chat_action,
}


def _web_address(url: str, https_only: bool) -> bool:
    """An absolute http(s) URL; a webhook must be https (plain http is let through for this
    machine only, where the tests run)."""
    parsed = urlparse(url)
    if not parsed.hostname:
        return False
    return parsed.scheme == "https" or (
        parsed.scheme == "http" and (not https_only or parsed.hostname in LOCAL_HOSTS)
    )


def _required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise ZaloError(400, f"Bad Request: {name} is required")
    return str(value)


def _number(params: dict[str, Any], name: str, default: float) -> float:
    try:
        return float(params.get(name, default))
    except (TypeError, ValueError):
        raise ZaloError(400, f"Bad Request: {name} must be a number") from None
