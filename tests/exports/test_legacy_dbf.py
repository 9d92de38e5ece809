"""The DBF in the codes of the old Vietnamese tools (``--encoding tcvn3|vni|cp1258``): the conversion
tables against strings as those tools write them, and a class's file read back byte for byte."""

from __future__ import annotations

import dbfread
import pytest

from exports.dbf_file import write_dbf
from exports.legacy_text import decode, encode
from storage.uow import UnitOfWork
from tests.exports.conftest import CLASS


@pytest.mark.parametrize(
    ("text", "name", "written"),
    [
        ("Xin chào các bạn", "vni", "Xin chaøo caùc baïn"),
        ("Tiếng Việt", "vni", "Tieáng Vieät"),
        ("Đặng Hữu Phong", "vni", "Ñaëng Höõu Phong"),
        ("Mường Khương", "vni", "Möôøng Khöông"),
        ("Ánh", "vni", "AÙnh"),
        ("Bảo Thắng", "tcvn3", "B¶o Th¾ng"),
        ("Bát Xát", "tcvn3", "B¸t X¸t"),
        ("Mường Khương", "tcvn3", "M\xadêng Kh\xad¬ng"),  # ư is the soft hyphen's byte, 0xAD
        ("Tiếng Việt", "tcvn3", "TiÕng ViÖt"),
        ("Đặng Hữu Phong", "tcvn3", "§Æng H÷u Phong"),
        ("Tiếng Việt", "cp1258", "Tiê\xecng Viê\xf2t"),  # ê, then the combining acute (0xEC) or dot (0xF2)
        ("Đặng", "cp1258", "\xd0\xe3\xf2ng"),
    ],
)
def test_the_tables_write_what_the_old_tools_read(text, name, written):
    assert encode(text, name) == written.encode("latin-1")
    assert decode(written.encode("latin-1"), name) == text


def test_a_toned_capital_in_tcvn3_takes_its_small_letters_byte():
    assert encode("Ánh", "tcvn3") == encode("ánh", "tcvn3") == b"\xb8nh"


@pytest.mark.parametrize("name", ["tcvn3", "vni", "cp1258"])
async def test_a_class_file_in_a_legacy_code_holds_every_name_and_subject(filled, tmp_path, name):
    async with UnitOfWork(filled, read_only=True) as uow:
        book = await uow.exports.class_book(CLASS)
    path = tmp_path / f"{name}.dbf"
    write_dbf(book, 1, path, name)
    assert path.read_bytes()[29] == 0  # no code page declared: none has a number for these codes
    records = list(dbfread.DBF(str(path), encoding="latin-1"))
    names = [decode(r["HOTEN"].encode("latin-1"), name) for r in records[:: len(book.subjects)]]
    expected = [s.full_name for s in book.students]
    if name == "tcvn3":  # its regular font has no toned capitals
        expected = [
            " ".join(w if w[0] in "ĂÂĐÊÔƠƯ" or w[0].isascii() else w[0].lower() + w[1:] for w in n.split())
            for n in expected
        ]
    assert names == expected
    subjects = {decode(r["TENMON"].encode("latin-1"), name) for r in records}
    assert subjects == {subject.name for _, subject in book.subjects}
