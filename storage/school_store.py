"""The school, its years, semesters, classes and subjects."""

from __future__ import annotations

import json
from contextlib import suppress
from functools import cache

from sqlalchemy import Row, Select, bindparam, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from domain.classes import school_grades
from domain.errors import DomainError, NotFound
from domain.school import (
    Level,
    School,
    SchoolYear,
    Semester,
    Subject,
    SubjectKind,
    class_order,
    grade_of_class,
    normalise_class_name,
)
from storage.changes import record_change, system_author
from storage.models import (
    AccountRow,
    ClassReviewRow,
    ClassRow,
    EnrolmentRow,
    GuardianRow,
    HomeroomRow,
    SchoolRow,
    SchoolYearRow,
    SemesterRow,
    StaffRoleRow,
    StaffRow,
    StudentRow,
    SubjectRow,
)

SEMESTER_FIELDS = ("number", "start", "midterm_start", "midterm_end", "final_start", "final_end", "end")


class SqlSchoolStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._years: dict[str | None, SchoolYearRow] = {}  # by name, None: the newest; read once a turn
        self._classes: dict[int, dict[str, Row]] = {}  # by year id, likewise
        self._reviews: dict[int, dict[str, str]] = {}  # by class id: stage → state, read with the classes
        self._subjects: list[Row] | None = None  # by id, likewise
        self._school: SchoolRow | None = None  # likewise (changes go to this row object)

    def remember(self, newest_year: SchoolYearRow | None, school: SchoolRow | None) -> None:
        """The newest year (with its semesters) and the school's row, read with something else: the
        person's identity (storage/identity_store.py), which every turn reads first."""
        if newest_year is not None and None not in self._years:
            self._years[None] = self._years[newest_year.name] = newest_year
        self._school = self._school or school

    async def school_row(self) -> SchoolRow | None:
        """The school's row, read once per unit of work: with the newest year, which most turns read."""
        if self._school is None and None not in self._years:
            with suppress(NotFound):  # no year yet: the school alone, below
                await self.year_row()
        if self._school is None:
            self._school = await self.session.scalar(select(SchoolRow))
        return self._school

    async def school(self) -> School | None:
        row = await self.school_row()
        return School(row.name, Level(row.level), row.district, row.province) if row else None

    async def save_school(self, school: School) -> None:
        row = await self.school_row() or SchoolRow()
        row.name, row.level, row.district, row.province = (
            school.name,
            school.level.value,
            school.district,
            school.province,
        )
        row.settings = row.settings or {}
        self.session.add(row)
        self._school = row

    async def settings(self) -> dict:
        row = await self.school_row()
        return dict(row.settings or {}) if row else {}

    async def change_settings(self, **changes: object) -> dict:
        """Sets the given school settings; returns them all."""
        row = await self.school_row()
        if row is None:
            raise DomainError("school.error.not_initialised")
        old = dict(row.settings or {})
        row.settings = {**old, **changes}
        if row.settings != old:
            record_change(
                self.session,
                system_author("cli"),
                "school-settings",
                "school",
                stable_json(old),
                stable_json(row.settings),
            )
        return dict(row.settings)

    async def year_row(self, name: str | None = None) -> SchoolYearRow:
        """The named year, or the newest one (each read once per unit of work), with its semesters and,
        in the same query, the school's row (one row: joined to every year)."""
        if name in self._years:
            return self._years[name]
        query = select(SchoolYearRow, SchoolRow).outerjoin(SchoolRow, true())
        query = query.where(SchoolYearRow.name == name if name else SchoolYearRow.id == newest_year())
        query = query.options(joinedload(SchoolYearRow.semesters))
        found = (await self.session.execute(query)).unique().first()
        if found is None:
            raise NotFound("school.error.no_year", value=name) if name else NotFound("school.error.no_years")
        row, school = found
        self._years[name] = self._years[row.name] = row
        self._school = self._school or school
        return row

    async def require_open(self, year_id: int | None = None, class_id: int | None = None) -> None:
        """Refuses any entry into a closed year (after ``sodiem year new``), named by id or by a class."""
        if year_id is None:
            current = {row.id: row for row in (await self.class_rows()).values()}
            if class_id in current:
                year_id = current[class_id].year_id
            else:
                year_id = await self.session.scalar(select(ClassRow.year_id).where(ClassRow.id == class_id))
        row = await self.session.get(SchoolYearRow, year_id) if year_id is not None else None
        if row is not None and row.closed:
            raise DomainError("schoolyear.error.closed", year=row.name)

    async def year(self, name: str | None = None) -> SchoolYear:
        row = await self.year_row(name)
        semesters = tuple(Semester(**{f: getattr(s, f) for f in SEMESTER_FIELDS}) for s in row.semesters)
        return SchoolYear(row.name, row.start, row.end, semesters)

    async def add_year(self, year: SchoolYear) -> bool:
        """Adds the year with its semesters; False when it exists already (nothing changes)."""
        if await self.session.scalar(select(SchoolYearRow.id).where(SchoolYearRow.name == year.name)):
            return False
        row = SchoolYearRow(name=year.name, start=year.start, end=year.end)
        row.semesters = [SemesterRow(**{f: getattr(s, f) for f in SEMESTER_FIELDS}) for s in year.semesters]
        self.session.add(row)
        await self.session.flush()
        self._years = {}  # the newest year may be this one now
        return True

    async def subject_list(self) -> list[Row]:
        """The subjects by id (their columns, read-only), read once per unit of work (``save_subject``
        forgets them)."""
        if self._subjects is None:
            self._subjects = list(await self.session.execute(_subjects_query()))
        return self._subjects

    async def subjects(self) -> list[Subject]:
        return [subject_of(row) for row in await self.subject_list()]

    async def subject_rows(self) -> dict[str, Row]:
        return {row.code: row for row in await self.subject_list()}

    async def save_subject(self, subject: Subject) -> bool:
        """Adds or updates a subject by code; True when something changed."""
        row = await self.session.scalar(select(SubjectRow).where(SubjectRow.code == subject.code))
        wanted = {
            "name": subject.name,
            "kind": subject.kind.value,
            "periods_per_year": subject.periods_per_year,
            "grades": list(subject.grades),
            "has_periodic_test": subject.has_periodic_test,
        }
        if row and all(getattr(row, key) == value for key, value in wanted.items()):
            return False
        old = stable_json({key: getattr(row, key) for key in wanted}) if row else None
        record_change(self.session, system_author("cli"), "subject", subject.code, old, stable_json(wanted))
        row = row or SubjectRow(code=subject.code)
        for key, value in wanted.items():
            setattr(row, key, value)
        self.session.add(row)
        self._subjects = None
        return True

    async def class_rows(self, year_name: str | None = None) -> dict[str, Row]:
        """The year's classes by name (their columns, read-only), read once per unit of work."""
        year = await self.year_row(year_name)
        if year.id not in self._classes:
            rows = await self.session.execute(_classes_query(), {"year_id": year.id})
            self._classes[year.id] = {}
            for row in rows:
                self._classes[year.id][row.name] = row
                self._reviews[row.id] = (
                    dict(pair.split("=") for pair in row.reviews.split(",")) if row.reviews else {}
                )
        return dict(self._classes[year.id])

    async def review_states(self, class_id: int) -> dict[str, str] | None:
        """The state of each stage's year-end lists of a class (stage → state), read with its year's
        classes (the current year's are read if need be); None for a class of a year not read."""
        await self.class_rows()
        return self._reviews.get(class_id)

    def forget_reviews(self, class_id: int) -> None:
        """A class's lists were submitted or decided: the states are read again."""
        self._reviews.pop(class_id, None)

    async def add_classes(self, names: list[str], year_name: str | None = None) -> list[str]:
        """Adds the classes that do not exist yet; returns the names added."""
        year = await self.year_row(year_name)
        await self.require_open(year.id)
        existing = await self.class_rows(year.name)
        added = []
        for name in dict.fromkeys(normalise_class_name(n) for n in names):
            if name not in existing:
                self.session.add(ClassRow(year_id=year.id, name=name, grade=grade_of_class(name)))
                added.append(name)
        await self.session.flush()
        self._classes.pop(year.id, None)
        return added

    async def class_by_id(self, class_id: int) -> Row | ClassRow | None:
        """From the current year's classes (read once a turn), else from any year."""
        current = {row.id: row for row in (await self.class_rows()).values()}
        return current.get(class_id) or await self.session.get(ClassRow, class_id)

    async def class_row(self, name: str, year_name: str | None = None) -> Row:
        row = (await self.class_rows(year_name)).get(normalise_class_name(name))
        if row is None:
            raise NotFound("school.error.no_class", value=name)
        return row

    async def grades(self) -> tuple[int, ...]:
        """The grades the school teaches (its level, or its ``grades`` setting)."""
        school = await self.require_school()
        return school_grades(school.level, await self.settings())

    async def is_empty(self) -> bool:
        return not await self.session.scalar(select(func.count()).select_from(SchoolRow))

    async def require_school(self) -> School:
        school = await self.school()
        if school is None:
            raise DomainError("school.error.not_initialised")
        return school


