"""Class-size changes during the year (biến động sĩ số): a student transfers in, transfers out, drops out
or moves to another class of the same grade. Each is dated; the enrolment that ends keeps the days the
student spent in the class, so past records stay with the class they were in at the time.

Dates: an enrolment covers ``date_in`` up to the day before ``date_out``. A move or a departure on a day
means the student is no longer in the old class from that day on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import DomainError
from domain.importing import parse_date
from domain.school import EnrolmentReason, SchoolYear, StudentStatus


class Change(StrEnum):
    """The kinds of change; the catalog key is ``schoolyear.change.<value>``."""

    TRANSFER_IN = "transfer-in"
    TRANSFER_OUT = "transfer-out"
    DROPOUT = "dropout"
    MOVE = "class-change"

    @property
    def reason(self) -> EnrolmentReason:
        return EnrolmentReason(self.value)

    @property
    def status_after(self) -> StudentStatus:
        return {
            Change.TRANSFER_OUT: StudentStatus.TRANSFERRED_OUT,
            Change.DROPOUT: StudentStatus.DROPPED_OUT,
        }.get(self, StudentStatus.STUDYING)


@dataclass(frozen=True)
class Stay:
    """Where a student is now: the class and since when."""

    class_name: str
    grade: int
    since: date
    unsettled: bool = False  # placed in their old grade by ``sodiem year new --unsettled retain``


@dataclass(frozen=True)
class Departure:
    """The latest day a student left a class this year (the first day they were no longer in it)."""

    class_name: str
    day: date


@dataclass(frozen=True)
class YearState:
    year: SchoolYear
    closed: bool


def check_day(state: YearState, day: date) -> None:
    """The day lies inside an open school year."""
    if state.closed:
        raise DomainError("schoolyear.error.closed", year=state.year.name)
    if not state.year.start <= day <= state.year.end:
        raise DomainError(
            "schoolyear.error.day_outside_year",
            day=day,
            year=state.year.name,
            start=state.year.start,
            end=state.year.end,
        )


def check_arrival(
    state: YearState, day: date, code: str, stay: Stay | None, left: Departure | None = None
) -> None:
    """A transfer in: the student is not already in a class this year, and does not come back before the
    day they last left one (that would put them in two classes at once)."""
    check_day(state, day)
    if stay is not None:
        raise DomainError("schoolyear.error.already_enrolled", code=code, name=stay.class_name)
    if left is not None and day < left.day:
        raise DomainError(
            "schoolyear.error.before_leaving", code=code, day=day, name=left.class_name, left=left.day
        )


def check_departure(state: YearState, day: date, code: str, stay: Stay | None) -> Stay:
    """A transfer out, a dropout or a move: the student is in a class, and the day comes after the day
    they joined it."""
    check_day(state, day)
    if stay is None:
        raise DomainError("schoolyear.error.not_enrolled", code=code, year=state.year.name)
    if day <= stay.since:
        raise DomainError(
            "schoolyear.error.before_enrolment", code=code, day=day, name=stay.class_name, since=stay.since
        )
    return stay


def check_move(
    state: YearState, day: date, code: str, stay: Stay | None, target: str, target_grade: int
) -> None:
    current = check_departure(state, day, code, stay)
    if target == current.class_name:
        raise DomainError("schoolyear.error.same_class", code=code, name=target)
    if target_grade == current.grade + 1 and current.unsettled:
        return  # kept back only until their status was decided: now they go up (docs/year.md)
    if target_grade != current.grade:
        raise DomainError("schoolyear.error.other_grade", name=target, current=current.class_name)


def parse_day(text: str) -> date:
    """'05/11/2025' → date(2025, 11, 5); anything else is a clear error."""
    day = parse_date(text)
    if day is None:
        raise DomainError("schoolyear.error.bad_date", value=text)
    return day
