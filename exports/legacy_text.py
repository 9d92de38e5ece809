"""Vietnamese text in the byte codes of the tools that predate Unicode, for the DBF's ``--encoding``:

- ``tcvn3``: TCVN 5712:1993 (the ".Vn" fonts, "ABC"): one byte per letter. The regular font has no
  toned capitals; as those tools do, a toned capital is written with its small letter's byte.
- ``vni``: VNI for Windows: a base letter, then a byte for the circumflex or breve and the tone together
  (``Vieät`` is ``Việt``); ơ, ư, đ, and some i's and y's are one byte.
- ``cp1258``: Windows-1258: precomposed base letters (â, ê, ô, ă, ơ, ư, đ) followed by a combining tone.

``encode(text, name)`` gives the bytes; ``decode(data, name)`` reads them back (NFC)."""

from __future__ import annotations

import unicodedata

ENCODINGS = ("tcvn3", "vni", "cp1258")

_VOWELS = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng: the order of the rows below

# TCVN3: per small vowel, the bytes of the bare letter and of its five tones (huyền sắc hỏi ngã nặng).
_TCVN3_SMALL = {
    "a": "aµ¸¶·¹",
    "ă": "¨»¾¼½Æ",
    "â": "©ÇÊÈÉË",
    "e": "eÌÐÎÏÑ",
    "ê": "ªÒÕÓÔÖ",
    "i": "i×ÝØÜÞ",
    "o": "oßãáâä",
    "ô": "«åèæçé",
    "ơ": "¬êíëìî",
    "u": "uïóñòô",
    "ư": "\xadõøö÷ù",
    "y": "yúýûüþ",
}
_TCVN3_OTHER = {"đ": "®", "Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}

# VNI: per vowel, what follows the base letter for the bare vowel and its five tones.
_VNI_SMALL = {
    "a": ("a", "aø", "aù", "aû", "aõ", "aï"),
    "ă": ("aê", "aè", "aé", "aú", "aü", "aë"),
    "â": ("aâ", "aà", "aá", "aå", "aã", "aä"),
    "e": ("e", "eø", "eù", "eû", "eõ", "eï"),
    "ê": ("eâ", "eà", "eá", "eå", "eã", "eä"),
    "i": ("i", "ì", "í", "æ", "ó", "ò"),
    "o": ("o", "oø", "où", "oû", "oõ", "oï"),
    "ô": ("oâ", "oà", "oá", "oå", "oã", "oä"),
    "ơ": ("ô", "ôø", "ôù", "ôû", "ôõ", "ôï"),
    "u": ("u", "uø", "uù", "uû", "uõ", "uï"),
    "ư": ("ö", "öø", "öù", "öû", "öõ", "öï"),
    "y": ("y", "yø", "yù", "yû", "yõ", "î"),
}
_VNI_CAPITAL = {
    "a": ("A", "AØ", "AÙ", "AÛ", "AÕ", "AÏ"),
    "ă": ("AÊ", "AÈ", "AÉ", "AÚ", "AÜ", "AË"),
    "â": ("AÂ", "AÀ", "AÁ", "AÅ", "AÃ", "AÄ"),
    "e": ("E", "EØ", "EÙ", "EÛ", "EÕ", "EÏ"),
    "ê": ("EÂ", "EÀ", "EÁ", "EÅ", "EÃ", "EÄ"),
    "i": ("I", "Ì", "Í", "Æ", "Ó", "Ò"),
    "o": ("O", "OØ", "OÙ", "OÛ", "OÕ", "OÏ"),
    "ô": ("OÂ", "OÀ", "OÁ", "OÅ", "OÃ", "OÄ"),
    "ơ": ("Ô", "ÔØ", "ÔÙ", "ÔÛ", "ÔÕ", "ÔÏ"),
    "u": ("U", "UØ", "UÙ", "UÛ", "UÕ", "UÏ"),
    "ư": ("Ö", "ÖØ", "ÖÙ", "ÖÛ", "ÖÕ", "ÖÏ"),
    "y": ("Y", "YØ", "YÙ", "YÛ", "YÕ", "Î"),
}
_VNI_OTHER = {"đ": "ñ", "Đ": "Ñ"}


def _letter(vowel: str, tone: int) -> str:
    """The NFC letter of a vowel (small, without tone) and a tone (0: none, 1..5 as in _TONES)."""
    return unicodedata.normalize("NFC", vowel + (_TONES[tone - 1] if tone else ""))


def _tables() -> dict[str, dict[str, str]]:
    """Unicode letter → the legacy code's characters (each a byte, read as Latin-1), per encoding."""
    tcvn3 = dict(_TCVN3_OTHER)
    vni = dict(_VNI_OTHER)
    for vowel in _VOWELS:
        for tone in range(6):
            small = _letter(vowel, tone)
            tcvn3[small] = _TCVN3_SMALL[vowel][tone]
            vni[small] = _VNI_SMALL[vowel][tone]
            vni[small.upper()] = _VNI_CAPITAL[vowel][tone]
            capital = small.upper()
            if capital not in tcvn3 and capital != small:
                # a bare capital (A, E ...) is itself; a toned one takes the small letter's byte
                tcvn3[capital] = capital if tone == 0 and capital.isascii() else tcvn3[small]
    return {"tcvn3": tcvn3, "vni": vni}


_ENCODE = _tables()
_DECODE = {
    name: {code: letter for letter, code in sorted(table.items(), key=lambda item: not item[0].isupper())}
    for name, table in _ENCODE.items()
}


def encode(text: str, name: str) -> bytes:
    """``text`` in the legacy code ``name``; letters the code lacks become "?"."""
    text = unicodedata.normalize("NFC", text)
    if name == "cp1258":
        return b"".join(_cp1258(letter) for letter in text)
    table = _ENCODE[name]
    return "".join(table.get(letter, letter) for letter in text).encode("latin-1", errors="replace")


def _cp1258(letter: str) -> bytes:
    try:
        return letter.encode("cp1258")
    except UnicodeEncodeError:  # a toned letter: its base (â, ê ... precomposed) and the combining tone
        parts = unicodedata.normalize("NFD", letter)
        tones = "".join(p for p in parts if p in _TONES)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        return (base + tones).encode("cp1258", errors="replace")


def decode(data: bytes, name: str) -> str:
    """The bytes of a legacy code back as NFC text (the longest code first: VNI's two-byte letters)."""
    if name == "cp1258":
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    text = data.decode("latin-1")
    table = _DECODE[name]
    longest = max(len(code) for code in table)
    out, at = [], 0
    while at < len(text):
        for size in range(longest, 0, -1):
            letter = table.get(text[at : at + size])
            if letter is not None:
                out.append(letter)
                at += size
                break
        else:
            out.append(text[at])
            at += 1
    return unicodedata.normalize("NFC", "".join(out))
