"""Importing the staff list: people, roles, departments, homeroom and teaching assignments.

Same rules as the class lists: every problem is found before anything is written, and importing the
same file again changes nothing. Assignments in the file replace the ones held for the same class
(and subject); assignments the file does not mention are kept and reported.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from domain.importing import (
    Column,
    ImportRejected,
    Problem,
    Table,
    fold,
    in_file_order,
    parse_phone,
    read_rows,
    split_list,
    text,
)
from domain.names import clean_name
from domain.school import CLASS_NAME, Role, Subject, grade_of_class, normalise_class_name

STAFF_COLUMNS = (
    Column("code", ("Mã cán bộ", "Mã giáo viên", "Mã CB", "Mã GV", "Staff code")),
    Column("full_name", ("Họ và tên", "Họ tên", "Full name"), True),
    Column("phone", ("Số điện thoại", "SĐT", "Điện thoại", "Phone")),
    Column("roles", ("Vai trò", "Chức vụ", "Roles"), True),
    Column("department", ("Tổ chuyên môn", "Tổ", "Department")),
    Column("homeroom", ("Chủ nhiệm", "Lớp chủ nhiệm", "Homeroom")),
    Column("teaching", ("Phân công giảng dạy", "Phân công", "Giảng dạy", "Teaching")),
    Column("row_number", ("STT", "TT")),
)
HEADER_OF = {column.field: column.aliases[0] for column in STAFF_COLUMNS}

ROLE_WORDS = {
    Role.PRINCIPAL: ("hieu truong", "ht", "principal"),
    Role.VICE_PRINCIPAL: ("pho hieu truong", "pht", "vice principal"),
    Role.ADMIN: ("quan tri", "quan tri sddt", "cntt", "admin", "administrator"),
    Role.DEPARTMENT_HEAD: ("to truong", "to truong chuyen mon", "ttcm", "department head"),
    Role.TEACHER: ("giao vien", "gv", "gvbm", "gvcn", "giao vien bo mon", "giao vien chu nhiem", "teacher"),
    Role.NURSE: ("nhan vien y te", "y te", "y te hoc duong", "nvyt", "nurse", "school nurse"),
}
ROLE_OF_WORD = {word: role for role, words in ROLE_WORDS.items() for word in words}
SUBJECT_ALIASES = {
    "tieng anh": "ngoai ngu 1",
    "anh van": "ngoai ngu 1",
    "van": "ngu van",
    "the duc": "giao duc the chat",
    "gdtc": "giao duc the chat",
}


@dataclass(frozen=True)
class StaffEntry:
    line: int
    code: str
    full_name: str
    phone: str
    roles: frozenset[Role]
    department: str
    homeroom: str
    teaching: frozenset[tuple[str, str]]  # (class name, subject code)

    @property
    def key(self) -> str:
        return self.code or self.phone


class SubjectFinder:
    """Finds a subject by its name or code, with or without diacritics ('Toán', 'toan', 'TOAN')."""

    def __init__(self, subjects: list[Subject]) -> None:
        self._by_word = {}
        for subject in subjects:
            self._by_word.setdefault(fold(subject.code), subject)
            self._by_word.setdefault(fold(subject.name), subject)

    def find(self, word: str, grade: int) -> Subject | None:
        folded = fold(word)
        folded = SUBJECT_ALIASES.get(folded, folded)
        exact = self._by_word.get(folded)
        if exact and exact.taught_in(grade):
            return exact
        # names shared by levels, e.g. 'Toán' and 'Toán (THPT)': take the one taught in this grade
        for candidate, subject in self._by_word.items():
            if candidate.startswith(folded + " ") and subject.taught_in(grade):
                return subject
        return exact


def read_staff(table: Table, subjects: list[Subject]) -> tuple[list[StaffEntry], list[Problem]]:
    finder = SubjectFinder(subjects)
    entries, problems = read_rows(table, STAFF_COLUMNS, lambda line, values: _read_row(line, values, finder))
    return entries, problems + _conflicts(entries)


def _read_row(line: int, values: dict, finder: SubjectFinder) -> tuple[StaffEntry | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(field_name: str, key: str, **params) -> None:
        problems.append(Problem(key, line, HEADER_OF[field_name], params))

    full_name = clean_name(text(values.get("full_name")))
    if not full_name:
        bad("full_name", "import.error.empty")
    code = text(values.get("code"))
    phone = parse_phone(values.get("phone"))
    if phone is None:
        bad("phone", "import.error.bad_phone", value=text(values.get("phone")))
        phone = ""
    if not code and not phone:
        bad("code", "import.error.staff_needs_key")
    roles = set()
    for word in split_list(values.get("roles")):
        role = ROLE_OF_WORD.get(fold(word))
        if role is None:
            bad("roles", "import.error.unknown_role", value=word)
        else:
            roles.add(role)
    homeroom = normalise_class_name(text(values.get("homeroom")))
    if homeroom and not CLASS_NAME.match(homeroom):
        bad("homeroom", "import.error.bad_class", value=homeroom)
    teaching = _read_teaching(
        text(values.get("teaching")), finder, lambda key, **p: bad("teaching", key, **p)
    )
    if homeroom or teaching:
        roles.add(Role.TEACHER)
    if not roles:
        bad("roles", "import.error.empty")
    # a row with problems still takes part in the checks across rows (two homeroom teachers of a
    # class, unknown classes), so that one run names every problem; the file is refused anyway
    return StaffEntry(
        line,
        code,
        full_name,
        phone,
        frozenset(roles),
        clean_name(text(values.get("department"))),
        homeroom,
        frozenset(teaching),
    ), problems


def _read_teaching(cell: str, finder: SubjectFinder, bad) -> set[tuple[str, str]]:
    """'6A:Toán; 6B:Toán', '6A, 6B: Toán' or 'Toán: 6A, 6B' → {(class, subject code)}."""
    pairs = set()
    for group in _teaching_groups(cell):
        if ":" not in group:
            bad("import.error.bad_teaching", value=group)
            continue
        left, right = (part.strip() for part in group.split(":", 1))
        classes, subject_word = (left, right) if _all_classes(left) else (right, left)
        if not _all_classes(classes):
            bad("import.error.bad_teaching", value=group)
            continue
        for class_name in (normalise_class_name(c) for c in re.split(r"[,\s]+", classes) if c):
            subject = finder.find(subject_word, grade_of_class(class_name))
            if subject is None:
                bad("import.error.unknown_subject", value=subject_word)
            elif not subject.taught_in(grade_of_class(class_name)):
                bad("import.error.subject_not_in_grade", subject=subject.name, value=class_name)
            else:
                pairs.add((class_name, subject.code))
    return pairs


def _teaching_groups(cell: str) -> list[str]:
    groups = []
    for group in re.split(r"[;\n]", cell):
        groups.extend(split_list(group) if group.count(":") > 1 else [group.strip()] if group.strip() else [])
    return groups


def _all_classes(words: str) -> bool:
    tokens = [token for token in re.split(r"[,\s]+", words) if token]
    return bool(tokens) and all(CLASS_NAME.match(normalise_class_name(token)) for token in tokens)


def _conflicts(entries: list[StaffEntry]) -> list[Problem]:
    problems = []
    keys = Counter(entry.key for entry in entries)
    homerooms: dict[str, list[StaffEntry]] = defaultdict(list)
    teachers: dict[tuple[str, str], list[StaffEntry]] = defaultdict(list)
    for entry in entries:
        if keys[entry.key] > 1:
            problems.append(
                Problem("import.error.duplicate_staff", entry.line, HEADER_OF["code"], {"value": entry.key})
            )
        if entry.homeroom:
            homerooms[entry.homeroom].append(entry)
        for pair in entry.teaching:
            teachers[pair].append(entry)
    for class_name, holders in homerooms.items():
        if len(holders) > 1:
            problems.extend(
                Problem(
                    "import.error.two_homeroom_teachers", e.line, HEADER_OF["homeroom"], {"value": class_name}
                )
                for e in holders
            )
    for (class_name, subject), holders in teachers.items():
        if len(holders) > 1:
            problems.extend(
                Problem(
                    "import.error.two_teachers",
                    e.line,
                    HEADER_OF["teaching"],
                    {"value": f"{class_name}:{subject}"},
                )
                for e in holders
            )
    return problems


# --- comparing with the database -------------------------------------------------------------


@dataclass(frozen=True)
class KnownStaff:
    key: str
    code: str
    full_name: str
    phone: str
    roles: frozenset[Role]
    department: str


@dataclass
class StaffPlan:
    entries: list[StaffEntry] = field(default_factory=list)
    new_staff: list[StaffEntry] = field(default_factory=list)
    changes: list[tuple[str, str, object, object]] = field(default_factory=list)  # key, field, old, new
    homeroom_changes: list[tuple[str, str | None, str]] = field(default_factory=list)  # class, old, new key
    teaching_changes: list[tuple[str, str, str | None, str]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_staff or self.changes or self.homeroom_changes or self.teaching_changes)


@dataclass(frozen=True)
class StaffSnapshot:
    staff: dict[str, KnownStaff]
    homerooms: dict[str, str]  # class → staff key
    teaching: dict[tuple[str, str], str]  # (class, subject code) → staff key
    class_names: set[str]


def plan_staff(entries: list[StaffEntry], known: StaffSnapshot) -> tuple[StaffPlan, list[Problem]]:
    plan = StaffPlan(entries=entries)
    problems = []
    for entry in entries:
        named = {class_name for class_name, _ in entry.teaching} | {entry.homeroom}
        unknown = sorted(named - {""} - known.class_names)
        problems.extend(
            Problem("import.error.unknown_class", entry.line, HEADER_OF["teaching"], {"value": c})
            for c in unknown
        )
        before = known.staff.get(entry.key)
        if before is None:
            plan.new_staff.append(entry)
        else:
            fields = ("code", "full_name", "phone", "roles", "department")
            plan.changes.extend(
                (entry.key, name, getattr(before, name), getattr(entry, name))
                for name in fields
                if getattr(before, name) != getattr(entry, name)
            )
        if entry.homeroom and known.homerooms.get(entry.homeroom) != entry.key:
            plan.homeroom_changes.append((entry.homeroom, known.homerooms.get(entry.homeroom), entry.key))
        for class_name, subject in sorted(entry.teaching):
            if known.teaching.get((class_name, subject)) != entry.key:
                plan.teaching_changes.append(
                    (class_name, subject, known.teaching.get((class_name, subject)), entry.key)
                )
    plan.unchanged = len(entries) - len(plan.new_staff) - len({change[0] for change in plan.changes})
    return plan, problems


class StaffStore(Protocol):
    async def subjects(self) -> list[Subject]: ...

    async def staff_snapshot(self, year: str) -> StaffSnapshot: ...

    async def apply_staff(self, year: str, plan: StaffPlan, today: date) -> None: ...


async def import_staff(store: StaffStore, year: str, table: Table, today: date) -> StaffPlan:
    """Checks the whole file, then writes it; raises ImportRejected (nothing written) on any problem."""
    entries, problems = read_staff(table, await store.subjects())
    plan, plan_problems = plan_staff(entries, await store.staff_snapshot(year))
    if problems or plan_problems:
        raise ImportRejected(in_file_order(problems + plan_problems))
    if plan.changes_anything:
        await store.apply_staff(year, plan, today)
    return plan
