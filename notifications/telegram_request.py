"""How sodiem's bots reach the Bot API: python-telegram-bot's request interface over aiohttp.

Why not PTB's own client (httpx): under a school's morning load it was over a third of the bot's CPU.
For every request httpcore walks its whole connection pool and asks each idle connection's socket,
through anyio's attribute dicts, whether it is still readable; aiohttp hands out an idle connection
without that walk (bench/throughput.py: 6.9 → 4.8 ms of CPU a press; docs/local-bot-api.md).

What PTB's callers rely on is kept: the same timeouts and defaults (an upload may write for longer), a
proxy from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY as httpx reads them, UTF-8 file names escaped
as httpx escapes them, no redirects followed, and every failure raised as PTB's TimedOut or
NetworkError. Those say whether the request left: ``NeverSent`` (no connection could be had, so nothing
reached Telegram) or ``MaybeSent`` (the connection broke after the request went out), which the outbox
needs to know (notifications/telegram.py).
"""

from __future__ import annotations

import re
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

CONNECTIONS = 256  # at most at once, as PTB's default
READ_SECONDS = WRITE_SECONDS = CONNECT_SECONDS = 5.0  # PTB's defaults
POOL_SECONDS = 1.0
UPLOAD_WRITE_SECONDS = 20.0
# Failures before a byte of the request left: no connection, a proxy that refused the tunnel, an address
# that is not one. (A timeout while connecting is aiohttp.ConnectionTimeoutError, also raised only there.)
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ClientHttpProxyError, aiohttp.InvalidURL)
# A file name's quote and control characters, escaped as httpx (and browsers, by HTML5) send them;
# aiohttp then escapes a backslash itself
FILENAME_ESCAPES = {'"': "%22"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}
CREDENTIALS = re.compile(r"//[^/@\s]*@")


class NeverSent(NetworkError):
    """No connection could be had, so the request never left: sending it again sends it once."""


class NeverSentInTime(NeverSent, TimedOut):
    """No connection within the pool and connect timeouts (a TimedOut, as PTB's own client says)."""


class MaybeSent(NetworkError):
    """The connection broke after the request went out: Telegram may have acted on it."""


class AiohttpRequest(BaseRequest):
    """One client session, opened by ``initialize`` and closed by ``shutdown``. The timeouts are the
    defaults for every call; getUpdates passes its own, longer read timeout, an upload a write timeout
    of UPLOAD_WRITE_SECONDS."""

    __slots__ = ("_connections", "_proxies", "_read_timeout", "_session", "_write_timeout")

    def __init__(
        self,
        connections: int = CONNECTIONS,
        read_timeout: float | None = READ_SECONDS,
        write_timeout: float | None = WRITE_SECONDS,
    ):
        self._connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, limit_per_host=self._connections),
                headers={"User-Agent": self.USER_AGENT},
            )
            self._proxies = {}

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        timeout = _timeout(
            pool=_given(pool_timeout, POOL_SECONDS),
            connect=_given(connect_timeout, CONNECT_SECONDS),
            write=_given(write_timeout, UPLOAD_WRITE_SECONDS if uploads else self._write_timeout),
            read=_given(read_timeout, self._read_timeout),
            uploads=uploads,
        )
        try:
            body = _body(request_data)
            proxy = self._proxy(url)
            async with self._session.request(
                method, url, data=body, timeout=timeout, proxy=proxy, allow_redirects=False
            ) as answer:
                return answer.status, await answer.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise NeverSentInTime(_described(error)) from error
        except NOT_SENT as error:
            raise NeverSent(_described(error)) from error
        except TimeoutError as error:
            raise TimedOut(_described(error)) from error
        except aiohttp.ClientError as error:
            raise MaybeSent(_described(error)) from error

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for ``url``'s host (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY,
        NO_PROXY), looked up once a host: aiohttp's own ``trust_env`` reads the environment and ~/.netrc
        again on a thread for every request."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            named = urllib.request.getproxies_environment()
            bypass = urllib.request.proxy_bypass_environment(key[1], named)
            proxy = None if bypass else named.get(parts.scheme) or named.get("all")
            self._proxies[key] = proxy if not proxy or "://" in proxy else f"http://{proxy}"  # as httpx
        return self._proxies[key]


def _timeout(
    pool: float | None, connect: float | None, write: float | None, read: float | None, uploads: bool
) -> aiohttp.ClientTimeout:
    """aiohttp's ``connect`` covers both the wait for a free connection and opening one. Its read timeout
    starts once the request is written and, as httpx's, bounds each wait for data, so a long download
    that keeps coming is not cut. It has no write timeout: an upload's whole call is bounded instead
    (a small form goes out in one write)."""
    return aiohttp.ClientTimeout(
        total=_sum(pool, connect, write, read) if uploads else None,
        connect=_sum(pool, connect),
        sock_connect=connect,
        sock_read=read,
    )


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as PTB's own client sends them, multipart when files go with them."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not request_data.contains_files:
        return fields
    form = aiohttp.FormData(fields, quote_fields=False)  # UTF-8 file names as they are, as httpx sends
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=_escaped(filename), content_type=mimetype)
    return form


def _escaped(filename: str | None) -> str | None:
    return filename and "".join(FILENAME_ESCAPES.get(character, character) for character in filename)


def _given(value: Any, default: float | None) -> float | None:
    return default if value is BaseRequest.DEFAULT_NONE else value


def _sum(*seconds: float | None) -> float | None:
    return None if None in seconds else sum(seconds)


def _described(error: Exception) -> str:
    """The error for a log line, a proxy's password left out."""
    return CREDENTIALS.sub("//***@", f"aiohttp.{error.__class__.__name__}: {error}")
