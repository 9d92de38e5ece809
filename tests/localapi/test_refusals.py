"""The local Bot API refuses what Telegram refuses, with Telegram's answers."""

from localapi import LocalBotApi
from localapi.spec import load_spec
from tests.localapi.helpers import Client, png


async def test_unknown_method_and_wrong_token(api: LocalBotApi, client: Client):
    assert await client.refused("sendGrades", chat_id=1) == (404, "Not Found")
    async with client.session.post(f"{api.base_url}999:WRONG/getMe") as response:
        assert (response.status, (await response.json())["description"]) == (401, "Unauthorized")
    assert api.calls["sendGrades"] == 1


async def test_unknown_and_missing_fields(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    status, description = await client.refused("sendMessage", chat_id=1001, text="Chào", colour="red")
    assert (status, description) == (400, 'Bad Request: unknown parameter "colour" for method sendMessage')
    status, description = await client.refused("sendMessage", text="Chào")
    assert (status, description) == (
        400,
        'Bad Request: parameter "chat_id" is required for method sendMessage',
    )
    assert [refusal.code for refusal in api.refusals] == [400, 400]


async def test_text_length_is_at_most_4096_characters(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    await client.ok("sendMessage", chat_id=1001, text="đ" * 4096)
    assert await client.refused("sendMessage", chat_id=1001, text="đ" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    assert await client.refused("sendMessage", chat_id=1001, text="  ") == (
        400,
        "Bad Request: message text is empty",
    )
    # Markup does not count: 4096 letters in bold is 4096 characters after entity parsing.
    await client.ok("sendMessage", chat_id=1001, text=f"<b>{'a' * 4096}</b>", parse_mode="HTML")


async def test_caption_is_at_most_1024_characters(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    photo = await client.ok("sendPhoto", chat_id=1001, photo=_png_file_id(api, client))
    file_id = photo["photo"][0]["file_id"]
    await client.ok("sendPhoto", chat_id=1001, photo=file_id, caption="ả" * 1024)
    status, description = await client.refused("sendPhoto", chat_id=1001, photo=file_id, caption="ả" * 1025)
    assert (status, description) == (400, "Bad Request: message caption is too long")


def _png_file_id(api: LocalBotApi, client: Client) -> str:
    return api.world.store_file(png(4, 3), "photos", "p.png", "image/png").file_id


async def test_callback_data_is_at_most_64_bytes_not_characters(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")

    def keyboard(data: str) -> dict:
        return {"inline_keyboard": [[{"text": "Điểm", "callback_data": data}]]}

    await client.ok("sendMessage", chat_id=1001, text="Chọn", reply_markup=keyboard("đ" * 32))  # 64 bytes
    status, description = await client.refused(
        "sendMessage", chat_id=1001, text="Chọn", reply_markup=keyboard("đ" * 33)
    )
    assert len("đ" * 33) < 64 < len(("đ" * 33).encode())
    assert (status, description) == (400, "Bad Request: BUTTON_DATA_INVALID")
    status, _ = await client.refused("sendMessage", chat_id=1001, text="Chọn", reply_markup=keyboard(""))
    assert status == 400


async def test_an_inline_button_needs_exactly_one_action(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    markup = {"inline_keyboard": [[{"text": "Điểm"}]]}
    _, description = await client.refused("sendMessage", chat_id=1001, text="Chọn", reply_markup=markup)
    assert "Text buttons are unallowed in the inline keyboard" in description


async def test_editing_a_missing_message_or_changing_nothing(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    sent = await client.ok("sendMessage", chat_id=1001, text="Điểm: 8")
    assert await client.refused("editMessageText", chat_id=1001, message_id=99, text="Điểm: 9") == (
        400,
        "Bad Request: message to edit not found",
    )
    _, description = await client.refused(
        "editMessageText", chat_id=1001, message_id=sent["message_id"], text="Điểm: 8"
    )
    assert description.startswith("Bad Request: message is not modified: ")
    _, description = await client.refused(
        "editMessageReplyMarkup", chat_id=1001, message_id=sent["message_id"]
    )
    assert description.startswith("Bad Request: message is not modified: ")
    assert await client.refused("editMessageText", chat_id=1001, message_id=1, text="x") == (
        400,
        "Bad Request: message can't be edited",
    )
    edited = await client.ok("editMessageText", chat_id=1001, message_id=sent["message_id"], text="Điểm: 9")
    assert edited["text"] == "Điểm: 9" and "edit_date" in edited


async def test_an_edit_without_a_keyboard_removes_it(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    markup = {"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok"}]]}
    sent = await client.ok("sendMessage", chat_id=1001, text="Duyệt?", reply_markup=markup)
    await client.ok("editMessageText", chat_id=1001, message_id=sent["message_id"], text="Đã duyệt")
    assert (lan.last_message.text, lan.last_message.buttons, lan.last_message.edit_count) == (
        "Đã duyệt",
        [],
        1,
    )


async def test_callback_queries_are_answered_once_and_in_time(api: LocalBotApi, client: Client, clock):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    markup = {"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok"}]]}
    await client.ok("sendMessage", chat_id=1001, text="Duyệt?", reply_markup=markup)
    too_old = (400, "Bad Request: query is too old and response timeout expired or query ID is invalid")

    assert await client.refused("answerCallbackQuery", callback_query_id="nope") == too_old
    query = lan.press("Duyệt")
    assert await client.ok("answerCallbackQuery", callback_query_id=query.id, text="Đã nhận") is True
    assert await client.refused("answerCallbackQuery", callback_query_id=query.id) == too_old
    assert await lan.callback_answer(query) == {"text": "Đã nhận"}

    late = lan.press("ok")
    clock.advance(16)
    assert await client.refused("answerCallbackQuery", callback_query_id=late.id) == too_old


async def test_a_chat_exists_once_the_person_has_written(api: LocalBotApi, client: Client):
    api.person(1001, "Lan")
    assert await client.refused("sendMessage", chat_id=1001, text="Chào") == (
        400,
        "Bad Request: chat not found",
    )
    assert await client.refused("sendMessage", chat_id="@lan", text="Chào") == (
        400,
        "Bad Request: chat not found",
    )


async def test_a_blocked_bot_is_forbidden_to_write(api: LocalBotApi, client: Client):
    lan = api.person(1001, "Lan")
    lan.send_text("/start")
    api.block_bot(1001)
    blocked = (403, "Forbidden: bot was blocked by the user")
    assert await client.refused("sendMessage", chat_id=1001, text="Chào") == blocked
    assert await client.refused("sendChatAction", chat_id=1001, action="typing") == blocked
    kinds = [next(key for key in update if key != "update_id") for update in await client.ok("getUpdates")]
    assert kinds == ["message", "my_chat_member"]
    lan.send_text("/start")  # writing again restarts the bot
    await client.ok("sendMessage", chat_id=1001, text="Chào")


async def test_bot_commands_are_checked_and_kept_per_scope_and_language(client: Client):
    invalid = [
        ([{"command": "Diem", "description": "Xem điểm"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "d" * 33, "description": "Xem điểm"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "diem", "description": ""}], "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
        ([{"command": "diem", "description": "đ" * 257}], "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
    ]
    for commands, description in invalid:
        assert await client.refused("setMyCommands", commands=commands) == (400, description)
    vietnamese = [{"command": "diem", "description": "Xem điểm"}]
    await client.ok("setMyCommands", commands=vietnamese, language_code="vi")
    await client.ok("setMyCommands", commands=[{"command": "grades", "description": "Grades"}])
    assert await client.ok("getMyCommands", language_code="vi") == vietnamese
    assert await client.ok("getMyCommands", scope={"type": "all_private_chats"}) == []


async def test_html_is_parsed_into_entities_and_must_be_balanced(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    sent = await client.ok(
        "sendMessage", chat_id=1001, text="Điểm <b>Toán</b> &amp; <i>Văn</i>", parse_mode="HTML"
    )
    assert sent["text"] == "Điểm Toán & Văn"
    assert sent["entities"] == [
        {"type": "bold", "offset": 5, "length": 4},
        {"type": "italic", "offset": 12, "length": 3},
    ]
    _, description = await client.refused("sendMessage", chat_id=1001, text="<b>Toán", parse_mode="HTML")
    assert (
        description
        == "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )
    _, description = await client.refused(
        "sendMessage", chat_id=1001, text="<div>Toán</div>", parse_mode="HTML"
    )
    assert description == 'Bad Request: can\'t parse entities: Unsupported start tag "div"'
    assert await client.refused("sendMessage", chat_id=1001, text="x", parse_mode="BBCode") == (
        400,
        "Bad Request: unsupported parse_mode",
    )


async def test_a_photo_must_be_an_image(api: LocalBotApi, client: Client):
    api.person(1001, "Lan").send_text("/start")
    pdf = api.world.store_file(b"%PDF-1.4", "documents", "a.pdf", "application/pdf")
    assert await client.refused("sendPhoto", chat_id=1001, photo=pdf.file_id) == (
        400,
        "Bad Request: IMAGE_PROCESS_FAILED",
    )


async def test_what_the_local_api_answers_fits_the_specification(api: LocalBotApi, client: Client):
    spec = load_spec()
    lan = api.person(1001, "Lan")
    lan.send_text("/start ABC")
    markup = {"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok"}]]}
    sent = await client.ok(
        "sendMessage", chat_id=1001, text="<b>Duyệt?</b>", parse_mode="HTML", reply_markup=markup
    )
    lan.press("Duyệt")
    lan.block_bot()
    assert spec.errors("User", await client.ok("getMe")) == []
    assert spec.errors("Message", sent) == []
    updates = await client.ok("getUpdates")
    assert len(updates) == 3
    assert [spec.errors("Update", update) for update in updates] == [[], [], []]