# Statements nearly every turn runs are built once: building one (and its cache key) costs SQLAlchemy
# more than SQLite takes to run it (issue 20; storage/identity_store.py: actor_query).


@cache
def _classes_query() -> Select:
    """A year's classes (``year_id``), each with its year-end review states as "year=approved,…";
    columns, not entities, as the subjects'."""
    pair = ClassReviewRow.stage + "=" + ClassReviewRow.state
    reviews = (
        select(func.aggregate_strings(pair, ","))
        .where(ClassReviewRow.class_id == ClassRow.id)
        .scalar_subquery()
        .label("reviews")
    )
    return select(*ClassRow.__table__.columns, reviews).where(ClassRow.year_id == bindparam("year_id"))


@cache
def _subjects_query() -> Select:
    """Columns, not entities: every turn reads the school's 25-odd subjects, and loading them as
    entities cost more than the query (bench/entry.py)."""
    return select(*SubjectRow.__table__.columns).order_by(SubjectRow.id)


def newest_year():
    """The newest year's id, as a subquery."""
    return select(SchoolYearRow.id).order_by(SchoolYearRow.start.desc()).limit(1).scalar_subquery()


class SqlClassViews:
    """Read-only views of classes for the chat: names by id, who teaches what, a parent's children."""

    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def classes(self, ids: frozenset[int] | None = None) -> list[tuple[int, str, int]]:
        """(id, name, grade) of the current year's classes, or of those ``ids``, by grade and name."""
        rows = (await self.school.class_rows()).values()
        chosen = [row for row in rows if ids is None or row.id in ids]
        return [(row.id, row.name, row.grade) for row in sorted(chosen, key=lambda r: class_order(r.name))]

    async def class_name(self, class_id: int) -> str | None:
        """From the current year's classes (read once a turn), else from any year."""
        row = await self.school.class_by_id(class_id)
        return row.name if row else None

    async def subject_names(self) -> dict[int, str]:
        return {row.id: row.name for row in await self.school.subject_list()}

    async def homeroom_teacher(self, class_id: int) -> str | None:

        return await self.session.scalar(
            select(StaffRow.full_name)
            .join(HomeroomRow, HomeroomRow.staff_id == StaffRow.id)
            .where(HomeroomRow.class_id == class_id)
        )

    async def children(self, student_ids: frozenset[int]) -> list[tuple[str, str | None]]:
        """(student name, current class name) of a parent's children."""

        year = await self.school.year_row()
        rows = await self.session.execute(
            select(StudentRow.full_name, ClassRow.name)
            .select_from(StudentRow)
            .outerjoin(
                EnrolmentRow, (EnrolmentRow.student_id == StudentRow.id) & EnrolmentRow.date_out.is_(None)
            )
            .outerjoin(ClassRow, (ClassRow.id == EnrolmentRow.class_id) & (ClassRow.year_id == year.id))
            .where(StudentRow.id.in_(student_ids))
            .order_by(StudentRow.full_name)
        )
        return [(name, class_name) for name, class_name in rows]

    async def leader_names(self) -> list[str]:
        """The principal and vice-principals: whom a teacher asks to open the book."""

        rows = await self.session.scalars(
            select(StaffRow.full_name)
            .join(StaffRoleRow, StaffRoleRow.staff_id == StaffRow.id)
            .where(StaffRoleRow.role.in_(["vice-principal", "principal"]), StaffRow.active.is_(True))
            .order_by(StaffRoleRow.role.desc(), StaffRow.full_name)
        )
        return list(dict.fromkeys(rows))

    async def account_counts(self) -> dict[str, int]:

        async def scalar(query) -> int:
            return await self.session.scalar(query) or 0

        return {
            "staff": await scalar(
                select(func.count()).select_from(StaffRow).where(StaffRow.active.is_(True))
            ),
            "staff_linked": await scalar(select(func.count(AccountRow.staff_id.distinct()))),
            "guardians": await scalar(select(func.count()).select_from(GuardianRow)),
            "guardians_linked": await scalar(select(func.count(AccountRow.guardian_id.distinct()))),
        }


def subject_of(row: SubjectRow | Row) -> Subject:
    return Subject(
        row.code,
        row.name,
        SubjectKind(row.kind),
        row.periods_per_year,
        tuple(row.grades),
        row.has_periodic_test,
    )


def stable_json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
