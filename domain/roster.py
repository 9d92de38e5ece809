"""Importing class lists (danh sách học sinh) as schools keep them in spreadsheets.

Two steps, both pure: ``read_roster`` turns a table into entries and problems; ``plan_roster``
compares the entries with what the database holds and says what would change. The use case
``import_roster`` writes the plan only when there is no problem at all: a file with one error
changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from domain.classes import shown_grades
from domain.importing import (
    Column,
    ImportRejected,
    Problem,
    Table,
    fold,
    in_file_order,
    parse_date,
    parse_phone,
    read_rows,
    text,
)
from domain.names import clean_name
from domain.school import CLASS_NAME, Gender, Guardian, normalise_class_name

ROSTER_COLUMNS = (
    Column("code", ("Mã học sinh", "Mã HS", "Mã định danh", "Mã số học sinh", "Student code"), True),
    Column("full_name", ("Họ và tên", "Họ tên", "Họ và tên học sinh", "Họ tên học sinh", "Full name"), True),
    Column("date_of_birth", ("Ngày sinh", "Ngày tháng năm sinh", "Date of birth"), True),
    Column("class_name", ("Lớp", "Class"), True),
    Column("gender", ("Giới tính", "Gender")),
    Column("female_mark", ("Nữ",)),
    Column("ethnicity", ("Dân tộc", "Ethnicity")),
    Column("place_of_birth", ("Nơi sinh", "Place of birth")),
    Column("register_number", ("Số đăng bộ", "Số ĐB", "Register number")),
    Column("father_name", ("Họ tên cha", "Họ và tên cha", "Tên cha", "Father")),
    Column("father_phone", ("Số điện thoại cha", "SĐT cha", "Điện thoại cha")),
    Column("mother_name", ("Họ tên mẹ", "Họ và tên mẹ", "Tên mẹ", "Mother")),
    Column("mother_phone", ("Số điện thoại mẹ", "SĐT mẹ", "Điện thoại mẹ")),
    Column("guardian_name", ("Họ tên người giám hộ", "Người giám hộ", "Guardian")),
    Column("guardian_phone", ("Số điện thoại người giám hộ", "SĐT người giám hộ")),
    Column(
        "parent_phone",
        (
            "Số điện thoại phụ huynh",
            "SĐT phụ huynh",
            "Điện thoại phụ huynh",
            "Số điện thoại",
            "SĐT",
            "Điện thoại",
            "Parent phone",
        ),
    ),
    Column("row_number", ("STT", "Số thứ tự", "TT")),
)
HEADER_OF = {column.field: column.aliases[0] for column in ROSTER_COLUMNS}

MALE_WORDS = {"nam", "male", "m", "trai"}
FEMALE_WORDS = {"nu", "female", "f", "gai"}
STUDENT_CODE = re.compile(r"^[0-9A-Za-z_\-]{1,20}$")
EARLIEST_BIRTH = date(1950, 1, 1)
LONGEST = {"place_of_birth": 200, "register_number": 30}  # the columns' widths in the database


@dataclass(frozen=True)
class RosterEntry:
    line: int
    code: str
    full_name: str
    date_of_birth: date | None  # None only in a row the import refuses
    class_name: str
    gender: Gender | None
    ethnicity: str
    guardians: tuple[Guardian, ...]
    place_of_birth: str | None = None  # None: the file has no such column, what is stored stays
    register_number: str | None = None  # số đăng bộ; None as above


def read_roster(table: Table, today: date) -> tuple[list[RosterEntry], list[Problem]]:
    entries, problems = read_rows(table, ROSTER_COLUMNS, lambda line, values: _read_row(line, values, today))
    return entries, problems + _duplicate_codes(entries)


def _read_row(line: int, values: dict, today: date) -> tuple[RosterEntry | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(field_name: str, key: str, **params) -> None:
        problems.append(Problem(key, line, HEADER_OF[field_name], params))

    code = text(values.get("code"))
    if not code:
        bad("code", "import.error.empty")
    elif not STUDENT_CODE.match(code):
        bad("code", "import.error.bad_code", value=code)
    full_name = clean_name(text(values.get("full_name")))
    if not full_name:
        bad("full_name", "import.error.empty")
    birth = _read_birth(values.get("date_of_birth"), today, lambda key, **p: bad("date_of_birth", key, **p))
    class_name = normalise_class_name(text(values.get("class_name")))
    if not class_name:
        bad("class_name", "import.error.empty")
    gender = _read_gender(values, lambda key, **p: bad("gender", key, **p))
    guardians = _read_guardians(values, bad)
    if not code or not class_name:
        return None, problems
    # a row with problems still takes part in the checks across rows (duplicate codes, unknown
    # classes), so that one run names every problem; the file is refused anyway
    details = {name: _read_detail(values, name, bad) for name in LONGEST}
    entry = RosterEntry(
        line,
        code,
        full_name,
        birth,
        class_name,
        gender,
        clean_name(text(values.get("ethnicity"))),
        guardians,
        **details,
    )
    return entry, problems


def _read_detail(values: dict, name: str, bad) -> str | None:
    """A free-text column the file may leave out (None then): its text, at most its width."""
    if name not in values:
        return None
    found = " ".join(text(values[name]).split())
    if len(found) > LONGEST[name]:
        bad(name, "import.error.too_long", value=found[:20] + "…", limit=LONGEST[name])
    return found


def _read_birth(cell, today: date, bad) -> date | None:
    if not text(cell):
        bad("import.error.empty")
        return None
    born = parse_date(cell)
    if born is None:
        bad("import.error.bad_date", value=text(cell))
    elif not EARLIEST_BIRTH <= born < today:
        bad("import.error.implausible_date", value=born)
        return None
    return born


def _read_gender(values: dict, bad) -> Gender | None:
    if "female_mark" in values and "gender" not in values:
        return Gender.FEMALE if text(values["female_mark"]) else Gender.MALE
    word = fold(text(values.get("gender")))
    if not word:
        return None
    if word in MALE_WORDS:
        return Gender.MALE
    if word in FEMALE_WORDS:
        return Gender.FEMALE
    bad("import.error.bad_gender", value=text(values.get("gender")))
    return None


def _read_guardians(values: dict, bad) -> tuple[Guardian, ...]:
    shared_phone = parse_phone(values.get("parent_phone"))
    if shared_phone is None:
        bad("parent_phone", "import.error.bad_phone", value=text(values.get("parent_phone")))
        shared_phone = ""
    guardians = []
    for relation in ("father", "mother", "guardian"):
        name = clean_name(text(values.get(f"{relation}_name")))
        phone = parse_phone(values.get(f"{relation}_phone"))
        if phone is None:
            bad(f"{relation}_phone", "import.error.bad_phone", value=text(values.get(f"{relation}_phone")))
            continue
        if name:
            guardians.append(Guardian(name, relation, phone or shared_phone))
    if not guardians and shared_phone:
        guardians.append(Guardian("", "guardian", shared_phone))
    return tuple(guardians)


def _duplicate_codes(entries: list[RosterEntry]) -> list[Problem]:
    counts = Counter(entry.code for entry in entries)
    return [
        Problem("import.error.duplicate_code", entry.line, HEADER_OF["code"], {"value": entry.code})
        for entry in entries
        if counts[entry.code] > 1
    ]


# --- comparing with the database -------------------------------------------------------------


@dataclass(frozen=True)
class KnownStudent:
    """A student as the database holds them, with their class in the year being imported."""

    code: str
    full_name: str
    date_of_birth: date | None  # None only in a row the import refuses
    gender: Gender | None
    ethnicity: str
    class_name: str | None
    guardians: tuple[Guardian, ...]
    place_of_birth: str = ""
    register_number: str = ""


@dataclass(frozen=True)
class FieldChange:
    code: str
    field: str
    old: object
    new: object


@dataclass
class RosterPlan:
    new_students: list[RosterEntry] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    updated: list[RosterEntry] = field(default_factory=list)
    moves: list[tuple[RosterEntry, str | None]] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)
    new_classes: list[str] = field(default_factory=list)
    total: int = 0

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_students or self.updated or self.moves or self.new_classes)


def plan_roster(
    entries: list[RosterEntry],
    known: dict[str, KnownStudent],
    classes: set[str],
    create_classes: bool = False,
    grades: tuple[int, ...] = tuple(range(1, 13)),
) -> tuple[RosterPlan, list[Problem]]:
    plan = RosterPlan(total=len(entries))
    problems: list[Problem] = []
    for entry in entries:
        if entry.class_name not in classes:
            if not create_classes:
                problems.append(
                    Problem(
                        "import.error.unknown_class",
                        entry.line,
                        HEADER_OF["class_name"],
                        {"value": entry.class_name},
                    )
                )
                continue
            refusal = _new_class_refusal(entry.class_name, grades)
            if refusal:
                problems.append(Problem(refusal[0], entry.line, HEADER_OF["class_name"], refusal[1]))
                continue
            if entry.class_name not in plan.new_classes:
                plan.new_classes.append(entry.class_name)
        _plan_entry(plan, entry, known.get(entry.code))
    in_file = {entry.code for entry in entries}
    plan.not_in_file = sorted(
        code for code, student in known.items() if student.class_name and code not in in_file
    )
    return plan, problems


def _new_class_refusal(name: str, grades: tuple[int, ...]) -> tuple[str, dict] | None:
    """Why a class the file names cannot be created: not a class name, or a grade the school lacks."""
    match = CLASS_NAME.match(name)
    if not match or len(name) > 10:
        return "import.error.bad_class", {"value": name}
    if int(match[1]) not in grades:
        return "import.error.grade_not_taught", {"value": name, "grades": shown_grades(grades)}
    return None


def _plan_entry(plan: RosterPlan, entry: RosterEntry, student: KnownStudent | None) -> None:
    if student is None:
        plan.new_students.append(entry)
        return
    changes = [
        FieldChange(entry.code, name, getattr(student, name), getattr(entry, name))
        for name in ("full_name", "date_of_birth", "gender", "ethnicity", *LONGEST)
        if getattr(entry, name) is not None and getattr(student, name) != getattr(entry, name)
    ]
    if set(student.guardians) != set(entry.guardians):
        changes.append(FieldChange(entry.code, "guardians", student.guardians, entry.guardians))
    if changes:
        plan.changes.extend(changes)
        plan.updated.append(entry)
    if student.class_name != entry.class_name:
        plan.moves.append((entry, student.class_name))
    if not changes and student.class_name == entry.class_name:
        plan.unchanged += 1


class RosterStore(Protocol):
    """What the roster import needs from storage, inside one unit of work."""

    async def known_students(self, year: str) -> dict[str, KnownStudent]: ...

    async def class_names(self, year: str) -> set[str]: ...

    async def grades(self) -> tuple[int, ...]: ...

    async def apply_roster(self, year: str, plan: RosterPlan, today: date) -> None: ...


async def import_roster(
    store: RosterStore, year: str, table: Table, today: date, create_classes: bool = False
) -> RosterPlan:
    """Checks the whole file, then writes it; raises ImportRejected (nothing written) on any problem."""
    entries, problems = read_roster(table, today)
    plan, plan_problems = plan_roster(
        entries,
        await store.known_students(year),
        await store.class_names(year),
        create_classes,
        await store.grades(),
    )
    if problems or plan_problems:
        raise ImportRejected(in_file_order(problems + plan_problems))
    if plan.changes_anything:
        await store.apply_roster(year, plan, today)
    return plan
