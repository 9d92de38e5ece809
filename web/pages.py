"""The HTML pages: files of web/static/ with ``{{key}}`` replaced by the catalog's text (escaped) and
``{{=name}}`` by a value the server computes (escaped too). No inline script or style: the CSP forbids
them."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

from aiohttp import web

from locales import LANGUAGES, translator

STATIC = Path(__file__).parent / "static"  # served as /static/
TEMPLATES = Path(__file__).parent / "templates"
PLACEHOLDER = re.compile(r"\{\{(=?)([a-z0-9_.]+)\}\}")


@cache
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text("utf-8")


def language_of(request: web.Request) -> str:
    """The page's language: ?lang=, else the browser's first language we speak, else Vietnamese."""
    asked = request.query.get("lang", "")
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "vi"


def render(name: str, language: str, status: int = 200, **values: str) -> web.Response:
    language = language if language in LANGUAGES else "vi"  # it goes into the page as it is
    t = translator(language)

    def fill(match: re.Match[str]) -> str:
        computed, key = match.groups()
        return html.escape(values.get(key, "") if computed else t(key), quote=True)

    page = PLACEHOLDER.sub(fill, _template(name).replace("{{=lang}}", language))
    return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)
