"""The check of calls against the Bot API specification, without a server."""

import pytest

from localapi.errors import ApiError
from localapi.spec import Upload, known_method, load_spec

SPEC = load_spec()


def refusal(method: str, params: dict) -> str:
    with pytest.raises(ApiError) as raised:
        SPEC.check_call(method, params)
    assert raised.value.code == 400
    return raised.value.description


def test_the_specification_is_bot_api_10_1():
    assert SPEC.version == "Bot API 10.1"
    assert SPEC.method_name("sendmessage") == "sendMessage"


def test_an_unknown_method_is_not_found():
    with pytest.raises(ApiError) as raised:
        known_method(SPEC, "sendGrades")
    assert (raised.value.code, raised.value.description) == (404, "Not Found")


def test_an_unknown_parameter_is_refused():
    description = refusal("sendMessage", {"chat_id": 1, "text": "Chào", "txt": "Chào"})
    assert description == 'Bad Request: unknown parameter "txt" for method sendMessage'


def test_a_missing_required_parameter_is_refused():
    assert (
        refusal("sendMessage", {"chat_id": 1})
        == 'Bad Request: parameter "text" is required for method sendMessage'
    )


def test_form_encoded_strings_are_read_by_their_declared_type():
    params = SPEC.check_call("sendMessage", {"chat_id": "42", "text": "7", "disable_notification": "true"})
    assert params == {"chat_id": 42, "text": "7", "disable_notification": True}


def test_a_value_of_the_wrong_type_is_refused():
    description = refusal("editMessageText", {"chat_id": 1, "message_id": "one", "text": "Chào"})
    assert description.startswith('Bad Request: parameter "message_id" must be Integer')


def test_objects_arrive_as_json_strings_and_are_checked_field_by_field():
    markup = '{"inline_keyboard": [[{"text": "Duyệt", "callback_data": "ok:1"}]]}'
    params = SPEC.check_call("sendMessage", {"chat_id": 1, "text": "Chào", "reply_markup": markup})
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"

    bad = '{"inline_keyboard": [[{"text": "Duyệt", "callback": "ok:1"}]]}'
    description = refusal("sendMessage", {"chat_id": 1, "text": "Chào", "reply_markup": bad})
    assert 'unknown field "callback" in InlineKeyboardButton' in description


def test_malformed_json_is_refused():
    description = refusal("sendMessage", {"chat_id": 1, "text": "Chào", "reply_markup": "{inline"})
    assert description == "Bad Request: can't parse reply_markup JSON object"


def test_a_file_goes_only_where_the_specification_takes_one():
    upload = Upload("diem.csv", "text/csv", b"1,2")
    assert SPEC.check_call("sendDocument", {"chat_id": 1, "document": upload})["document"] is upload
    assert refusal("sendMessage", {"chat_id": 1, "text": upload}).endswith('"text" can not be a file')


def test_subtypes_are_told_apart():
    scope = {"type": "chat", "chat_id": 5}
    assert SPEC.check_call("setMyCommands", {"commands": [], "scope": scope})["scope"] == scope
    missing = refusal("setMyCommands", {"commands": [], "scope": {"type": "chat"}})
    assert missing.endswith('field "chat_id" of BotCommandScopeChat is required')
