"""What cannot be seen is not kept: invisible and direction-changing characters leave names, comments
and notices before they are stored or sent."""

import unicodedata

import pytest

from domain.names import clean_name
from domain.text import visible_text

HIDDEN = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202a",  # left-to-right embedding
    "\u202b",
    "\u202c",  # pop directional formatting
    "\u202d",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u2067",
    "\u2068",
    "\u2069",  # pop directional isolate
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_each_hidden_character_is_removed(hidden):
    assert visible_text(f"Nguyễn{hidden} Văn{hidden}{hidden} Bình") == "Nguyễn Văn Bình"


def test_vietnamese_letters_and_line_breaks_stay_and_come_out_composed():
    typed = unicodedata.normalize("NFD", "Họp phụ huynh\nthứ Bảy 18/10, 7g30 — phòng 6A 😊")
    assert visible_text(typed) == "Họp phụ huynh\nthứ Bảy 18/10, 7g30 — phòng 6A 😊"


def test_a_name_with_an_override_is_the_same_name():
    assert clean_name("\u202eTrần\u200b Thị Ánh\ufeff") == clean_name("Trần Thị Ánh")


async def test_the_school_name_given_on_the_command_line_is_kept_visible_only():
    from domain.school import Level, School
    from domain.setup import init_school

    class Store:
        saved: School | None = None

        async def school(self):
            return self.saved

        async def save_school(self, school):
            self.saved = school

        async def add_year(self, year):
            return True

        async def subjects(self):
            return []

        async def save_subject(self, subject):
            pass

    store = Store()
    await init_school(store, School("Trường THCS\u200b Lê\u202e Lợi\ufeff", Level.SECONDARY), "2025-2026")
    assert store.saved.name == "Trường THCS Lê Lợi"
