"""Setting the school up before the year: the school itself, the year with its semesters, subjects."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from domain.new_year import new_year_dates
from domain.school import School, SchoolYear, Subject
from domain.subjects import builtin_subjects
from domain.text import visible_text


class SetupStore(Protocol):
    async def school(self) -> School | None: ...

    async def save_school(self, school: School) -> None: ...

    async def add_year(self, year: SchoolYear) -> bool: ...

    async def subjects(self) -> list[Subject]: ...

    async def save_subject(self, subject: Subject) -> bool: ...


@dataclass(frozen=True)
class SetupResult:
    school_changed: bool
    year_added: bool
    subjects_added: int


async def init_school(
    store: SetupStore,
    school: School,
    year_name: str,
    start: date | None = None,
    second: date | None = None,
    end: date | None = None,
) -> SetupResult:
    """Creates or renames the school (its name without invisible characters), adds the year with
    the default dates (or the first day, semester II's first day and the last day given) and the
    built-in subjects that are missing. Subjects a school has adjusted are left as they are; repeating
    changes nothing."""
    school = replace(school, name=" ".join(visible_text(school.name).split()))
    school_changed = await store.school() != school
    if school_changed:
        await store.save_school(school)
    year_added = await store.add_year(new_year_dates(year_name, start, second, end))
    have = {subject.code for subject in await store.subjects()}
    missing = [subject for subject in builtin_subjects(school.level) if subject.code not in have]
    for subject in missing:
        await store.save_subject(subject)
    return SetupResult(school_changed, year_added, len(missing))


def current_year_name(today: date) -> str:
    """The school year a date falls in: from August on, the year that starts in it."""
    first = today.year if today.month >= 8 else today.year - 1
    return f"{first}-{first + 1}"
