"""Adding classes to a school year: which names are taken, and why each other one is left out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from domain.errors import DomainError
from domain.school import Level, class_order, grade_of_class, normalise_class_name

SETTING = "grades"  # the school setting that widens the grades a school teaches (a combined school)


def school_grades(level: Level, settings: Mapping[str, object]) -> tuple[int, ...]:
    """The grades a school teaches: primary 1–5, lower secondary (THCS) 6–9, unless the school's
    ``grades`` setting says otherwise (a THCS–THPT school sets 6–12)."""
    chosen = settings.get(SETTING)
    if chosen:
        return tuple(int(grade) for grade in chosen)  # type: ignore[union-attr]
    return (1, 2, 3, 4, 5) if level is Level.PRIMARY else (6, 7, 8, 9)


def checked_grades(level: Level, grades: tuple[int, ...]) -> list[int]:
    """The ``grades`` setting as stored, if the grades fit the level (primary 1–5, secondary 6–12)."""
    fitting = range(1, 6) if level is Level.PRIMARY else range(6, 13)
    if not grades or not all(grade in fitting for grade in grades):
        raise DomainError("school.error.grades_of_level", value=",".join(map(str, grades)))
    return sorted(set(grades))


def shown_grades(grades: tuple[int, ...]) -> str:
    return f"{grades[0]}–{grades[-1]}"


@dataclass(frozen=True)
class Skipped:
    name: str
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class ClassesPlan:
    to_add: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def plan_classes(names: Iterable[str], existing: Iterable[str], grades: tuple[int, ...]) -> ClassesPlan:
    """Every name typed is either added or said why not: a name that is no class name, a grade the
    school does not teach, a class the year has already (in any case), a name typed twice."""
    plan = ClassesPlan()
    have = {normalise_class_name(name) for name in existing}
    for typed in names:
        name = normalise_class_name(typed)
        try:
            grade = grade_of_class(name)
        except DomainError:
            plan.skipped.append(Skipped(typed, "classes.skip.bad_name"))
            continue
        if grade not in grades:
            shown = shown_grades(grades)
            plan.skipped.append(Skipped(typed, "classes.skip.grade", {"grade": grade, "grades": shown}))
        elif name in plan.to_add:
            plan.skipped.append(Skipped(typed, "classes.skip.repeated", {"class_name": name}))
        elif name in have:
            plan.skipped.append(Skipped(typed, "classes.skip.exists", {"class_name": name}))
        else:
            plan.to_add.append(name)
    plan.to_add.sort(key=class_order)
    return plan
