"""Simulated people: what they send, what they press, what they see and wait for."""

import asyncio

import pytest

from localapi import LocalBotApi
from tests.localapi.helpers import Client, png


async def test_commands_carry_their_entities(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_command("start MÃ-123")
    api.person(1002, "Bình").send_text("Điểm 😀 /diem")
    first, second = (update["message"] for update in await client.ok("getUpdates"))
    assert first["text"] == "/start MÃ-123"
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert second["entities"] == [{"type": "bot_command", "offset": 8, "length": 5}]  # the emoji counts 2


async def test_next_message_reads_in_order_and_wait_for_sees_edits(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    first = await client.ok("sendMessage", chat_id=1001, text="Một")
    await client.ok("sendMessage", chat_id=1001, text="Hai")
    assert [(await lan.next_message()).text, (await lan.next_message()).text] == ["Một", "Hai"]

    lan.send_text("Sửa đi")
    waiting = asyncio.create_task(lan.wait_for(lambda message: message.text.startswith("Một")))
    await asyncio.sleep(0.1)
    assert not waiting.done()  # "Một" matches, but is older than the person's last action
    await client.ok("editMessageText", chat_id=1001, message_id=first["message_id"], text="Một (đã sửa)")
    edited = await asyncio.wait_for(waiting, timeout=20)
    assert (edited.text, edited.edit_count) == ("Một (đã sửa)", 1)


async def test_a_wait_that_times_out_says_what_the_person_saw(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    await client.ok("sendMessage", chat_id=1001, text="Chào Lan")
    with pytest.raises(TimeoutError, match="Chào Lan"):
        await lan.wait_for(lambda message: "điểm" in message.text, timeout=0.2)


async def test_pressing_buttons(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    markup = {
        "inline_keyboard": [
            [{"text": "Duyệt", "callback_data": "ok:7"}, {"text": "Từ chối", "callback_data": "no:7"}]
        ]
    }
    sent = await client.ok("sendMessage", chat_id=1001, text="Duyệt điểm?", reply_markup=markup)
    lan.press("Từ chối")
    lan.press("ok:7")
    lan.press_data(sent["message_id"], "ok:999")  # forged, as a modified client could
    with pytest.raises(LookupError, match="Duyệt"):
        lan.press("Xoá")
    presses = [update["callback_query"] for update in (await client.ok("getUpdates"))[1:]]
    assert [press["data"] for press in presses] == ["no:7", "ok:7", "ok:999"]
    assert presses[0]["message"]["message_id"] == sent["message_id"]
    assert presses[0]["from"]["id"] == 1001


async def test_a_reply_keyboard_button_sends_its_label(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    keyboard = {"keyboard": [[{"text": "Xem điểm"}, {"text": "Lịch học"}]], "one_time_keyboard": True}
    sent = await client.ok("sendMessage", chat_id=1001, text="Chọn", reply_markup=keyboard)
    assert "reply_markup" not in sent  # a Message carries only inline keyboards
    assert lan.keyboard == ["Xem điểm", "Lịch học"]
    with pytest.raises(LookupError):
        lan.press("Xem điểm")  # not an inline button
    lan.press_key("Xem điểm")
    assert lan.keyboard == []
    assert (await client.ok("getUpdates"))[-1]["message"]["text"] == "Xem điểm"


async def test_a_photo_from_a_person(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_photo(png(8, 6), caption="Bài kiểm tra")
    [update] = await client.ok("getUpdates")
    assert update["message"]["photo"][0]["width"] == 8 and update["message"]["caption"] == "Bài kiểm tra"
    with pytest.raises(ValueError):
        lan.send_photo(b"not an image")


async def test_many_people_at_once(api: LocalBotApi, client: Client):
    """What a benchmark does: many people ask at once; each measures its own reply's latency."""
    people = [api.person(5000 + number, f"Phụ huynh {number}") for number in range(50)]

    async def echo_bot() -> None:
        offset = 0
        answered = 0
        while answered < len(people):
            for update in await client.ok("getUpdates", offset=offset, timeout=5):
                offset = update["update_id"] + 1
                message = update["message"]
                await client.ok(
                    "sendMessage", chat_id=message["chat"]["id"], text=f"Đã nhận: {message['text']}"
                )
                answered += 1

    async def ask(person) -> float:
        reply = await person.ask(f"Điểm của con {person.id}?", timeout=30)
        assert reply.text == f"Đã nhận: Điểm của con {person.id}?"
        question = person.chat.messages[reply.message_id - 1]
        return reply.created_at - question.created_at

    bot = asyncio.create_task(echo_bot())
    latencies = await asyncio.gather(*(ask(person) for person in people))
    await asyncio.wait_for(bot, timeout=30)
    assert len(latencies) == 50 and all(latency >= 0 for latency in latencies)
