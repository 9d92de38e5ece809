"""Simulated people over HTTP, under ``/_sim/``: lets a local Bot API started from the command line
(or a web page in front of it) be used by hand, e.g. with curl."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from localapi.world import StoredMessage, wait_until

if TYPE_CHECKING:
    from localapi.people import Person
    from localapi.server import LocalBotApi

MAX_WAIT = 30.0
ANSWER_WAIT = 3.0  # how long a press waits for the bot's answer to the callback query


def add_routes(app: web.Application, local: LocalBotApi) -> None:
    routes = _Routes(local)
    app.router.add_post("/_sim/people", routes.add_person)
    app.router.add_post("/_sim/people/{user_id}/text", routes.send_text)
    app.router.add_post("/_sim/people/{user_id}/photo", routes.send_photo)
    app.router.add_post("/_sim/people/{user_id}/press", routes.press)
    app.router.add_post("/_sim/people/{user_id}/key", routes.press_key)
    app.router.add_get("/_sim/people/{user_id}/messages", routes.messages)
    app.router.add_get("/_sim/people/{user_id}/chat", routes.chat)
    app.router.add_get("/_sim/files/{file_id}", routes.file)
    app.router.add_get("/_sim/stats", routes.stats)


class _Routes:
    def __init__(self, local: LocalBotApi) -> None:
        self.local = local

    async def add_person(self, request: web.Request) -> web.Response:
        """Body: ``{"user_id": 1001, "first_name": "Lan", "language_code": "vi"}``."""
        body = await request.json()
        person = self.local.person(body["user_id"], body["first_name"], body.get("language_code", "vi"))
        return web.json_response({"user": person.user})

    async def send_text(self, request: web.Request) -> web.Response:
        """Body: ``{"text": "/start"}``."""
        message = self._person(request).send_text((await request.json())["text"])
        return web.json_response({"message": message.data})

    async def send_photo(self, request: web.Request) -> web.Response:
        """Body: the image's bytes (PNG, GIF or JPEG), as a phone's camera or gallery sends them."""
        try:
            message = self._person(request).send_photo(await request.read())
        except ValueError as error:
            raise web.HTTPBadRequest(text=str(error)) from None
        return web.json_response({"message": message.data})

    async def press(self, request: web.Request) -> web.Response:
        """Body: ``{"message_id": 3, "data": "approve:17"}``. Answers the query id and, when the bot
        answered the query within a few seconds, its answer (``{"text": ..., "show_alert": ...}``)."""
        body = await request.json()
        person = self._person(request)
        try:
            query = person.press_data(int(body["message_id"]), str(body["data"]))
        except LookupError as error:
            raise web.HTTPNotFound(text=str(error)) from None
        answer = await wait_until(person.world.chat_signal(person.id), lambda: query.answer, ANSWER_WAIT)
        return web.json_response({"callback_query_id": query.id, "answer": answer})

    async def press_key(self, request: web.Request) -> web.Response:
        """Body: ``{"text": "Xem điểm"}``: a key of the reply keyboard the person sees."""
        try:
            message = self._person(request).press_key((await request.json())["text"])
        except LookupError as error:
            raise web.HTTPNotFound(text=str(error)) from None
        return web.json_response({"message": message.data})

    async def messages(self, request: web.Request) -> web.Response:
        """The bot's messages as they now stand; with ``?after=SEQ&timeout=S``, waits up to S seconds
        for a change newer than SEQ. Answers ``seq``, to pass as ``after`` next time."""
        person = self._person(request)
        after = int(request.query.get("after", 0))
        timeout = min(float(request.query.get("timeout", 0)), MAX_WAIT)

        def latest() -> int:
            return max((message.changed_seq for message in person.messages), default=0)

        await wait_until(person.world.chat_signal(person.id), lambda: latest() > after or None, timeout)
        messages = [{**message.data, "edit_count": message.edit_count} for message in person.messages]
        return web.json_response({"seq": max(latest(), after), "messages": messages})

    async def chat(self, request: web.Request) -> web.Response:
        """The whole chat as a phone shows it: both sides' messages in order (``from_bot``, and
        ``file_url`` for a document or photo), and the reply keyboard on the screen (rows of labels).
        Waits like ``messages`` with ``?after=SEQ&timeout=S``."""
        person = self._person(request)
        after = int(request.query.get("after", 0))
        timeout = min(float(request.query.get("timeout", 0)), MAX_WAIT)

        def latest() -> int:
            chat = person.chat  # it may begin while the page waits
            return max((message.changed_seq for message in chat.messages.values()), default=0) if chat else 0

        await wait_until(person.world.chat_signal(person.id), lambda: latest() > after or None, timeout)
        chat = person.chat
        messages = [_shown(message) for message in chat.messages.values()] if chat else []
        keyboard = chat.keyboard if chat else None
        keys = [[key["text"] for key in row] for row in keyboard["keyboard"]] if keyboard else []
        return web.json_response({"seq": max(latest(), after), "messages": messages, "keyboard": keys})

    async def file(self, request: web.Request) -> web.Response:
        """A file sent in a chat, by its file_id, named as it was sent."""
        file = self.local.world.files.get(request.match_info["file_id"])
        if file is None:
            raise web.HTTPNotFound(text="no such file")
        disposition = "inline" if file.mime_type.startswith("image/") else "attachment"
        headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(file.file_name)}"}
        return web.Response(body=file.content, content_type=file.mime_type, headers=headers)

    async def stats(self, request: web.Request) -> web.Response:
        refusals = [
            {"method": r.method, "code": r.code, "description": r.description} for r in self.local.refusals
        ]
        return web.json_response({"calls": dict(self.local.calls), "refusals": refusals})

    def _person(self, request: web.Request) -> Person:
        user_id = int(request.match_info["user_id"])
        person = self.local.people.get(user_id)
        if person is None:
            raise web.HTTPNotFound(text=f"no person {user_id}; POST /_sim/people first")
        return person


def _shown(message: StoredMessage) -> dict[str, Any]:
    shown = {**message.data, "from_bot": message.from_bot, "edit_count": message.edit_count}
    if message.file is not None:
        shown["file_url"] = f"/_sim/files/{message.file.file_id}"
    return shown
