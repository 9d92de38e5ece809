"""The web page: plain HTML, CSS and JavaScript from the package, the sandbox's own routes under
``/sandbox/``, and the local Bot API's people routes under ``/_sim/`` on the same address."""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from localapi import control
from locales import LANGUAGES, translator

if TYPE_CHECKING:
    from sandbox.service import Sandbox

STATIC = Path(__file__).parent / "static"
# the keys of the page's texts: data-t="key" (or data-t-placeholder) in the HTML, T("key") in the JavaScript
PAGE_KEY = re.compile(r"""(?:data-t(?:-placeholder)?="|\bT\(")(sandbox\.[a-z0-9_.]+)""")
SANDBOX = web.AppKey("sandbox", "Sandbox")
log = logging.getLogger("sodiem.sandbox")


@cache
def page_keys() -> tuple[str, ...]:
    """The catalog keys the page shows, read from the page itself: one list, never out of date."""
    found = {key for path in STATIC.iterdir() for key in PAGE_KEY.findall(path.read_text("utf-8"))}
    return tuple(sorted(found))


def build_app(sandbox: Sandbox) -> web.Application:
    app = web.Application()
    app[SANDBOX] = sandbox
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/sandbox/state", state)
    app.router.add_get("/sandbox/tour", tour)
    app.router.add_post("/sandbox/reset", reset)
    app.router.add_post("/sandbox/language", language)
    control.add_routes(app, sandbox.local)
    return app


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def state(request: web.Request) -> web.Response:
    """Whether the school is ready, the language, the people (with their names) and the page's texts."""
    sandbox = request.app[SANDBOX]
    t = translator(sandbox.language)
    personas = [
        {
            "key": member.persona.key,
            "user_id": member.persona.user_id,
            "label": t(member.persona.label_key),
            "name": member.name,
        }
        for member in sandbox.members.values()
    ]
    return web.json_response(
        {
            "ready": sandbox.ready,
            "generation": sandbox.generation,
            "language": sandbox.language,
            "languages": {code: translator(code)("language.name") for code in LANGUAGES},
            "personas": personas if sandbox.ready else [],
            "texts": {key: t(key) for key in page_keys()},
        }
    )


async def tour(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    return web.json_response({"tasks": await sandbox.tour(translator(sandbox.language))})


async def reset(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    log.info("reset to the pristine demo school")
    await sandbox.reset()
    return web.json_response({"generation": sandbox.generation})


async def language(request: web.Request) -> web.Response:
    """Body: ``{"language": "en"}``."""
    chosen = (await request.json()).get("language")
    if chosen not in LANGUAGES:
        raise web.HTTPBadRequest(text=f"language must be one of {', '.join(LANGUAGES)}")
    await request.app[SANDBOX].set_language(chosen)
    return web.json_response({"language": chosen})
