"""The HTTP side of the local Bot API, and ``LocalBotApi``, which runs it on 127.0.0.1 for a test."""

from __future__ import annotations

import json
import re
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from localapi import control
from localapi.errors import ApiError, LostResponse, bad_request
from localapi.faults import Fault, FaultKind, Faults
from localapi.methods import SENDING_METHODS, BotApi, Refusal
from localapi.people import Group, Person
from localapi.ratelimit import RateLimiter, RateLimits
from localapi.spec import Upload, load_spec
from localapi.world import StoredMessage, World

HOST = "127.0.0.1"  # the local Bot API never listens on, nor talks to, anything else
TOKEN = re.compile(r"(\d+):[\w-]+")
MAX_REQUEST_BYTES = 52 * 1024 * 1024  # Telegram takes documents up to 50 MB
SHUTDOWN_SECONDS = 2.0
LOCAL = web.AppKey("local", "LocalBotApi")


class LocalBotApi:
    """A local Bot API server with its simulated people, for ``async with`` in tests and benchmarks."""

    def __init__(
        self,
        token: str = "123456:local-test-token",
        *,
        port: int = 0,
        rate_limits: bool | RateLimits = False,
        bot_username: str = "sodiem_test_bot",
        bot_first_name: str = "Sổ điểm",
        clock: Callable[[], float] = time.monotonic,
        callback_query_ttl: float | None = 15.0,
        max_poll_timeout: float = 50.0,
        fault_seed: int = 0,
    ) -> None:
        match = TOKEN.fullmatch(token)
        if not match:
            raise ValueError(f"not a bot token: {token!r}")
        self.token = token
        self.world = World(_bot_user(int(match[1]), bot_first_name, bot_username), clock)
        limits = RateLimits() if rate_limits is True else rate_limits or None
        self.api = BotApi(
            self.world,
            load_spec(),
            rate_limiter=RateLimiter(limits, clock) if limits else None,
            faults=Faults(fault_seed),
            callback_query_ttl=callback_query_ttl,
            max_poll_timeout=max_poll_timeout,
        )
        self.people: dict[int, Person] = {}
        self._port = port
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        self._runner, self._port = await serve(build_app(self), self._port)

    async def stop(self) -> None:
        self.world.close()
        if self._runner:
            await self._runner.cleanup()
            self._runner = None

    # --- addresses -------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port asked for (0: any free one) until started, then the port it listens on."""
        return self._port

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``; python-telegram-bot appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # --- people ----------------------------------------------------------------------------------

    def person(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None = "vi",
        *,
        last_name: str | None = None,
        username: str | None = None,
    ) -> Person:
        """The simulated person with this Telegram user id, created on first use."""
        if user_id not in self.people:
            user = {"id": user_id, "is_bot": False, "first_name": first_name}
            optional = {"last_name": last_name, "username": username, "language_code": language_code}
            user.update({key: value for key, value in optional.items() if value is not None})
            self.people[user_id] = Person(self.world, self.world.add_user(user))
        return self.people[user_id]

    def group(self, group_id: int, title: str) -> Group:
        """A supergroup (negative id) the bot is in; members write there with ``group.send_text``."""
        return Group(self.world, group_id, title)

    def forget_people(self) -> None:
        """Forgets every person and chat, as if the bot had just been created."""
        self.people.clear()
        self.world.forget_people()

    def block_bot(self, user_id: int) -> None:
        """The person blocks the bot: sends to them answer 403 until they unblock or write again."""
        self.people[user_id].block_bot()

    def unblock_bot(self, user_id: int) -> None:
        self.people[user_id].unblock_bot()

    # --- counters --------------------------------------------------------------------------------

    @property
    def calls(self) -> Counter[str]:
        """Calls per method, refused ones included."""
        return self.api.calls

    @property
    def refusals(self) -> list[Refusal]:
        """Every error answer, in order."""
        return self.api.refusals

    @property
    def rejections_429(self) -> int:
        """429 answers, from the flood limits and from injected faults."""
        return sum(1 for refusal in self.api.refusals if refusal.code == 429)

    def sent_messages(self, chat_id: int) -> list[StoredMessage]:
        """The bot's messages delivered to a chat, as they now stand."""
        chat = self.world.chats.get(chat_id)
        return chat.bot_messages() if chat else []

    # --- fault injection -------------------------------------------------------------------------

    def inject_429(
        self,
        count: int | None = 1,
        *,
        retry_after: int = 1,
        probability: float = 1.0,
        methods: Iterable[str] = SENDING_METHODS,
    ) -> None:
        """The next ``count`` calls (None: every call until ``clear_faults``) answer 429, each struck with
        the given probability; nothing is delivered."""
        self._inject(FaultKind.TOO_MANY_REQUESTS, count, probability, methods, retry_after)

    def inject_bad_gateway(
        self, count: int | None = 1, *, probability: float = 1.0, methods: Iterable[str] = SENDING_METHODS
    ) -> None:
        """Calls answer 502 Bad Gateway; nothing is delivered."""
        self._inject(FaultKind.BAD_GATEWAY, count, probability, methods)

    def inject_lost_response(
        self, count: int | None = 1, *, probability: float = 1.0, methods: Iterable[str] = SENDING_METHODS
    ) -> None:
        """Calls take effect (the message is delivered) but the connection drops before the answer."""
        self._inject(FaultKind.LOST_RESPONSE, count, probability, methods)

    def clear_faults(self) -> None:
        self.api.faults.clear()

    def _inject(
        self,
        kind: FaultKind,
        count: int | None,
        probability: float,
        methods: Iterable[str],
        retry_after: int = 1,
    ) -> None:
        self.api.faults.add(Fault(kind, frozenset(methods), count, probability, retry_after))


