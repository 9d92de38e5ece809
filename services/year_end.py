"""The year-end lists of a class, computed and stored: the engine's lines, what is still missing before
they can be proposed, the summer re-tests, and the stage the class is at. /xetlenlop and the summer
re-test entry of /nhapdiem call these."""

from __future__ import annotations

from dataclasses import replace

from domain.class_record import SUMMER_TERM, year_result
from domain.evaluation import RuleSet, rules_for
from domain.evaluation.model import because
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.progress import progress
from domain.school import SchoolYear
from domain.year_end import (
    Outcome,
    ReviewState,
    Stage,
    StudentLine,
    chooses_retests,
    class_lists,
    retests_missing,
    student_line,
    summer_retests,
    summer_students,
)
from storage.uow import UnitOfWork


async def proposed_lines(uow: UnitOfWork, class_id: int, stage: Stage) -> list[StudentLine]:
    """The engine's lines for the class now; for the summer, only the students who have a summer."""
    record = await uow.gradebook.class_record(uow.roster, class_id)
    year = await uow.school.year()
    grade = (await uow.views.classes(frozenset({class_id})))[0][2]
    rules = rules_for(year.name, grade)
    only = summer_students(await uow.year_end.lines(class_id, Stage.YEAR)) if stage is Stage.SUMMER else None
    arrived = await _arrived_with_absences_elsewhere(uow, record.students, year, rules, stage)
    lines = []
    for student_id, name in record.students:
        if only is not None and student_id not in only:
            continue
        absences = record.absences.get(student_id, (0, 0))
        result = year_result(
            rules,
            student_id,
            record.subjects,
            record.values,
            record.conduct.get(student_id, {}),
            absences,
            record.aspects.get(student_id, {}),
        )
        line = student_line(student_id, name, result, sum(absences), stage is Stage.SUMMER)
        if student_id in arrived:
            reason = because("year_end.reason.transferred_in", absences=sum(absences))
            line = replace(line, open_reasons=(*line.open_reasons, reason))
        lines.append(line)
    return class_lists(lines)


async def _arrived_with_absences_elsewhere(
    uow: UnitOfWork, students: list[tuple[int, str]], year: SchoolYear, rules: RuleSet, stage: Stage
) -> set[int]:
    """Who came from another school this year, where the limit on absences counts the whole year: the
    days off at the old school are on their transfer papers, not here, so people decide."""
    if rules is RuleSet.TT27 or stage is not Stage.YEAR:  # primary has no limit on absences
        return set()
    ids = [student_id for student_id, _ in students]
    return await uow.transfers.arrived_from_another_school(ids, year.start, year.end)


async def stored_lines(uow: UnitOfWork, class_id: int, stage: Stage) -> list[StudentLine]:
    return class_lists(await uow.year_end.lines(class_id, stage))


async def missing_values(uow: UnitOfWork, class_id: int, stage: Stage) -> list[tuple[str, int]]:
    """What is still missing before the lists can be proposed: (what, how many values)."""
    if stage is Stage.SUMMER:
        return await _summer_missing(uow, class_id)
    year = await uow.school.year()
    year_row = await uow.school.year_row()
    taught = [item for item in await uow.progress.taught(year_row.id) if item.class_id == class_id]
    students = await uow.progress.students([class_id])
    grade = (await uow.views.classes(frozenset({class_id})))[0][2]
    primary = rules_for(year.name, grade) is RuleSet.TT27
    missing: list[tuple[str, int]] = []
    for semester in year.semesters:
        values = await uow.progress.values(year_row.id, semester.number, students.get(class_id, []))
        rows = progress(
            taught, students, values, lambda grade: rules_for(year.name, grade), semester, semester.end
        )
        missing += [(f"{row.subject_name} · HK{semester.number}", row.missing) for row in rows if row.missing]
        ids = students.get(class_id, [])
        if primary:
            if unrated := await _unrated(uow, year_row.id, semester.number, ids):
                missing.append((f"ratings · HK{semester.number}", unrated))
            continue
        conduct = await uow.gradebook.conduct_levels(year_row.id, semester.number, ids)
        if lacking := len(ids) - len(conduct):
            missing.append((f"conduct · HK{semester.number}", lacking))
    return missing


async def _unrated(uow: UnitOfWork, year_id: int, semester: int, ids: list[int]) -> int:
    """Primary: how many students lack a rating of some quality or competency in the semester."""
    lacking: set[int] = set()
    for aspect in QUALITIES + COMPETENCIES:
        rated = await uow.gradebook.conduct_levels(year_id, semester, ids, aspect)
        lacking |= set(ids) - set(rated)
    return len(lacking)


async def summer_retests_of(uow: UnitOfWork, class_id: int) -> dict[int, tuple[str, ...]]:
    """Who re-tests in the summer and in which subjects, by the approved year lists and the summer
    conduct entered so far."""
    lines = await uow.year_end.approved_year_lines(class_id, Outcome.RETEST, Outcome.SUMMER_TRAINING)
    year_row = await uow.school.year_row()
    conduct = await uow.gradebook.conduct_levels(
        year_row.id, SUMMER_TERM, [line.student_id for line in lines]
    )
    return summer_retests(lines, conduct)


async def _summer_missing(uow: UnitOfWork, class_id: int) -> list[tuple[str, int]]:
    """Each re-test and the summer conduct of each student in training; under TT58/TT26 the student
    chooses among the failed subjects, so one re-test of theirs is enough."""
    year_row = await uow.school.year_row()
    year = await uow.school.year()
    grade = (await uow.views.classes(frozenset({class_id})))[0][2]
    record = await uow.gradebook.class_record(uow.roster, class_id)
    names = {subject_id: subject.name for subject_id, subject in record.subjects}
    done = {(v.student_id, names.get(v.subject_id)) for v in record.values if v.semester == SUMMER_TERM}
    retests = await summer_retests_of(uow, class_id)
    missing = retests_missing(retests, done, chooses_retests(rules_for(year.name, grade)))
    training = await uow.year_end.approved_year_lines(class_id, Outcome.SUMMER_TRAINING)
    ids = [line.student_id for line in training]
    if lacking := len(ids) - len(await uow.gradebook.conduct_levels(year_row.id, SUMMER_TERM, ids)):
        missing["conduct · summer"] = lacking
    return list(missing.items())


async def current_stage(uow: UnitOfWork, class_id: int) -> tuple[Stage, ReviewState | None]:
    """The stage the class is at, and the state of its lists (None: not submitted yet)."""
    states = await uow.year_end.states(class_id)
    if states.get(Stage.YEAR) is not ReviewState.APPROVED:
        return Stage.YEAR, states.get(Stage.YEAR)
    if not summer_students(await uow.year_end.lines(class_id, Stage.YEAR)):
        return Stage.YEAR, ReviewState.APPROVED
    return Stage.SUMMER, states.get(Stage.SUMMER)
