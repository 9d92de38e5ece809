"""The Bot API methods of the local Bot API: every call is checked, counted, limited, then carried out."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from localapi import limits
from localapi.errors import ApiError, LostResponse, bad_request, forbidden, too_many_requests
from localapi.faults import FaultKind, Faults
from localapi.files import image_size, mime_type
from localapi.formatting import render
from localapi.ratelimit import RateLimiter
from localapi.spec import Spec, Upload, known_method
from localapi.world import Chat, StoredFile, StoredMessage, World, wait_until

# The methods that put a message into a chat: only these count against the flood limits (edits,
# callback answers and chat actions do not) and only these are struck by injected faults by default.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "copyMessage",
        "forwardMessage",
    }
)
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)

Handler = Callable[[dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Refusal:
    method: str
    code: int
    description: str
    injected: bool = False


class BotApi:
    def __init__(
        self,
        world: World,
        spec: Spec,
        *,
        rate_limiter: RateLimiter | None,
        faults: Faults,
        callback_query_ttl: float | None,
        max_poll_timeout: float,
    ) -> None:
        self.world = world
        self.spec = spec
        self.rate_limiter = rate_limiter
        self.faults = faults
        self.callback_query_ttl = callback_query_ttl
        self.max_poll_timeout = max_poll_timeout
        self.calls: Counter[str] = Counter()
        self.refusals: list[Refusal] = []
        self.webhook_url = ""
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendChatAction": self.send_chat_action,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
        }

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """The result of a call; raises ``ApiError`` for a refusal, ``LostResponse`` for a lost answer."""
        name = self.spec.method_name(method) or method
        self.calls[name] += 1
        try:
            return await self._call(known_method(self.spec, method), params)
        except ApiError as error:
            self.refusals.append(Refusal(name, error.code, error.description, error.injected))
            raise

    async def _call(self, method: str, params: dict[str, Any]) -> Any:
        params = self.spec.check_call(method, params)
        handler = self._handlers.get(method)
        if handler is None:
            raise ApiError(501, f"Not Implemented: the local Bot API does not emulate {method}")
        fault = self.faults.draw(method)
        if fault and fault.kind is not FaultKind.LOST_RESPONSE:
            raise _injected(fault.kind, fault.retry_after)
        if method in SENDING_METHODS and self.rate_limiter:
            retry_after = self.rate_limiter.admit(params["chat_id"])
            if retry_after is not None:
                raise too_many_requests(retry_after)
        result = await handler(params)
        if fault:
            raise LostResponse()
        return result

    # --- bot, updates, webhook -------------------------------------------------------------------

    async def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.world.bot_user

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        world = self.world
        if "allowed_updates" in params:
            world.allowed_updates = set(params["allowed_updates"]) or None
        if "offset" in params:
            world.confirm(params["offset"])
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = min(max(params.get("timeout", 0), 0), self.max_poll_timeout)

        def probe() -> list[dict[str, Any]] | None:
            updates = world.pending(limit)
            return copy.deepcopy(updates) if updates or world.closing else None

        return await wait_until(world.updates_signal, probe, timeout) or []

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        # Only remembered: the local Bot API never calls out.
        self.webhook_url = params["url"]
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.world.updates.clear()
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        pending = len(self.world.updates)
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": pending}

    # --- sending ---------------------------------------------------------------------------------

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        text, entities = render(params["text"], params.get("parse_mode"), params.get("entities"))
        limits.check_text(text)
        return self._deliver(chat, _with_entities({"text": text}, "entities", entities), params).data

    async def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        content = self._caption(params)
        file = self._input_file(params["document"], "documents")
        return self._deliver(chat, {"document": file.as_document(), **content}, params, file).data

    async def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        content = self._caption(params)
        file = self._input_file(params["photo"], "photos")
        size = image_size(file.content)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return self._deliver(chat, {"photo": file.as_photo(*size), **content}, params, file).data

    async def send_chat_action(self, params: dict[str, Any]) -> bool:
        self._chat(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _deliver(
        self, chat: Chat, content: dict[str, Any], params: dict[str, Any], file: StoredFile | None = None
    ) -> StoredMessage:
        markup = params.get("reply_markup")
        limits.check_reply_markup(markup)
        reply_to = params.get("reply_parameters", {}).get("message_id")
        if reply_to is not None:
            if reply_to not in chat.messages:
                raise bad_request("message to be replied not found")
            content["reply_to_message"] = copy.deepcopy(chat.messages[reply_to].data)
        keyboard = None
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        elif markup and ("keyboard" in markup or "remove_keyboard" in markup):
            keyboard = markup
            chat.keyboard = markup if "keyboard" in markup else None
        return self.world.bot_message(chat, content, file, keyboard)

    def _chat(self, chat_id: int | str) -> Chat:
        chat = self.world.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def _caption(self, params: dict[str, Any]) -> dict[str, Any]:
        if "caption" not in params:
            return {}
        caption, entities = render(
            params["caption"], params.get("parse_mode"), params.get("caption_entities")
        )
        limits.check_caption(caption)
        return _with_entities({"caption": caption}, "caption_entities", entities)

    def _input_file(self, value: Upload | str, folder: str) -> StoredFile:
        if isinstance(value, Upload):
            if not value.content:
                raise bad_request("file must be non-empty")
            file_type = mime_type(value.filename, value.content_type)
            return self.world.store_file(value.content, folder, value.filename, file_type)
        # A file_id sent before; URLs are refused too, as the local Bot API never fetches anything.
        file = self.world.files.get(value)
        if file is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return file

    # --- editing ---------------------------------------------------------------------------------

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message_to_edit(params)
        if "text" not in message.data:
            raise bad_request("there is no text in the message to edit")
        text, entities = render(params.get("text", ""), params.get("parse_mode"), params.get("entities"))
        limits.check_text(text)
        changes = _with_entities({"text": text}, "entities", entities)
        return self._edit(message, changes, params, ("text", "entities"))

    async def edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message_to_edit(params)
        if message.file is None:
            raise bad_request("there is no caption in the message to edit")
        changes = self._caption(params)
        return self._edit(message, changes, params, ("caption", "caption_entities"))

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._edit(self._message_to_edit(params), {}, params, ())

    async def delete_message(self, params: dict[str, Any]) -> bool:
        message = self._chat(params["chat_id"]).messages.get(params["message_id"])
        if message is None:
            raise bad_request("message to delete not found")
        self.world.delete(message)
        return True

    def _message_to_edit(self, params: dict[str, Any]) -> StoredMessage:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")  # the bot sends no inline messages
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        message = self._chat(params["chat_id"]).messages.get(params["message_id"])
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _edit(
        self, message: StoredMessage, changes: dict[str, Any], params: dict[str, Any], keys: tuple[str, ...]
    ) -> dict[str, Any]:
        """Replaces the given keys and the inline keyboard, which an edit without one removes."""
        markup = params.get("reply_markup")
        limits.check_reply_markup(markup)
        if markup:
            changes["reply_markup"] = markup
        data = {key: value for key, value in message.data.items() if key not in (*keys, "reply_markup")}
        data.update(changes)
        if _content(data) == _content(message.data):
            raise bad_request(NOT_MODIFIED)
        self.world.edit(message, data)
        return message.data

    # --- callback queries, files, commands -------------------------------------------------------

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query = self.world.callback_queries.get(params["callback_query_id"])
        ttl = self.callback_query_ttl
        if query is None or query.answer is not None:
            raise bad_request(QUERY_TOO_OLD)
        if ttl is not None and self.world.clock() - query.created_at > ttl:
            raise bad_request(QUERY_TOO_OLD)
        limits.check_callback_answer(params.get("text"))
        answer = {key: params[key] for key in ("text", "show_alert", "url", "cache_time") if key in params}
        self.world.answer(query, answer)
        return True

    async def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file = self.world.files.get(params["file_id"])
        if file is None:
            raise bad_request("invalid file_id")
        if file.size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return file.as_file()

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        limits.check_commands(params["commands"])
        self.commands[_commands_key(params)] = params["commands"]
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(_commands_key(params), [])

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True


def _with_entities(content: dict[str, Any], key: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    return {**content, key: entities} if entities else content


def _content(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "edit_date"}


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope", {"type": "default"})
    return repr(sorted(scope.items())), params.get("language_code", "")


def _injected(kind: FaultKind, retry_after: int) -> ApiError:
    if kind is FaultKind.TOO_MANY_REQUESTS:
        return too_many_requests(retry_after, injected=True)
    return ApiError(502, "Bad Gateway", injected=True)
