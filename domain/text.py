"""Text as people typed it, without what they cannot see. Zero-width spaces, joiners, direction marks
and overrides (U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF, the soft hyphen: Unicode's
"format" characters) are removed from every name, comment and notice before it is stored or sent:
copied from a web page or a chat they make two equal names differ, and a right-to-left override can
make a text read otherwise than it is. Every entry point (imports, the chat, the command line) cleans
with ``visible_text``."""

from __future__ import annotations

import unicodedata

FORMAT = "Cf"  # the Unicode category of the invisible and direction-changing characters


def visible_text(text: str) -> str:
    """The text in NFC without invisible or direction-changing characters."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != FORMAT)
