"""Vietnamese names: splitting and the order of class lists.

Class lists are sorted by given name (the last word), then the middle names, then the family name.
Letters follow the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y);
within a syllable the letters decide first and the tone after, in the order
no tone, huyền, hỏi, ngã, sắc, nặng.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from domain.text import visible_text

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}

# combining marks that make a new letter (kept with the letter) and the tone marks (ranked apart)
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve ă, circumflex â ê ô, horn ơ ư
TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def clean_name(text: str) -> str:
    """NFC, single spaces, each word capitalised as Vietnamese names are written. A word typed all in
    capitals or all in small letters is recapitalised; others keep their own capitals (H'Nie)."""
    return " ".join(_capitalise(word) for word in visible_text(text).split())


def _capitalise(word: str) -> str:
    if word.isupper() or word.islower():
        word = word.lower()
    parts = word.split("'")  # Ê Đê and other names: H'Nie, Y'Bih
    return "'".join(part[:1].upper() + part[1:] for part in parts)


def split_name(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given): 'Nguyễn Thị Minh Anh' → ('Nguyễn', 'Thị Minh', 'Anh')."""
    words = clean_name(full_name).split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def told_apart(people: Sequence[tuple[str, date, str]]) -> list[str]:
    """The names of (full name, birth date, code) as a teacher picks from them: a name the list holds
    twice gets its birth date, or its code where the birth date is shared too."""
    names = Counter(name for name, _, _ in people)
    births = Counter((name, born) for name, born, _ in people)
    shown = []
    for name, born, code in people:
        if names[name] == 1:
            shown.append(name)
        elif births[(name, born)] == 1:
            shown.append(f"{name} ({born:%d/%m/%Y})")
        else:
            shown.append(f"{name} ({code})")
    return shown


def name_and_mark(label: str) -> tuple[str, str]:
    """'Nguyễn Văn An (12/03/2014)' → ('Nguyễn Văn An', ' (12/03/2014)'); a plain name has no mark."""
    name, opening, mark = label.partition(" (")
    return name, opening + mark


def given_name(label: str) -> str:
    """The given name for a short button, with the mark that tells two of the same name apart."""
    name, mark = name_and_mark(label)
    return split_name(name)[2] + mark


def _syllable_key(syllable: str) -> tuple[tuple[int, ...], int]:
    letters: list[int] = []
    tone = 0
    for char in unicodedata.normalize("NFD", syllable.casefold()):
        if char in TONE_RANK:
            tone = TONE_RANK[char]
        elif char in LETTER_MARKS and letters:
            base = ALPHABET[letters[-1]] if letters[-1] < len(ALPHABET) else ""
            combined = unicodedata.normalize("NFC", base + char)
            letters[-1] = LETTER_RANK.get(combined, letters[-1])
        elif char == "đ":
            letters.append(LETTER_RANK["đ"])
        else:
            letters.append(LETTER_RANK.get(char, len(ALPHABET) + ord(char)))
    return tuple(letters), tone


def _words_key(words: str) -> tuple[tuple[tuple[int, ...], int], ...]:
    return tuple(_syllable_key(word) for word in words.split())


@lru_cache(maxsize=8192)  # a school's names, sorted again at every class list shown
def vietnamese_sort_key(full_name: str) -> tuple:
    """Sort key for a class list: given name, then middle names, then family name."""
    family, middle, given = split_name(full_name)
    return _words_key(given), _words_key(middle), _words_key(family)


def sort_by_name(items, name=lambda item: item):
    """Items in class-list order; ``name`` picks the full name of an item."""
    return sorted(items, key=lambda item: vietnamese_sort_key(name(item)))
