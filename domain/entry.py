"""Entering one gradebook column for a class: the teacher's message read against the class list.

"8 7,5 9 10 v 6 ..." gives one value a student in class-list order ("v": absent, pending make-up).
Nothing is saved until the teacher has seen the column as a table with everything wrong or odd, and
confirmed. Errors must be fixed (out of range, too many decimals, not a number, a likely slip such as
85 for 8,5, too few or too many values); warnings only ask for a second look (a sharp drop)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from domain.errors import DomainError
from domain.evaluation import InvalidValue, parse_entry
from domain.evaluation.values import FAIL, PASS, PENDING
from domain.importing import fold
from domain.windows import ColumnKind

FIX = re.compile(r"^(\d{1,3})=(\S+)$")
SHARP_DROP = Decimal(3)
MAX_MESSAGE = 2000
MAX_VALUE = 12  # characters of one typed value


COMMENT_MARKS = (PASS, FAIL)
SPELLED_OUT = {
    PASS: "Đạt",
    FAIL: "Chưa đạt",
    "T": "Hoàn thành tốt",
    "H": "Hoàn thành",
    "C": "Chưa hoàn thành",
}
PRIMARY_LEVELS = ("T", "H", "C")


@dataclass(frozen=True)
class Column:
    kind: ColumnKind
    position: int
    marks: tuple[str, ...] = ()  # Đ/CĐ (comment subjects) or T/H/C (primary levels) instead of scores
    integer: bool = False  # whole scores only (original TT58 regular tests, primary tests)


@dataclass(frozen=True)
class Student:
    id: int
    name: str


@dataclass(frozen=True)
class Cell:
    number: int  # the student's number in the class list, from 1
    student: Student
    raw: str | None  # what the teacher wrote, None when nothing was
    value: str | None = None  # canonical: "8.5", "Đ", "CĐ", "v"
    problem: tuple[str, dict] | None = None  # catalog key and params: must be fixed
    warning: tuple[str, dict] | None = None  # catalog key and params: a second look


@dataclass(frozen=True)
class Draft:
    cells: tuple[Cell, ...]
    given: int  # how many values the teacher's message had

    @property
    def problems(self) -> tuple[tuple[str, dict], ...]:
        """About the whole column: more values than students, or students still without one."""
        if self.given > len(self.cells) or any(cell.raw is None for cell in self.cells):
            return (("entry.error.count", {"given": self.given, "expected": len(self.cells)}),)
        return ()

    @property
    def raws(self) -> list[str | None]:
        return [cell.raw for cell in self.cells]

    @property
    def ready(self) -> bool:
        return not self.problems and all(cell.problem is None and cell.value for cell in self.cells)

    @property
    def warnings(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.warning]


def read_message(
    text: str,
    students: list[Student],
    column: Column,
    earlier: dict[int, list[Decimal]] | None = None,
    draft: Draft | None = None,
) -> Draft:
    """A whole column ("8 7,5 9 ..."), or fixes to ``draft`` ("3=8,5 7=9"); raises DomainError when the
    message is neither."""
    if len(text) > MAX_MESSAGE:
        raise DomainError("entry.error.too_long", limit=MAX_MESSAGE)
    tokens = text.split()
    if not tokens:
        raise DomainError("entry.error.empty")
    if draft is not None and all(FIX.match(token) for token in tokens):
        return _apply_fixes(draft, tokens, column, earlier or {})
    return from_raws(tokens, students, column, earlier or {})


def from_raws(
    raws: list[str | None],
    students: list[Student],
    column: Column,
    earlier: dict[int, list[Decimal]],
    given: int | None = None,
) -> Draft:
    """The draft of what the teacher wrote, value by value (None: nothing for that student)."""
    cells = tuple(
        _cell(
            number,
            student,
            raws[number - 1] if number <= len(raws) else None,
            column,
            earlier.get(student.id, []),
        )
        for number, student in enumerate(students, start=1)
    )
    return Draft(cells, len(raws) if given is None else given)


def one_value(raw: str, number: int, student: Student, column: Column, earlier: list[Decimal]) -> Cell:
    """One student's value, for entry student by student."""
    if len(raw) > MAX_MESSAGE:
        raise DomainError("entry.error.too_long", limit=MAX_MESSAGE)
    return _cell(number, student, raw.strip(), column, earlier)


def _apply_fixes(draft: Draft, tokens: list[str], column: Column, earlier: dict[int, list[Decimal]]) -> Draft:
    cells = list(draft.cells)
    for token in tokens:
        number, raw = FIX.match(token).groups()
        index = int(number) - 1
        if not 0 <= index < len(cells):
            raise DomainError("entry.error.no_such_number", number=int(number), count=len(cells))
        student = cells[index].student
        cells[index] = _cell(index + 1, student, raw, column, earlier.get(student.id, []))
    return replace(draft, cells=tuple(cells))


def _cell(number: int, student: Student, raw: str | None, column: Column, earlier: list[Decimal]) -> Cell:
    if raw is not None and len(raw) > MAX_VALUE:  # nothing valid is that long; echo it shortened
        return Cell(
            number, student, raw, problem=("entry.error.not_a_number", {"value": raw[:MAX_VALUE] + "…"})
        )
    if raw is None:
        return Cell(number, student, None, problem=("entry.error.missing", {}))
    if column.marks:
        mark = PENDING if raw.lower() == PENDING else _mark(raw, column.marks)
        if mark is None:
            marks = ", ".join(column.marks)
            return Cell(
                number, student, raw, problem=("entry.error.not_a_mark", {"value": raw, "marks": marks})
            )
        return Cell(number, student, raw, mark)
    try:
        value = parse_entry(raw, "", comment=False, integer=column.integer)
    except InvalidValue as error:
        return Cell(
            number, student, raw, problem=(_problem_key(raw, error.key), {"value": raw, "fixed": _slip(raw)})
        )
    if value == PENDING:
        return Cell(number, student, raw, PENDING)
    return Cell(number, student, raw, str(value), warning=_drop(value, earlier))


def _mark(raw: str, marks: tuple[str, ...]) -> str | None:
    """A label typed whole or by its initials, with or without diacritics: 'cd', 'CĐ' and 'chua dat'
    are Chưa đạt; 'tb' is Trung bình; 'k' is Khá."""
    typed = fold(raw)
    for label in marks:
        words = fold(label).split()
        spelled = fold(SPELLED_OUT.get(label, label))
        if typed in (" ".join(words), "".join(word[0] for word in words), "".join(words), spelled):
            return label
    return None


def _problem_key(raw: str, engine_key: str) -> str:
    if _slip(raw) is not None:
        return "entry.error.likely_slip"
    return {
        "evaluation.error.score_out_of_range": "entry.error.out_of_range",
        "evaluation.error.too_many_decimals": "entry.error.too_many_decimals",
        "evaluation.error.score_not_integer": "entry.error.not_integer",
    }.get(engine_key, "entry.error.not_a_number")


def _slip(raw: str) -> Decimal | None:
    """85 for 8,5 or 100 for 10: the comma forgotten."""
    if raw.isascii() and raw.isdecimal() and 11 <= int(raw) <= 100:
        return Decimal(raw) / 10
    return None


def _drop(value: Decimal, earlier: list[Decimal]) -> tuple[str, dict] | None:
    if len(earlier) < 2:
        return None
    average = sum(earlier) / len(earlier)
    if average - value >= SHARP_DROP:
        return ("entry.warning.sharp_drop", {"value": value, "average": average.quantize(Decimal("0.1"))})
    return None
