"""Message text as Telegram stores it: HTML markup parsed into plain text and entities.

Only HTML is parsed (the parse mode sodiem uses). Markdown and MarkdownV2 texts are kept as sent, so
their length is over-counted: stricter than Telegram, never looser.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from localapi.errors import ApiError, bad_request

PARSE_MODES = {"html", "markdown", "markdownv2"}
HTML_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def utf16_length(text: str) -> int:
    """Telegram measures texts and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def render(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and entities of a text sent with the given parse mode."""
    if parse_mode is None:
        return text, entities or []
    if parse_mode.lower() not in PARSE_MODES:
        raise bad_request("unsupported parse_mode")
    if parse_mode.lower() != "html":
        return text, []
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts), sorted(parser.entities, key=lambda entity: entity["offset"])


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.entities: list[dict[str, Any]] = []
        self._open: list[tuple[str, int, dict[str, str | None]]] = []
        self._offset = 0

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self._offset += utf16_length(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HTML_ENTITIES:
            raise _cant_parse(f'Unsupported start tag "{tag}"')
        self._open.append((tag, self._offset, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise _cant_parse(f'Unsupported start tag "{tag}"')

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            raise _cant_parse(f'Unmatched end tag "{tag}"')
        _, start, attrs = self._open.pop()
        if self._offset > start:
            self.entities.append(_entity(tag, start, self._offset - start, attrs))

    def close(self) -> None:
        super().close()
        if self._open:
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{self._open[-1][0]}"')


def _entity(tag: str, offset: int, length: int, attrs: dict[str, str | None]) -> dict[str, Any]:
    entity: dict[str, Any] = {"type": HTML_ENTITIES[tag], "offset": offset, "length": length}
    if tag == "a":
        entity["url"] = attrs.get("href") or ""
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
    return entity


def _cant_parse(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")
