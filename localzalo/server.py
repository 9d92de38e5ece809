"""The local Zalo Bot API: ``/bot<token>/<method>`` on 127.0.0.1, answering like the platform
(``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``).

``LocalZaloApi`` runs the server and keeps its world: the chats, the updates waiting to be polled, the
webhook (while one is set, each parent's text is POSTed to it with the secret in
``X-Bot-Api-Secret-Token``), the calls and refusals. The methods it emulates are in methods.py; flood
limits and faults are the Telegram stand-in's (``localapi.ratelimit``, ``localapi.faults``)."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from localapi.faults import Fault, FaultKind, Faults
from localapi.ratelimit import RateLimiter, RateLimits
from localapi.server import HOST, serve
from localzalo.errors import LostResponse, ZaloError
from localzalo.methods import METHODS, SENDING_METHODS, Refusal
from localzalo.people import Chat, Signal, ZaloMessage, ZaloPerson

TEXT_RECEIVED = "message.text.received"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
LOCAL = web.AppKey("local", "LocalZaloApi")


class LocalZaloApi:
    """``async with LocalZaloApi() as zalo:`` — the base URL for the adapter is ``zalo.base_url``."""

    def __init__(
        self,
        token: str = "1234567890:local-zalo-token",
        *,
        port: int = 0,
        rate_limits: bool | RateLimits = False,
        bot_name: str = "Sổ điểm",
        clock: Callable[[], float] = time.monotonic,
        max_poll_timeout: float = 50.0,
        fault_seed: int = 0,
    ) -> None:
        self.token = token
        self.bot = {"id": token.split(":", 1)[0], "account_name": "bot.sodiem", "display_name": bot_name}
        limits = RateLimits() if rate_limits is True else rate_limits or None
        self.rate_limiter = RateLimiter(limits, clock) if limits else None
        self.faults = Faults(fault_seed)
        self.max_poll_timeout = max_poll_timeout
        self.calls: Counter[str] = Counter()
        self.refusals: list[Refusal] = []
        self.webhook: dict[str, str] | None = None
        self.webhook_posts: list[int] = []  # the webhook's answers (HTTP status; 0: no answer)
        self._posting: set[asyncio.Task] = set()
        self.http: aiohttp.ClientSession | None = None
        self.chats: dict[str, Chat] = {}
        self.people: dict[str, ZaloPerson] = {}
        self.updates: list[dict[str, Any]] = []
        self._seq = 0
        self.signal = Signal()
        self._port = port
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> LocalZaloApi:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        app[LOCAL] = self
        app.router.add_route("*", "/bot{token}/{method}", _method)
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._runner, self._port = await serve(app, self._port)

    async def stop(self) -> None:
        self.signal.fire()
        for task in list(self._posting):
            task.cancel()
        await asyncio.gather(*self._posting, return_exceptions=True)
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
        if self.http:
            await self.http.close()
            self.http = None

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def base_url(self) -> str:
        """The adapter appends ``<token>/<method>``."""
        return f"http://{HOST}:{self._port}/bot"

    # --- people and what they received -----------------------------------------------------------

    def person(self, user_id: str, name: str) -> ZaloPerson:
        if user_id not in self.people:
            self.chats[user_id] = Chat({"id": user_id, "display_name": name, "is_bot": False})
            self.people[user_id] = ZaloPerson(self, user_id)
        return self.people[user_id]

    def sent_messages(self, chat_id: str) -> list[ZaloMessage]:
        chat = self.chats.get(chat_id)
        return [m for m in chat.messages if m.from_bot] if chat else []

    @property
    def rejections_429(self) -> int:
        return sum(1 for refusal in self.refusals if refusal.code == 429)

    # --- fault injection -------------------------------------------------------------------------

    def inject_429(self, count: int | None = 1, *, retry_after: int = 1, probability: float = 1.0) -> None:
        self._inject(FaultKind.TOO_MANY_REQUESTS, count, probability, retry_after)

    def inject_server_error(self, count: int | None = 1, *, probability: float = 1.0) -> None:
        """Calls answer 502; nothing is delivered."""
        self._inject(FaultKind.BAD_GATEWAY, count, probability)

    def inject_lost_response(self, count: int | None = 1, *, probability: float = 1.0) -> None:
        """Calls deliver, then the connection drops before the answer."""
        self._inject(FaultKind.LOST_RESPONSE, count, probability)

    def clear_faults(self) -> None:
        self.faults.clear()

    def _inject(self, kind: FaultKind, count: int | None, probability: float, retry_after: int = 1) -> None:
        self.faults.add(Fault(kind, SENDING_METHODS, count, probability, retry_after))

    # --- the world -------------------------------------------------------------------------------

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def add_message(
        self, chat_id: str, from_bot: bool, text: str, photo: str | None = None, image: bytes | None = None
    ) -> ZaloMessage:
        seq = self._next_seq()
        message = ZaloMessage(f"m{seq}", chat_id, from_bot, text, photo, int(time.time() * 1000), seq, image)
        self.chats[chat_id].messages.append(message)
        self.signal.fire()
        return message

    def user_text(self, chat_id: str, text: str) -> ZaloMessage:
        chat = self.chats[chat_id]
        chat.blocked = False  # writing again re-opens the conversation
        message = self.add_message(chat_id, False, text)
        update = {
            "event_name": TEXT_RECEIVED,
            "message": {
                "message_id": message.message_id,
                "from": dict(chat.user),
                "chat": {"id": chat_id, "chat_type": "PRIVATE"},
                "date": message.date,
                "text": text,
            },
        }
        if self.webhook is not None:  # the platform calls the webhook instead of queueing the update
            task = asyncio.get_running_loop().create_task(self._post(dict(self.webhook), update))
            self._posting.add(task)
            task.add_done_callback(self._posting.discard)
        else:
            self.updates.append(update)
        self.signal.fire()
        return message

    async def _post(self, webhook: dict[str, str], update: dict[str, Any]) -> None:
        """One POST of an update to the webhook, with its secret; the answer is recorded, not retried."""
        assert self.http is not None
        headers = {SECRET_HEADER: webhook["secret_token"]}
        try:
            async with self.http.post(webhook["url"], json=update, headers=headers) as response:
                self.webhook_posts.append(response.status)
        except (aiohttp.ClientError, TimeoutError):
            self.webhook_posts.append(0)
        self.signal.fire()

    # --- the methods -----------------------------------------------------------------------------

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        handler = METHODS.get(method)
        if handler is None:
            raise ZaloError(404, "Not Found")
        self.calls[method] += 1
        try:
            return await handler(self, params)
        except ZaloError as error:
            if error.code != 408:  # an empty poll is not a refusal
                self.refusals.append(Refusal(method, error.code, error.description, error.injected))
            raise


async def _method(request: web.Request) -> web.StreamResponse:
    local = request.app[LOCAL]
    try:
        if request.match_info["token"] != local.token:
            raise ZaloError(401, "Unauthorized")
        params: dict[str, Any] = dict(request.query)
        if request.body_exists:
            try:
                body = await request.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise ZaloError(400, "Bad Request: the body must be JSON") from None
            if not isinstance(body, dict):
                raise ZaloError(400, "Bad Request: the body must be a JSON object")
            params.update(body)
        result = await local.call(request.match_info["method"], params)
    except ZaloError as error:
        return web.json_response(error.to_json(), status=error.code)
    except LostResponse:
        if request.transport:
            request.transport.abort()
        return web.Response()
    except ConnectionResetError:
        return web.Response()
    return web.json_response({"ok": True, "result": result})
