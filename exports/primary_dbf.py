"""The primary DBF's own fields (TT27/2020): the ratings of the five qualities and ten competencies at
the semester's end, and the education result, the award and the completion of the programme. The semester
I file holds semester I's ratings; the semester II file (the end of the year) and the year's file the
year-end ratings and the year's result; they are empty in secondary files. docs/export-formats.md lists
them."""

from __future__ import annotations

from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import ClassBook, StudentInfo
from exports.primary_values import completion_text, year_outcome
from exports.values import nfc
from locales import Translator

YEAR_END_SEMESTER = 2
YEAR_FILE = 0  # HOCKY of the year's file
RATING_FIELDS = {  # field → quality or competency
    "PC_YEUNUOC": "yêu nước",
    "PC_NHANAI": "nhân ái",
    "PC_CHAMCHI": "chăm chỉ",
    "PC_TRUNGTH": "trung thực",
    "PC_TRACHNH": "trách nhiệm",
    "NL_TUCHU": "tự chủ và tự học",
    "NL_GIAOTIE": "giao tiếp và hợp tác",
    "NL_GQVD": "giải quyết vấn đề và sáng tạo",
    "NL_NGONNGU": "ngôn ngữ",
    "NL_TINHTOA": "tính toán",
    "NL_KHOAHOC": "khoa học",
    "NL_CONGNGH": "công nghệ",
    "NL_TINHOC": "tin học",
    "NL_THAMMI": "thẩm mĩ",
    "NL_THECHAT": "thể chất",
}
assert set(RATING_FIELDS.values()) == set(QUALITIES + COMPETENCIES)
PRIMARY_FIELDS = (
    " ".join(f"{name} C(4);" for name in RATING_FIELDS) + " KQGD C(40); KHENTHUONG C(120); HOANTHANH C(40)"
)


def primary_fields(
    book: ClassBook, student: StudentInfo, result, semester: int, t: Translator
) -> dict[str, object]:
    """The ratings (and in semester II's and the year's file the year's result) of a pupil, for each of
    the pupil's records."""
    year_end = semester in (YEAR_END_SEMESTER, YEAR_FILE)
    rated = (book.ratings if year_end else book.first_ratings).get(student.id, {})
    fields: dict[str, object] = {name: rated.get(aspect, "") for name, aspect in RATING_FIELDS.items()}
    if not year_end:
        return fields
    level, award = year_outcome(book, student.id, result)
    fields["KQGD"], fields["KHENTHUONG"] = level, nfc(award)
    fields["HOANTHANH"] = completion_text(result.promotion if result else None, t)
    return fields
