"""People over HTTP (/_sim/), and the command line that starts the local Bot API on its own."""

import asyncio
import sys

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
