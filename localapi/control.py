"""Simulated people over HTTP, under ``/_sim/``: lets a local Bot API started from the command line
(or a web page in front of it) be used by hand, e.g. with curl."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from localapi.world import wait_until

if TYPE_CHECKING:
    from localapi.people import Person
    from localapi.server import LocalBotApi

MAX_WAIT = 30.0


def add_routes(app: web.Application, local: LocalBotApi) -> None:
    routes = _Routes(local)
    app.router.add_post("/_sim/people", routes.add_person)
    app.router.add_post("/_sim/people/{user_id}/text", routes.send_text)
    app.router.add_post("/_sim/people/{user_id}/press", routes.press)
    app.router.add_get("/_sim/people/{user_id}/messages", routes.messages)
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

    async def press(self, request: web.Request) -> web.Response:
        """Body: ``{"message_id": 3, "data": "approve:17"}``."""
        body = await request.json()
        query = self._person(request).press_data(body["message_id"], body["data"])
        return web.json_response({"callback_query_id": query.id})

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
