"""People over HTTP (/_sim/), and the command line that starts the local Bot API on its own."""

import asyncio
import sys

import aiohttp

from localapi import LocalBotApi
from tests.localapi.helpers import Client


async def test_a_person_driven_over_http(api: LocalBotApi, client: Client):
    async def sim(method: str, path: str, **body) -> dict:
        async with client.session.request(method, f"{api.url}/_sim{path}", json=body or None) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    await sim("POST", "/people", user_id=1001, first_name="Lan")
    await sim("POST", "/people/1001/text", text="/start")
    assert (await sim("GET", "/people/1001/messages"))["messages"] == []

    markup = {"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok"}]]}
    sent = await client.ok("sendMessage", chat_id=1001, text="Duyệt?", reply_markup=markup)
    seen = await sim("GET", "/people/1001/messages")
    assert [message["text"] for message in seen["messages"]] == ["Duyệt?"]

    waiting = asyncio.create_task(sim("GET", f"/people/1001/messages?after={seen['seq']}&timeout=20"))
    await sim("POST", "/people/1001/press", message_id=sent["message_id"], data="ok")
    press = (await client.ok("getUpdates"))[-1]["callback_query"]
    await client.ok("editMessageText", chat_id=1001, message_id=sent["message_id"], text="Đã duyệt")
    changed = await asyncio.wait_for(waiting, timeout=20)
    assert [(m["text"], m["edit_count"]) for m in changed["messages"]] == [("Đã duyệt", 1)]
    assert press["data"] == "ok"
    assert (await sim("GET", "/stats"))["calls"]["editMessageText"] == 1


async def test_the_command_line_prints_its_base_url():
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "localapi", "--port", "0", "--token", "42:ABC", stdout=asyncio.subprocess.PIPE
    )
    try:
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        assert line.decode().split()[0] == "base_url"
        assert line.decode().split()[1].startswith("http://127.0.0.1:")
    finally:
        process.terminate()
        await process.wait()


async def test_the_whole_chat_as_a_phone_shows_it_keys_files_and_press_answers(
    api: LocalBotApi, client: Client
):
    """The routes the sandbox's page uses: both sides of the chat, the reply keyboard, files, answers."""

    async def sim(method: str, path: str, expect: int = 200, **body):
        async with client.session.request(method, f"{api.url}/_sim{path}", json=body or None) as response:
            assert response.status == expect, await response.text()
            return await response.json() if expect == 200 else await response.text()

    await sim("POST", "/people", user_id=1002, first_name="Hoa")
    await sim("POST", "/people/1002/text", text="Xin chào")
    keyboard = {"keyboard": [[{"text": "Xem điểm"}, {"text": "Trợ giúp"}]], "one_time_keyboard": True}
    await client.ok("sendMessage", chat_id=1002, text="Chọn:", reply_markup=keyboard)
    chat = await sim("GET", "/people/1002/chat")
    assert [(m["from_bot"], m["text"]) for m in chat["messages"]] == [(False, "Xin chào"), (True, "Chọn:")]
    assert chat["keyboard"] == [["Xem điểm", "Trợ giúp"]]

    waiting = asyncio.create_task(sim("GET", f"/people/1002/chat?after={chat['seq']}&timeout=20"))
    await sim("POST", "/people/1002/key", text="Xem điểm")  # the person's own message wakes the page
    changed = await asyncio.wait_for(waiting, timeout=20)
    assert changed["messages"][-1]["text"] == "Xem điểm" and changed["keyboard"] == []  # one-time: gone
    assert "sees no key" in await sim("POST", "/people/1002/key", expect=404, text="Xem điểm")

    form = aiohttp.FormData({"chat_id": "1002"})
    form.add_field("document", "Họ và tên;Điểm\n".encode(), filename="diem.csv", content_type="text/csv")
    await client.form("sendDocument", form)
    sent = (await sim("GET", "/people/1002/chat"))["messages"][-1]
    async with client.session.get(api.url + sent["file_url"]) as download:
        assert await download.read() == "Họ và tên;Điểm\n".encode()
        assert download.headers["Content-Disposition"] == "attachment; filename*=UTF-8''diem.csv"

    markup = {"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok"}]]}
    asked = await client.ok("sendMessage", chat_id=1002, text="Duyệt?", reply_markup=markup)

    async def bot_answers() -> None:
        query = (await client.ok("getUpdates"))[-1]["callback_query"]
        await client.ok(
            "answerCallbackQuery", callback_query_id=query["id"], text="Đã duyệt", show_alert=True
        )

    answering = asyncio.create_task(bot_answers())
    pressed = await sim("POST", "/people/1002/press", message_id=asked["message_id"], data="ok")
    await answering
    assert pressed["answer"] == {"text": "Đã duyệt", "show_alert": True}
    assert "no message 999" in await sim("POST", "/people/1002/press", expect=404, message_id=999, data="ok")


async def test_forgetting_everyone_leaves_a_fresh_telegram_for_the_same_bot(api: LocalBotApi, client: Client):
    lan = api.person(1003, "Lan")
    lan.send_text("/start")
    api.forget_people()
    assert api.people == {} and await client.ok("getUpdates") == []
    assert await client.refused("sendMessage", chat_id=1003, text="Còn đó không?") == (
        400,
        "Bad Request: chat not found",
    )
    api.person(1003, "Lan").send_text("/start")
    assert [u["message"]["text"] for u in await client.ok("getUpdates")] == ["/start"]
