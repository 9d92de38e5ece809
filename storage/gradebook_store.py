"""Scores and marks, the leadership's open/lock decisions, and reading a class's record back."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.attendance import absence_totals, absence_unit_of
from domain.class_record import YEAR_END_SEMESTER, StoredValue
from domain.entry import Column
from domain.school import Subject
from storage.changes import Author, record_change, score_key
from storage.models import (
    AbsenceRow,
    ConductRow,
    HomeroomCommentRow,
    ScoreRow,
    SubjectCommentRow,
)
from storage.school_store import SqlSchoolStore, subject_of

# a stored value as save_column needs it: plain tuples, lighter to read than the ORM's rows
STORED = (
    ScoreRow.id,
    ScoreRow.student_id,
    ScoreRow.semester,
    ScoreRow.kind,
    ScoreRow.position,
    ScoreRow.value,
)


@dataclass(frozen=True)
class SavedColumn:
    saved: int  # values written now
    unchanged: int  # values that were already there, the same
    kept: list[int]  # students whose earlier, different value stays (changes go through corrections)
    stored: dict[int, str] = field(default_factory=dict)  # the column's values of these students now


@dataclass(frozen=True)
class ScoreKey:
    student_id: int
    subject_id: int
    semester: int
    kind: str
    position: int


class SqlGradebookStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school
        # (subject, year): the students asked for and their values, read once per unit of work
        self._earlier: dict[tuple[int, int], tuple[frozenset[int], list[Row]]] = {}
        self._saved: dict[tuple, ScoreRow] = {}  # saved_value's rows found, by place

    async def subject(self, subject_id: int) -> Subject | None:
        row = next((row for row in await self.school.subject_list() if row.id == subject_id), None)
        return subject_of(row) if row is not None else None

    async def column_values(
        self, class_id: int, subject_id: int, year_id: int, semester: int, column: Column
    ) -> dict[int, str]:
        rows = await self.session.execute(
            select(ScoreRow.student_id, ScoreRow.value).where(
                ScoreRow.class_id == class_id,
                ScoreRow.subject_id == subject_id,
                ScoreRow.year_id == year_id,
                ScoreRow.semester == semester,
                ScoreRow.kind == column.kind.value,
                ScoreRow.position == column.position,
            )
        )
        return dict(rows.all())

    async def filled_columns(
        self, class_id: int, subject_id: int, year_id: int, semesters: set[int]
    ) -> set[tuple[int, str, int]]:
        """(semester, kind, position) of the columns holding at least one value, in one query."""
        rows = await self.session.execute(
            select(ScoreRow.semester, ScoreRow.kind, ScoreRow.position)
            .where(
                ScoreRow.class_id == class_id,
                ScoreRow.subject_id == subject_id,
                ScoreRow.year_id == year_id,
                ScoreRow.semester.in_(semesters),
            )
            .distinct()
        )
        return {tuple(row) for row in rows.all()}

    async def saved_value(
        self, student_id: int, subject_id: int, year_id: int, semester: int, kind: str, position: int
    ) -> ScoreRow | None:
        """The stored value's row; one found is kept for the unit of work (a correction's request
        reads it, then checks it has not moved), and changes made to it here show in it."""
        place = (student_id, subject_id, year_id, semester, kind, position)
        if place not in self._saved:
            row = await self.session.scalar(
                select(ScoreRow).where(
                    ScoreRow.student_id == student_id,
                    ScoreRow.subject_id == subject_id,
                    ScoreRow.year_id == year_id,
                    ScoreRow.semester == semester,
                    ScoreRow.kind == kind,
                    ScoreRow.position == position,
                )
            )
            if row is None:
                return None
            self._saved[place] = row
        return self._saved[place]

    async def subjects_with_values(self, class_id: int, year_id: int) -> set[int]:
        rows = await self.session.scalars(
            select(ScoreRow.subject_id)
            .where(ScoreRow.class_id == class_id, ScoreRow.year_id == year_id)
            .distinct()
        )
        return set(rows)

    async def earlier_scores(
        self, subject_id: int, year_id: int, student_ids: list[int]
    ) -> dict[int, list[Decimal]]:
        rows = await self.session.execute(
            select(*STORED).where(
                ScoreRow.subject_id == subject_id,
                ScoreRow.year_id == year_id,
                ScoreRow.student_id.in_(student_ids),
            )
        )
        self._earlier[subject_id, year_id] = (frozenset(student_ids), rows.all())
        earlier: dict[int, list[Decimal]] = defaultdict(list)
        for row in self._earlier[subject_id, year_id][1]:
            if row.value[0].isdigit():
                earlier[row.student_id].append(Decimal(row.value))
        return earlier

    async def _column_rows(
        self, subject_id: int, year_id: int, semester: int, column: Column, student_ids: list[int]
    ) -> dict[int, Row]:
        """The column's values of these students (``STORED``): from ``earlier_scores``'s rows when it
        read them."""
        asked, rows = self._earlier.pop((subject_id, year_id), (frozenset(), []))
        if not asked.issuperset(student_ids):
            rows = await self.session.execute(
                select(*STORED).where(
                    ScoreRow.subject_id == subject_id,
                    ScoreRow.year_id == year_id,
                    ScoreRow.semester == semester,
                    ScoreRow.kind == column.kind.value,
                    ScoreRow.position == column.position,
                    ScoreRow.student_id.in_(student_ids),
                )
            )
        wanted, place = set(student_ids), (semester, column.kind.value, column.position)
        return {
            row.student_id: row
            for row in rows
            if row.student_id in wanted and (row.semester, row.kind, row.position) == place
        }

    async def save_column(
        self,
        class_id: int,
        subject_id: int,
        year_id: int,
        semester: int,
        column: Column,
        values: dict[int, str],
        author: Author,
        may_overwrite: bool = False,
    ) -> SavedColumn:
        """Writes the values; an existing different value is kept (and reported) unless it is a pending
        make-up ('v') or ``may_overwrite`` (the school's option for regular columns while open). The new
        values in one INSERT, the changed ones in one UPDATE."""
        await self.school.require_open(year_id)
        existing = await self._column_rows(subject_id, year_id, semester, column, list(values))
        saved = unchanged = 0
        kept, new_rows, changed_rows = [], [], []
        stored = {student_id: row.value for student_id, row in existing.items()}
        entered = {"value": None, "entered_by": author.staff_id, "entered_at": author.at}
        for student_id, value in values.items():
            row = existing.get(student_id)
            key = score_key(student_id, subject_id, year_id, semester, column.kind.value, column.position)
            if row is not None and row.value == value:
                unchanged += 1
                continue
            if row is not None and row.value != "v" and not may_overwrite:
                kept.append(student_id)
                continue
            record_change(self.session, author, "score", key, row.value if row else None, value)
            if row is None:
                place = {"class_id": class_id, "subject_id": subject_id, "year_id": year_id}
                place |= {"semester": semester, "kind": column.kind.value, "position": column.position}
                new_rows.append({**entered, **place, "student_id": student_id, "value": value})
            else:
                changed_rows.append({**entered, "id": row.id, "value": value})
            stored[student_id] = value
            saved += 1
        if new_rows:  # the ORM would write them one by one on SQLite, to read their ids back
            await self.session.execute(insert(ScoreRow), new_rows)
        if changed_rows:  # by primary key
            await self.session.execute(update(ScoreRow), changed_rows)
        return SavedColumn(saved, unchanged, kept, stored)

    async def conduct_levels(
        self, year_id: int, semester: int, student_ids: list[int], aspect: str = "conduct"
    ) -> dict[int, str]:

        rows = await self.session.execute(
            select(ConductRow.student_id, ConductRow.level).where(
                ConductRow.year_id == year_id,
                ConductRow.semester == semester,
                ConductRow.aspect == aspect,
                ConductRow.student_id.in_(student_ids),
            )
        )
        return dict(rows.all())

    async def save_conduct(
        self, year_id: int, semester: int, levels: dict[int, str], author: Author, aspect: str = "conduct"
    ) -> SavedColumn:
        """Conduct levels of a semester (or, in primary schools, a quality or competency: ``aspect``);
        like scores, a different level saved earlier is kept."""
        await self.school.require_open(year_id)

        existing = {
            row.student_id: row
            for row in await self.session.scalars(
                select(ConductRow).where(
                    ConductRow.year_id == year_id,
                    ConductRow.semester == semester,
                    ConductRow.aspect == aspect,
                    ConductRow.student_id.in_(list(levels)),
                )
            )
        }
        saved = unchanged = 0
        kept = []
        for student_id, level in levels.items():
            row = existing.get(student_id)
            if row is not None:
                unchanged += row.level == level
                if row.level != level:
                    kept.append(student_id)
                continue
            record_change(
                self.session, author, "conduct", f"{student_id}:{year_id}:{semester}:{aspect}", None, level
            )
            self.session.add(
                ConductRow(
                    student_id=student_id,
                    year_id=year_id,
                    semester=semester,
                    aspect=aspect,
                    level=level,
                    entered_by=author.staff_id,
                    entered_at=author.at,
                )
            )
            saved += 1
        await self.session.flush()
        return SavedColumn(saved, unchanged, kept)

    async def comments(
        self,
        subject_id: int | None,
        year_id: int,
        semester: int,
        student_ids: list[int],
        midterm: bool = False,
    ) -> dict[int, str]:
        """student → comment on the subject for the semester's end (``midterm``: its mid-term);
        ``subject_id`` None: the homeroom teacher's."""
        model, where = _comment_rows(subject_id, year_id, semester, midterm)
        rows = await self.session.execute(
            select(model.student_id, model.text).where(*where, model.student_id.in_(student_ids))
        )
        return dict(rows.all())

    async def save_comment(
        self,
        student_id: int,
        subject_id: int | None,
        year_id: int,
        semester: int,
        text: str,
        author: Author,
        midterm: bool = False,
    ) -> bool:
        """A teacher's comment on a student's subject for a semester (``subject_id`` None: the homeroom
        teacher's on the student); it may be rewritten while the book is open (the change log keeps every
        version). False when it was already exactly that."""
        await self.school.require_open(year_id)
        model, where = _comment_rows(subject_id, year_id, semester, midterm)
        row = await self.session.scalar(select(model).where(*where, model.student_id == student_id))
        if row is not None and row.text == text:
            return False
        entity = "comment" if subject_id is not None else "homeroom_comment"
        key = (
            f"{student_id}:{subject_id}:{year_id}:{semester}{':mid' if midterm else ''}"
            if subject_id
            else f"{student_id}:{year_id}:{semester}"
        )
        record_change(self.session, author, entity, key, row.text if row else None, text)
        if row is None:
            row = model(student_id=student_id, year_id=year_id, semester=semester)
            if subject_id is not None:
                row.subject_id, row.midterm = subject_id, midterm
        row.text, row.entered_by, row.entered_at = text, author.staff_id, author.at
        self.session.add(row)
        await self.session.flush()
        return True

    async def class_record(self, roster, class_id: int) -> ClassRecord:
        """Everything the engine needs for the class's year, read in a few queries."""
        class_row = await self.school.class_by_id(class_id)
        year = await self.school.year_row()
        students = [(s.id, s.full_name) for s in await roster.class_list(class_row.name, year.name)]
        ids = [student_id for student_id, _ in students]
        subjects = [
            (row.id, subject_of(row))
            for row in await self.school.subject_list()
            if class_row.grade in row.grades
        ]
        scores = await self.session.scalars(
            select(ScoreRow).where(ScoreRow.year_id == year.id, ScoreRow.student_id.in_(ids))
        )
        values = [
            StoredValue(s.student_id, s.subject_id, s.semester, s.kind, s.position, s.value) for s in scores
        ]
        conduct: dict[int, dict[int, str]] = defaultdict(dict)
        aspects: dict[int, dict[str, str]] = defaultdict(dict)
        for row in await self.session.scalars(
            select(ConductRow).where(ConductRow.year_id == year.id, ConductRow.student_id.in_(ids))
        ):
            if row.aspect == "conduct":
                conduct[row.student_id][row.semester] = row.level
            elif row.semester == YEAR_END_SEMESTER:
                aspects[row.student_id][row.aspect] = row.level
        marks: dict[int, list[tuple[date, str]]] = defaultdict(list)
        rows = await self.session.execute(
            select(AbsenceRow.student_id, AbsenceRow.day, AbsenceRow.mark).where(
                AbsenceRow.student_id.in_(ids), AbsenceRow.day >= year.start, AbsenceRow.day <= year.end
            )
        )
        for student_id, day, mark in rows:
            marks[student_id].append((day, mark))
        unit = absence_unit_of(await self.school.settings(), year.name)
        return ClassRecord(
            students,
            subjects,
            values,
            dict(conduct),
            {student_id: absence_totals(absent, unit) for student_id, absent in marks.items()},
            dict(aspects),
        )


@dataclass(frozen=True)
class ClassRecord:
    """Everything the engine needs for a class's year, as plain values."""

    students: list[tuple[int, str]]  # (id, full name) in class-list order
    subjects: list[tuple[int, Subject]]  # taught in the class's grade
    values: list  # domain.class_record.StoredValue
    conduct: dict[int, dict[int, str]]  # student → semester (0: year) → level
    absences: dict[int, tuple[int, int]]  # student → (excused, unexcused) days
    aspects: dict[int, dict[str, str]] = field(default_factory=dict)  # primary: quality → end-of-year level


def _comment_rows(subject_id: int | None, year_id: int, semester: int, midterm: bool) -> tuple[type, list]:
    """The table of a subject's comments (or, for ``subject_id`` None, the homeroom teacher's) and the
    conditions that pick the year's semester (a subject's: its mid-term or its end)."""
    if subject_id is None:
        model = HomeroomCommentRow
        return model, [model.year_id == year_id, model.semester == semester]
    model = SubjectCommentRow
    return model, [
        model.subject_id == subject_id,
        model.year_id == year_id,
        model.semester == semester,
        model.midterm == midterm,
    ]
