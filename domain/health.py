"""The periodic health check of a student (khám sức khỏe định kỳ): height, weight, eyesight and the
nurse's notes, read from a chat message or a sheet, with the plausibility checks the school nurse
expects. Every problem carries a message key; a batch with any problem is refused whole."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from domain.importing import Cell, Column, Problem, parse_date, text
from domain.permissions import Action, Actor, allowed

HEIGHT_CM = (Decimal(50), Decimal(220))
WEIGHT_KG = (Decimal(8), Decimal(150))
EYESIGHT = re.compile(r"^(\d{1,2})(?:\s*/\s*10)?$")  # "10/10", "8/10", or the numerator alone
MAX_NOTES = 500
MAX_LINES = 60  # one chat message: a class is at most about 50 students


def may_open(actor: Actor | None) -> bool:
    """Who has /suckhoe at all: the nurse, the leadership, homeroom teachers (each class is asked again)."""
    if actor is None or not actor.is_staff:
        return False
    return allowed(actor, Action.RECORD_HEALTH) or actor.is_leader or bool(actor.homeroom_classes)


@dataclass(frozen=True)
class Check:
    student_id: int
    checked_on: date
    height_cm: Decimal
    weight_kg: Decimal
    eye_left: str
    eye_right: str
    notes: str = ""

    @property
    def bmi(self) -> Decimal:
        metres = self.height_cm / 100
        return (self.weight_kg / (metres * metres)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Measures:
    """A check's values before the student is known: what a chat line or a sheet's row gives."""

    height_cm: Decimal
    weight_kg: Decimal
    eye_left: str
    eye_right: str
    notes: str

    def of(self, student_id: int, checked_on: date) -> Check:
        return Check(
            student_id, checked_on, self.height_cm, self.weight_kg, self.eye_left, self.eye_right, self.notes
        )


def parse_number(cell: Cell) -> Decimal | None:
    """'145,5' or '145.5' (or a spreadsheet number) → Decimal('145.5'); None when not a number."""
    raw = text(cell).replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.1")) if value.is_finite() else None


def parse_eyesight(cell: Cell) -> str | None:
    """'10/10', '8/10' or '8' → '8/10' (1/10 to 10/10); None when not an eyesight value."""
    match = EYESIGHT.match(text(cell))
    if not match or not 1 <= int(match[1]) <= 10:
        return None
    return f"{int(match[1])}/10"


def read_measures(values: dict[str, Cell], problem) -> Measures | None:
    """The four values and the notes, each checked; ``problem(field, key, **params)`` is told of each
    wrong one. None when any is wrong."""
    wrong = False

    def bad(field: str, key: str, **params: object) -> None:
        nonlocal wrong
        wrong = True
        problem(field, key, **params)

    height = _measure(values.get("height"), HEIGHT_CM, "height", bad)
    weight = _measure(values.get("weight"), WEIGHT_KG, "weight", bad)
    eyes = []
    for field in ("eye_left", "eye_right"):
        eye = parse_eyesight(values.get(field))
        if eye is None:
            bad(field, "health.error.bad_eyesight", value=text(values.get(field)) or "-")
        eyes.append(eye)
    notes = text(values.get("notes"))
    if len(notes) > MAX_NOTES:
        bad("notes", "health.error.notes_too_long", length=len(notes), limit=MAX_NOTES)
    if wrong:
        return None
    return Measures(height, weight, eyes[0], eyes[1], notes)


MEASURE_KEYS = {  # field → (not a number, out of the plausible range)
    "height": ("health.error.bad_height", "health.error.implausible_height"),
    "weight": ("health.error.bad_weight", "health.error.implausible_weight"),
}


def _measure(cell: Cell, bounds: tuple[Decimal, Decimal], field: str, bad) -> Decimal | None:
    not_number, implausible = MEASURE_KEYS[field]
    value = parse_number(cell)
    if value is None:
        bad(field, not_number, value=text(cell) or "-")
    elif not bounds[0] <= value <= bounds[1]:
        bad(field, implausible, value=value, low=bounds[0], high=bounds[1])
    return value


def check_date(day: date | None, raw: str, year_start: date, today: date) -> str | None:
    """The problem with the date of a check (its key), or None: a real date of this school year, not
    after today."""
    if day is None:
        return "health.error.bad_date" if raw else "health.error.no_date"
    if day > today:
        return "health.error.future_date"
    if day < year_start:
        return "health.error.date_before_year"
    return None


# --- one chat message: a line per student ----------------------------------------------------------

LINE = re.compile(r"^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$")


@dataclass(frozen=True)
class ChatLine:
    line: int
    who: str  # the student's number in the class list, or their code
    measures: Measures


def read_chat_lines(message: str) -> tuple[list[ChatLine], list[Problem]]:
    """'3 145,5 38 10/10 8/10 cận nhẹ' per line: the student's number (or code), height, weight,
    left eye, right eye, notes. Every line's problems at once."""
    lines = [(n, line.strip()) for n, line in enumerate(message.splitlines(), start=1) if line.strip()]
    if not lines:
        return [], [Problem("health.error.empty_message")]
    if len(lines) > MAX_LINES:
        return [], [Problem("health.error.too_many_lines", params={"limit": MAX_LINES})]
    found, problems = [], []
    for number, line in lines:
        match = LINE.match(line)
        if not match:
            problems.append(Problem("health.error.bad_line", number, params={"text": line[:60]}))
            continue
        values = dict(
            zip(("height", "weight", "eye_left", "eye_right", "notes"), match.groups()[1:], strict=True)
        )

        def problem(field: str, key: str, number=number, **params: object) -> None:
            problems.append(Problem(key, number, params=params))

        measures = read_measures(values, problem)
        if measures is not None:
            found.append(ChatLine(number, match[1], measures))
    return found, problems


# --- a sheet: a row per student --------------------------------------------------------------------

HEALTH_COLUMNS = (
    Column("code", ("Mã học sinh", "Mã HS", "Student code"), True),
    Column("full_name", ("Họ và tên", "Họ tên", "Full name")),
    Column("checked_on", ("Ngày khám", "Ngày", "Date of check", "Date"), True),
    Column("height", ("Chiều cao (cm)", "Chiều cao", "Height (cm)", "Height"), True),
    Column("weight", ("Cân nặng (kg)", "Cân nặng", "Weight (kg)", "Weight"), True),
    Column("eye_left", ("Thị lực mắt trái", "Mắt trái", "Left eye"), True),
    Column("eye_right", ("Thị lực mắt phải", "Mắt phải", "Right eye"), True),
    Column("notes", ("Ghi chú", "Notes")),
    Column("row_number", ("STT", "TT")),
)
HEALTH_HEADER_OF = {column.field: column.aliases[0] for column in HEALTH_COLUMNS}


@dataclass(frozen=True)
class SheetRow:
    line: int
    code: str
    checked_on: date
    measures: Measures


def read_sheet_row(
    line: int, values: dict[str, Cell], year_start: date, today: date
) -> tuple[SheetRow | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(field: str, key: str, **params: object) -> None:
        problems.append(Problem(key, line, HEALTH_HEADER_OF[field], params))

    code = text(values.get("code"))
    if not code:
        problem("code", "import.error.empty")
    day = parse_date(values.get("checked_on"))
    if key := check_date(day, text(values.get("checked_on")), year_start, today):
        problem("checked_on", key, value=text(values.get("checked_on")))
    measures = read_measures(values, problem)
    if problems:
        return None, problems
    return SheetRow(line, code, day, measures), []
