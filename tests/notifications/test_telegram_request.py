"""The bot's HTTP client (notifications/telegram_request.py) against real sockets: what reaches the
Bot API, and whether a failure may have delivered the message, which decides if the outbox sends again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from localapi import LocalBotApi
from notifications.channel import Message, Transient, Uncertain
from notifications.telegram import TelegramChannel
from notifications.telegram_request import AiohttpRequest, MaybeSent, NeverSent
from tests.ports import free_port

TOKEN = "123456:REQUEST-test"
PARENT = 5001


@asynccontextmanager
async def bot(base_url: str, seconds: float = 5.0) -> AsyncIterator[Bot]:
    """A bot whose client is open (``seconds`` to write and to read), without ``Bot.initialize``'s getMe."""
    request = AiohttpRequest(read_timeout=seconds, write_timeout=seconds)
    sender = Bot(TOKEN, base_url=base_url, request=request)
    await sender.request.initialize()
    try:
        yield sender
    finally:
        await sender.request.shutdown()


@asynccontextmanager
async def server(answer) -> AsyncIterator[tuple[int, list[bytes]]]:
    """A bare TCP server on a free port: ``answer(reader, writer)`` plays the other side; what each
    connection sent first (its request line and headers) is kept."""
    heads: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heads.append(await reader.readuntil(b"\r\n\r\n"))
        await answer(reader, writer)
        writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with listening:
        yield listening.sockets[0].getsockname()[1], heads


async def test_a_document_with_a_vietnamese_name_arrives_under_that_name():
    async with LocalBotApi(TOKEN) as api, bot(api.base_url) as sender:
        api.person(PARENT, "Phụ huynh").send_text("/start")
        await sender.send_document(PARENT, b"STT,Ho ten\n", filename="Sổ điểm 6A.csv", caption="Lớp 6A")
        [document] = api.sent_messages(PARENT)
        assert document.file.file_name == "Sổ điểm 6A.csv"
        assert document.file.content == b"STT,Ho ten\n"
        assert document.text == "Lớp 6A"


async def test_a_file_name_with_quotes_and_a_line_break_is_escaped_as_browsers_do():
    async with LocalBotApi(TOKEN) as api, bot(api.base_url) as sender:
        api.person(PARENT, "Phụ huynh").send_text("/start")
        await sender.send_document(PARENT, b"x", filename='Lớp "6A"\nsổ.csv')
        [document] = api.sent_messages(PARENT)
        assert document.file.file_name == "Lớp %226A%22%0Asổ.csv"


async def test_a_redirect_is_not_followed():
    async def redirect(reader, writer) -> None:
        writer.write(
            b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        await writer.drain()

    async with server(redirect) as (port, heads), bot(f"http://127.0.0.1:{port}/bot") as sender:
        with pytest.raises(NetworkError):
            await sender.send_message(PARENT, "Họp phụ huynh")
        assert len(heads) == 1


async def test_nobody_listening_is_never_sent_and_is_sent_again_later():
    async with bot(f"http://127.0.0.1:{free_port()}/bot") as sender:
        with pytest.raises(NeverSent):
            await sender.send_message(PARENT, "Họp phụ huynh")
        with pytest.raises(Transient):
            await TelegramChannel(sender).send(str(PARENT), Message("Họp phụ huynh"))


async def test_a_connection_dropped_after_the_request_may_have_delivered_it():
    async def hang_up(reader, writer) -> None:
        await reader.read(1)  # the request's body went out

    async with server(hang_up) as (port, heads), bot(f"http://127.0.0.1:{port}/bot") as sender:
        with pytest.raises(MaybeSent):
            await sender.send_message(PARENT, "Họp phụ huynh")
        assert heads and heads[-1].startswith(b"POST /bot123456:REQUEST-test/sendMessage ")
        channel = TelegramChannel(sender)
        with pytest.raises(Uncertain):
            await channel.send(str(PARENT), Message("Họp phụ huynh"))


async def test_no_answer_within_the_read_timeout_is_a_timeout_that_may_have_delivered():
    async def say_nothing(reader, writer) -> None:
        await reader.read()  # until the bot gives up and closes

    async with server(say_nothing) as (port, _), bot(f"http://127.0.0.1:{port}/bot", 0.2) as sender:
        with pytest.raises(TimedOut) as raised:
            await sender.send_message(PARENT, "Họp phụ huynh")
        assert not isinstance(raised.value, NeverSent)
        with pytest.raises(Uncertain):
            await TelegramChannel(sender).send(str(PARENT), Message("Họp phụ huynh"))


async def test_a_download_that_keeps_coming_is_not_cut_short():
    """The read timeout bounds each wait for data, as httpx's does, not the whole download."""
    chunks = 7

    async def trickle(reader, writer) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (chunks * 1024))
        for _ in range(chunks):
            writer.write(b"x" * 1024)
            await writer.drain()
            await asyncio.sleep(0.25)

    async with server(trickle) as (port, _), bot(f"http://127.0.0.1:{port}/bot") as sender:
        started = asyncio.get_running_loop().time()
        content = await sender.request.retrieve(
            f"http://127.0.0.1:{port}/file/document.pdf",
            read_timeout=0.6,
            write_timeout=0.1,
            connect_timeout=0.1,
            pool_timeout=0.1,
        )
        assert len(content) == chunks * 1024
        assert asyncio.get_running_loop().time() - started > 0.9  # longer than all four timeouts together


async def test_a_proxy_named_in_the_environment_carries_the_calls(monkeypatch):
    """A school whose network reaches Telegram only through a proxy sets HTTPS_PROXY (HTTP_PROXY for
    http), as for PTB's own client."""
    answer = b'{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"sodiem","username":"sodiem_bot"}}'

    async def proxy(reader, writer) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(answer), answer))
        await writer.drain()

    async with server(proxy) as (port, heads):
        monkeypatch.setenv("HTTP_PROXY", f"127.0.0.1:{port}")  # no scheme: http://, as httpx reads it
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        telegram_elsewhere = f"http://127.0.0.1:{free_port()}/bot"  # nobody listens there
        async with bot(telegram_elsewhere) as sender:
            assert (await sender.get_me()).username == "sodiem_bot"
        assert heads[0].startswith(f"POST {telegram_elsewhere}{TOKEN}/getMe ".encode())
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # and a host it names is reached directly
        async with bot(telegram_elsewhere) as sender:
            with pytest.raises(NeverSent):
                await sender.get_me()
        assert len(heads) == 1


async def test_a_proxy_that_refuses_the_tunnel_never_sent_the_message(monkeypatch):
    async def refuse(reader, writer) -> None:
        writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    async with server(refuse) as (port, heads):
        monkeypatch.setenv("HTTPS_PROXY", f"http://school:secret@127.0.0.1:{port}")
        async with bot("https://api.telegram.invalid/bot") as sender:
            with pytest.raises(NeverSent) as raised:
                await sender.send_message(PARENT, "Họp phụ huynh")
            assert "secret" not in raised.value.message
            with pytest.raises(Transient):
                await TelegramChannel(sender).send(str(PARENT), Message("Họp phụ huynh"))
        assert heads[0].startswith(b"CONNECT api.telegram.invalid:443 ")
