"""The school and its year: the entities every other part speaks of."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from domain.errors import DomainError


class Level(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class Role(StrEnum):
    PRINCIPAL = "principal"
    VICE_PRINCIPAL = "vice-principal"
    ADMIN = "admin"
    DEPARTMENT_HEAD = "department-head"
    TEACHER = "teacher"
    NURSE = "nurse"  # nhân viên y tế: health checks and health notices


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class StudentStatus(StrEnum):
    STUDYING = "studying"
    TRANSFERRED_OUT = "transferred-out"
    DROPPED_OUT = "dropped-out"
    GRADUATED = "graduated"


class EnrolmentReason(StrEnum):
    """Why an enrolment began or ended (biến động sĩ số)."""

    INITIAL = "initial"
    TRANSFER_IN = "transfer-in"
    TRANSFER_OUT = "transfer-out"
    DROPOUT = "dropout"
    CLASS_CHANGE = "class-change"
    YEAR_END = "year-end"


class SubjectKind(StrEnum):
    SCORED = "scored"  # secondary: scores 0–10 with comments
    COMMENT = "comment"  # secondary: Đ / CĐ only
    LEVEL = "level"  # primary: T / H / C, some with a periodic test


@dataclass(frozen=True)
class School:
    name: str
    level: Level
    district: str = ""
    province: str = ""


@dataclass(frozen=True)
class Semester:
    number: int
    start: date
    midterm_start: date
    midterm_end: date
    final_start: date
    final_end: date
    end: date


@dataclass(frozen=True)
class SchoolYear:
    name: str
    start: date
    end: date
    semesters: tuple[Semester, ...] = ()

    @property
    def first_calendar_year(self) -> int:
        return self.start.year


YEAR_NAME = re.compile(r"^(\d{4})-(\d{4})$")


def parse_year_name(text: str) -> tuple[int, int]:
    """'2025-2026' → (2025, 2026); the two years must follow each other."""
    match = YEAR_NAME.match(text.strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        raise DomainError("school.error.bad_year", value=text)
    return int(match[1]), int(match[2])


# the grade, then letters and digits; "6/1", "6.1" and "6-1" (common in Hồ Chí Minh City) too
CLASS_NAME = re.compile(r"^(1[0-2]|[1-9])[/.\-]?[A-Za-zĐđ0-9]*$")


def grade_of_class(name: str) -> int:
    """The grade a class name starts with: '6A' → 6, '10A1' → 10."""
    match = CLASS_NAME.match(name.strip())
    if not match or len(name.strip()) > 10:
        raise DomainError("school.error.bad_class_name", value=name)
    return int(match[1])


def normalise_class_name(name: str) -> str:
    return name.strip().upper().replace(" ", "")


def class_order(name: str) -> tuple:
    """The order of class lists: by grade, then naturally ('6A2' before '6A10'); 9D before 10A."""
    match = CLASS_NAME.match(name)
    grade = int(match[1]) if match else 99
    rest = name[len(match[1]) :] if match else name
    return (
        grade,
        [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", rest)],
    )


def file_stem(class_name: str) -> str:
    """A class name fit for a file name: '6/1' → '6-1'."""
    return class_name.replace("/", "-")


@dataclass(frozen=True)
class Subject:
    code: str
    name: str
    kind: SubjectKind
    periods_per_year: int
    grades: tuple[int, ...]
    has_periodic_test: bool = False

    def taught_in(self, grade: int) -> bool:
        return grade in self.grades


@dataclass(frozen=True)
class Guardian:
    full_name: str
    relation: str  # "father", "mother", "guardian"
    phone: str = ""


@dataclass(frozen=True)
class Student:
    code: str
    full_name: str
    date_of_birth: date
    gender: Gender | None = None
    ethnicity: str = ""
    status: StudentStatus = StudentStatus.STUDYING
    guardians: tuple[Guardian, ...] = field(default=())


def grades_of_level(level: Level) -> range:
    return range(1, 6) if level is Level.PRIMARY else range(6, 13)