def build_app(local: LocalBotApi) -> web.Application:
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[LOCAL] = local
    app.router.add_route("*", "/bot{token}/{method}", _method)
    app.router.add_get("/file/bot{token}/{file_path:.+}", _download)
    control.add_routes(app, local)
    return app


async def _method(request: web.Request) -> web.StreamResponse:
    local = request.app[LOCAL]
    try:
        if request.match_info["token"] != local.token:
            raise ApiError(401, "Unauthorized")
        params = await _params(request)
        result = await local.api.call(request.match_info["method"], params)
    except ApiError as error:
        return web.json_response(error.to_json(), status=error.code)
    except LostResponse:
        if request.transport:
            request.transport.abort()
        return web.Response()
    except ConnectionResetError:  # the client went away mid-request (a bot stopping): nobody to answer
        return web.Response()
    return web.json_response({"ok": True, "result": result})


async def _download(request: web.Request) -> web.StreamResponse:
    local = request.app[LOCAL]
    file = local.world.file_at(request.match_info["file_path"])
    if request.match_info["token"] != local.token or file is None:
        return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
    return web.Response(body=file.content, content_type=file.mime_type)


async def _params(request: web.Request) -> dict[str, Any]:
    """The call's parameters from the query string and a JSON, url-encoded or multipart body."""
    params: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise bad_request("can't parse JSON body") from None
        if not isinstance(body, dict):
            raise bad_request("the JSON body must be an object")
        return {**params, **body}
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            params[key] = _upload(value) if isinstance(value, web.FileField) else value
        return params
    raise bad_request(f"unsupported content type {request.content_type}")


def _upload(field: web.FileField) -> Upload:
    return Upload(field.filename, field.content_type, field.file.read())


def _bot_user(bot_id: int, first_name: str, username: str) -> dict[str, Any]:
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": False,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def serve(app: web.Application, port: int) -> tuple[web.AppRunner, int]:
    """Serves ``app`` on 127.0.0.1 at ``port`` (0: any free one); returns the runner and the port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    await web.SockSite(runner, sock).start()
    return runner, sock.getsockname()[1]
