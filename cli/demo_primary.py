"""``sodiem demo --level primary``: the primary demo school (domain.demo_primary) through the same imports
an administrator uses, and with ``--fill`` its whole year through the stores the chat writes with."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time

from cli.output import school_today
from domain import demo, demo_primary
from domain.columns import offered_columns
from domain.evaluation import rules_for
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.roster import import_roster
from domain.school import Level, School
from domain.setup import init_school
from domain.staff import import_staff
from locales import translator
from storage.changes import Author
from storage.uow import UnitOfWork


async def create_primary_demo_school(database, year: str) -> tuple:
    today = school_today()
    school = School(demo_primary.SCHOOL_NAME, Level.PRIMARY, demo_primary.DISTRICT, demo_primary.PROVINCE)
    async with UnitOfWork(database) as uow:
        demo.check_room_for_demo(await uow.school.school(), demo_primary.SCHOOL_NAME)
        setup = await init_school(uow.school, school, year)
        roster_table = demo_primary.primary_roster_table(year)
        roster = await import_roster(uow.roster, year, roster_table, today, create_classes=True)
        staff = await import_staff(uow.staff, year, demo_primary.primary_staff_table(), today)
        await demo.record_days_off(uow.calendar, await uow.school.year(year))
        await uow.commit()
    return setup, roster, staff


async def fill_primary_year(database, only: tuple[str, ...] = ()) -> dict[str, int]:
    """Both semesters of every class (or of the classes ``only`` names): levels, tests, a comment per
    subject, the ratings of the qualities and competencies, and the absences."""
    counts = {"values": 0, "ratings": 0, "comments": 0, "absences": 0}
    async with UnitOfWork(database) as uow:
        year = await uow.school.year()
        year_row = await uow.school.year_row()
        days_off = await uow.calendar.days_off(year.name)
        rows = sorted((await uow.school.subject_rows()).values(), key=lambda row: row.code)
        subjects = [(row.id, await uow.gradebook.subject(row.id)) for row in rows]
        for class_row in sorted((await uow.school.class_rows()).values(), key=lambda c: c.name):
            if only and class_row.name not in only:
                continue
            rng = random.Random(f"{year.name}/{class_row.name}")
            ids = [s.id for s in await uow.roster.class_list(class_row.name, year.name)]
            ability = {sid: demo.student_ability(rng) for sid in ids}
            taught = [(sid, s) for sid, s in subjects if class_row.grade in s.grades]
            for semester, term in enumerate(year.semesters, start=1):
                author = Author(None, "demo", "", datetime.combine(term.end, time(17), UTC))
                work = _Semester(uow, year_row.id, class_row, semester, author, rng, ability, counts)
                await work.subjects(taught)
                await work.ratings()
                await work.absences(demo.school_days(term.start, term.end, days_off))
        await uow.commit()
    return counts


class _Semester:
    """One semester of one class, written through the stores."""

    def __init__(self, uow, year_id, class_row, semester, author, rng, ability, counts) -> None:
        self.uow, self.year_id, self.class_row, self.semester = uow, year_id, class_row, semester
        self.author, self.rng, self.ability, self.counts = author, rng, ability, counts

    async def subjects(self, taught) -> None:
        rules = rules_for((await self.uow.school.year()).name, self.class_row.grade)
        t_vi = translator("vi")  # comments are written in Vietnamese, as the papers print them
        for subject_id, subject in taught:
            for offered in offered_columns(rules, subject, self.class_row.grade):
                column = offered.column
                near = demo_primary.level_near if column.marks else demo_primary.test_near
                values = {sid: near(self.rng, level) for sid, level in self.ability.items()}
                saved = await self.uow.gradebook.save_column(
                    self.class_row.id, subject_id, self.year_id, self.semester, column, values, self.author
                )
                self.counts["values"] += saved.saved
            for sid, level in self.ability.items():
                text = t_vi(demo.comment_key(self.rng, level))
                self.counts["comments"] += await self.uow.gradebook.save_comment(
                    sid, subject_id, self.year_id, self.semester, text, self.author
                )

    async def ratings(self) -> None:
        for aspect in QUALITIES + COMPETENCIES:
            levels = {sid: demo_primary.rating_near(self.rng, level) for sid, level in self.ability.items()}
            saved = await self.uow.gradebook.save_conduct(
                self.year_id, self.semester, levels, self.author, aspect
            )
            self.counts["ratings"] += saved.saved

    async def absences(self, days: list[date]) -> None:
        ids = list(self.ability)
        for day in days:
            marks = {sid: mark for sid in ids if (mark := demo.absence_mark(self.rng))}
            if marks:
                saved = await self.uow.attendance.save_day(self.class_row.id, day, 0, ids, marks, self.author)
                self.counts["absences"] += saved.changed
