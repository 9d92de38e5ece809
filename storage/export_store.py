"""What the exports read (a class's whole book, in a few queries) and the record of every export."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.attendance import absence_unit_of
from domain.class_record import SUMMER_TERM, YEAR_END_SEMESTER, StoredValue
from domain.evaluation import RuleSet, rules_for
from domain.evaluation.tt27 import COMPETENCIES, QUALITIES
from domain.report_card import AbsenceDay, ClassBook, Period, StudentInfo
from domain.school import class_order
from domain.year_end import ReviewState, Stage, StudentLine
from storage.calendar_store import SqlCalendarStore
from storage.changes import Author
from storage.gradebook_store import SqlGradebookStore
from storage.models import (
    AbsenceRow,
    ConductRow,
    ExportRow,
    GuardianLinkRow,
    GuardianRow,
    HomeroomCommentRow,
    HomeroomRow,
    ScoreRow,
    StaffRoleRow,
    StaffRow,
    StudentRow,
    SubjectCommentRow,
    SubjectRow,
    TeachingRow,
)
from storage.roster_store import SqlRosterStore
from storage.school_store import SqlSchoolStore, subject_of
from storage.year_end_store import SqlYearEndStore


class SqlExportStore:
    def __init__(
        self,
        session: AsyncSession,
        school: SqlSchoolStore,
        calendar: SqlCalendarStore,
        roster: SqlRosterStore,
        year_end: SqlYearEndStore,
    ) -> None:
        self.session = session
        self.school = school
        self.calendar = calendar
        self.roster = roster
        self.year_end = year_end

    async def class_names(self) -> list[str]:
        """The current year's classes, by grade and name."""
        rows = (await self.school.class_rows()).values()
        return sorted((row.name for row in rows), key=class_order)

    async def class_book(
        self, class_name: str, year_name: str | None = None, period: Period | None = None
    ) -> ClassBook:
        """Everything recorded for the class in the year (default: the current one), for everyone who was
        in it during the ``period`` (default: the year); NotFound for an unknown class or year.

        A student who left the class during the year (moved to another class, transferred out, dropped
        out) keeps in it only what was entered there: the scores and absences entered in this class, the
        conduct and comments of the semesters that ended before they left. Everyone else brings all their
        values of the year, wherever entered (docs/year.md)."""
        school = await self.school.require_school()
        year = await self.school.year(year_name)
        year_row = await self.school.year_row(year_name)
        class_row = await self.school.class_row(class_name, year.name)
        members = await self.roster.members(class_row.id, year.start, year.end)
        ids = [m.entry.id for m in members]
        left = {m.entry.id: m.date_out for m in members if m.date_out is not None and m.date_out <= year.end}
        query = select(
            StudentRow.id, StudentRow.ethnicity, StudentRow.place_of_birth, StudentRow.register_number
        ).where(StudentRow.id.in_(ids))
        details = {sid: rest for sid, *rest in await self.session.execute(query)}
        students = tuple(
            StudentInfo(
                m.entry.id,
                m.entry.code,
                m.entry.full_name,
                m.entry.date_of_birth,
                m.entry.gender,
                details[m.entry.id][0] or "",
                joined=m.date_in if m.date_in > year.start else None,
                left=left.get(m.entry.id),
                left_reason=m.reason_out if m.entry.id in left else None,
                place_of_birth=details[m.entry.id][1] or "",
                register_number=details[m.entry.id][2] or "",
            )
            for m in members
        )

        def kept(student_id: int, semester: int) -> bool:
            """A leaver keeps the conduct and comments of the semesters that ended before they left."""
            day = left.get(student_id)
            if day is None:
                return True
            return semester in range(1, len(year.semesters) + 1) and year.semesters[semester - 1].end < day

        subject_rows = await self.session.scalars(select(SubjectRow).order_by(SubjectRow.id))
        subjects = tuple((row.id, subject_of(row)) for row in subject_rows if class_row.grade in row.grades)
        scores = await self.session.scalars(
            select(ScoreRow).where(ScoreRow.year_id == year_row.id, ScoreRow.student_id.in_(ids))
        )
        values = tuple(
            StoredValue(s.student_id, s.subject_id, s.semester, s.kind, s.position, s.value)
            for s in scores
            if s.student_id not in left or s.class_id == class_row.id
        )
        conduct = {
            sid: {sem: level for sem, level in levels.items() if kept(sid, sem)}
            for sid, levels in (await self._conduct(year_row.id, ids)).items()
        }
        comments, midterm_comments = (
            {key: text for key, text in found.items() if kept(key[0], key[2])}
            for found in await self._comments(year_row.id, ids)
        )
        homeroom_comments = {
            key: text for key, text in (await self._homeroom_comments(year_row.id, ids)).items() if kept(*key)
        }
        absences = tuple(
            AbsenceDay(sid, day, session, mark)
            for sid, class_id, day, session, mark in await self._absences(ids, year.start, year.end)
            if sid not in left or class_id == class_row.id
        )
        rules = rules_for(year.name, class_row.grade)
        ratings: dict[int, dict[int, dict[str, str]]] = {}  # semester → student → aspect → level
        for semester in (1, YEAR_END_SEMESTER) if rules is RuleSet.TT27 else ():
            found = await self._ratings(year_row.id, ids, semester)
            ratings[semester] = {sid: levels for sid, levels in found.items() if kept(sid, semester)}
        book = ClassBook(
            school=school,
            year=year,
            class_name=class_row.name,
            grade=class_row.grade,
            rules=rules,
            homeroom_teacher=await self._homeroom(class_row.id),
            students=students,
            subjects=subjects,
            values=values,
            conduct=conduct,
            absences=absences,
            comments=comments,
            midterm_comments=midterm_comments,
            teachers=await self._teachers(class_row.id),
            principal=await self._principal(),
            lists=await self._approved_lists(class_row.id),
            ratings=ratings.get(YEAR_END_SEMESTER, {}),
            first_ratings=ratings.get(1, {}),
            guardians=await self._guardians(ids),
            homeroom_comments=homeroom_comments,
            days_off=await self.calendar.closed_days(year.name),
            absence_unit=absence_unit_of(await self.school.settings(), year.name),
        )
        return book.during(period) if period else book

    async def _approved_lists(self, class_id: int) -> dict[Stage, dict[int, StudentLine]]:
        lists = {}
        for stage, state in (await self.year_end.states(class_id)).items():
            if state is ReviewState.APPROVED:
                lists[stage] = {line.student_id: line for line in await self.year_end.lines(class_id, stage)}
        return lists

    async def _ratings(self, year_id: int, ids: list[int], semester: int) -> dict[int, dict[str, str]]:
        """Primary: each student's rating of every quality and competency at the semester's end (semester
        II: the year's), in one query."""
        rows = await self.session.execute(
            select(ConductRow.student_id, ConductRow.aspect, ConductRow.level).where(
                ConductRow.year_id == year_id,
                ConductRow.semester == semester,
                ConductRow.student_id.in_(ids),
                ConductRow.aspect.in_(QUALITIES + COMPETENCIES),
            )
        )
        ratings: dict[int, dict[str, str]] = defaultdict(dict)
        for student_id, aspect, level in rows:
            ratings[student_id][aspect] = level
        return dict(ratings)

    async def _conduct(self, year_id: int, ids: list[int]) -> dict[int, dict[int, str]]:
        gradebook = SqlGradebookStore(self.session, self.school)
        conduct: dict[int, dict[int, str]] = defaultdict(dict)
        for semester in (0, 1, 2, SUMMER_TERM):
            for student_id, level in (await gradebook.conduct_levels(year_id, semester, ids)).items():
                conduct[student_id][semester] = level
        return dict(conduct)

    async def _absences(self, ids: list[int], start, end) -> list[tuple]:
        rows = await self.session.execute(
            select(
                AbsenceRow.student_id,
                AbsenceRow.class_id,
                AbsenceRow.day,
                AbsenceRow.session,
                AbsenceRow.mark,
            )
            .where(AbsenceRow.student_id.in_(ids), AbsenceRow.day >= start, AbsenceRow.day <= end)
            .order_by(AbsenceRow.day, AbsenceRow.session)
        )
        return list(rows)

    async def _comments(self, year_id: int, ids: list[int]) -> tuple[dict, dict]:
        """The subject comments of the semesters' ends and of their mid-terms, each by
        (student, subject, semester)."""
        rows = await self.session.execute(
            select(
                SubjectCommentRow.student_id,
                SubjectCommentRow.subject_id,
                SubjectCommentRow.semester,
                SubjectCommentRow.midterm,
                SubjectCommentRow.text,
            ).where(SubjectCommentRow.year_id == year_id, SubjectCommentRow.student_id.in_(ids))
        )
        term: dict[tuple[int, int, int], str] = {}
        midterm: dict[tuple[int, int, int], str] = {}
        for student, subject, semester, at_midterm, text in rows:
            (midterm if at_midterm else term)[(student, subject, semester)] = text
        return term, midterm

    async def _homeroom_comments(self, year_id: int, ids: list[int]) -> dict[tuple[int, int], str]:
        rows = await self.session.execute(
            select(HomeroomCommentRow.student_id, HomeroomCommentRow.semester, HomeroomCommentRow.text).where(
                HomeroomCommentRow.year_id == year_id, HomeroomCommentRow.student_id.in_(ids)
            )
        )
        return {(student, semester): text for student, semester, text in rows}

    async def _guardians(self, ids: list[int]) -> dict[int, tuple[tuple[str, str], ...]]:
        """student → ((name, relation), ...), in the order they were linked."""
        rows = await self.session.execute(
            select(GuardianLinkRow.student_id, GuardianRow.full_name, GuardianLinkRow.relation)
            .join(GuardianRow, GuardianRow.id == GuardianLinkRow.guardian_id)
            .where(GuardianLinkRow.student_id.in_(ids))
            .order_by(GuardianLinkRow.id)
        )
        found: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for student, name, relation in rows:
            found[student].append((name, relation))
        return {student: tuple(people) for student, people in found.items()}

    async def _teachers(self, class_id: int) -> dict[int, str]:
        rows = await self.session.execute(
            select(TeachingRow.subject_id, StaffRow.full_name)
            .join(StaffRow, StaffRow.id == TeachingRow.staff_id)
            .where(TeachingRow.class_id == class_id)
        )
        return {subject_id: name for subject_id, name in rows}

    async def _homeroom(self, class_id: int) -> str | None:
        return await self.session.scalar(
            select(StaffRow.full_name)
            .join(HomeroomRow, HomeroomRow.staff_id == StaffRow.id)
            .where(HomeroomRow.class_id == class_id)
        )

    async def _principal(self) -> str | None:
        return await self.session.scalar(
            select(StaffRow.full_name)
            .join(StaffRoleRow, StaffRoleRow.staff_id == StaffRow.id)
            .where(StaffRoleRow.role == "principal", StaffRow.active.is_(True))
            .limit(1)
        )

    def record_export(
        self, author: Author, kind: str, scope: str, period: str, file_name: str, fingerprint: str, size: int
    ) -> None:
        """Every export is kept: who, when, what (kind, class or school, period, file), its fingerprint."""
        self.session.add(
            ExportRow(
                at=author.at,
                staff_id=author.staff_id,
                channel=author.channel,
                account=author.account,
                kind=kind,
                scope=scope,
                period=period,
                file_name=file_name,
                fingerprint=fingerprint,
                size=size,
            )
        )

    async def exports(self, limit: int = 50) -> list[ExportRow]:
        """The latest exports, newest first."""
        return list(await self.session.scalars(select(ExportRow).order_by(ExportRow.id.desc()).limit(limit)))
