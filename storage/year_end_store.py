"""The year-end lists: what the homeroom teachers submitted and the leadership approved."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.year_end import DECISION, Outcome, ReviewState, Stage, StudentLine
from storage.changes import Author, record_change
from storage.models import ClassReviewRow, ClassRow, StudentOutcomeRow, StudentRow
from storage.school_store import SqlSchoolStore


class Submitted(StrEnum):
    DONE = "done"
    WAITING = "waiting"  # submitted already, the leadership has not decided
    APPROVED = "approved"  # approved lists are fixed


@dataclass(frozen=True)
class FinalOutcome:
    student_id: int
    class_id: int
    outcome: Outcome
    stage: Stage


class SqlYearEndStore:
    def __init__(self, session: AsyncSession, school: SqlSchoolStore) -> None:
        self.session = session
        self.school = school

    async def final_outcomes(self, year_id: int) -> dict[int, FinalOutcome]:
        """Each student's status from the approved lists of the year's classes: the summer list where
        one is approved for the student, else the year list. Students of classes without approved
        lists are absent."""
        rows = await self.session.execute(
            select(StudentOutcomeRow)
            .join(
                ClassReviewRow,
                (ClassReviewRow.class_id == StudentOutcomeRow.class_id)
                & (ClassReviewRow.stage == StudentOutcomeRow.stage),
            )
            .join(ClassRow, ClassRow.id == StudentOutcomeRow.class_id)
            .where(ClassRow.year_id == year_id, ClassReviewRow.state == ReviewState.APPROVED.value)
        )
        outcomes: dict[int, FinalOutcome] = {}
        for (row,) in rows:
            stage = Stage(row.stage)
            known = outcomes.get(row.student_id)
            if known is None or stage is Stage.SUMMER:
                outcomes[row.student_id] = FinalOutcome(
                    row.student_id, row.class_id, Outcome(row.status), stage
                )
        return outcomes

    async def review(self, class_id: int, stage: Stage) -> ClassReviewRow | None:
        return await self.session.scalar(
            select(ClassReviewRow).where(
                ClassReviewRow.class_id == class_id, ClassReviewRow.stage == stage.value
            )
        )

    async def states(self, class_id: int) -> dict[Stage, ReviewState]:
        """The state of each stage's lists of the class, for the entry lock: read with the current
        year's classes (once a turn), or by itself for a class of another year."""
        rows = await self.school.review_states(class_id)
        if rows is None:
            query = select(ClassReviewRow.stage, ClassReviewRow.state).where(
                ClassReviewRow.class_id == class_id
            )
            rows = dict((await self.session.execute(query)).all())
        return {Stage(stage): ReviewState(state) for stage, state in rows.items()}

    async def year_fixed(self, class_id: int) -> bool:
        """The class's year lists are submitted or approved: its year's values may not change."""
        state = (await self.states(class_id)).get(Stage.YEAR)
        return state in (ReviewState.SUBMITTED, ReviewState.APPROVED)

    async def approved_year_lines(self, class_id: int, *statuses: Outcome) -> list[StudentLine]:
        """The lines of the class's approved year lists with one of the statuses (none before the
        approval): who has a summer."""
        if (await self.states(class_id)).get(Stage.YEAR) is not ReviewState.APPROVED:
            return []
        return [line for line in await self.lines(class_id, Stage.YEAR) if line.status in statuses]

    async def lines(self, class_id: int, stage: Stage) -> list[StudentLine]:
        """The stored lines of a stage, as submitted (the class-list order is the caller's)."""
        rows = await self.session.execute(
            select(StudentOutcomeRow, StudentRow.full_name)
            .join(StudentRow, StudentRow.id == StudentOutcomeRow.student_id)
            .where(StudentOutcomeRow.class_id == class_id, StudentOutcomeRow.stage == stage.value)
        )
        return [_line(row, name) for row, name in rows]

    async def submit(
        self, class_id: int, stage: Stage, lines: list[StudentLine], author: Author
    ) -> Submitted:
        """Writes the class's lists for a stage; a resubmission after a return replaces them."""
        await self.school.require_open(class_id=class_id)
        review = await self.review(class_id, stage)
        if review is not None and review.state != ReviewState.RETURNED.value:
            return Submitted.WAITING if review.state == ReviewState.SUBMITTED.value else Submitted.APPROVED
        await self._drop_lines(class_id, stage, {line.student_id for line in lines}, author)
        for line in lines:
            self.session.add(
                StudentOutcomeRow(
                    class_id=class_id,
                    student_id=line.student_id,
                    stage=stage.value,
                    learning=line.learning,
                    conduct=line.conduct,
                    absences=line.absences,
                    status=line.status.value,
                    retest_subjects=list(line.retest_subjects),
                    award=line.award,
                    flags=dict(line.flags),
                )
            )
            record_change(
                self.session,
                author,
                "student-outcome",
                f"{class_id}:{line.student_id}:{stage.value}",
                None,
                line.status.value,
                "; ".join(f"{flag}: {reason}" for flag, reason in line.flags.items()),
            )
        old = review.state if review else None
        review = review or ClassReviewRow(class_id=class_id, stage=stage.value)
        review.state, review.submitted_by, review.submitted_at = (
            ReviewState.SUBMITTED.value,
            author.staff_id,
            author.at,
        )
        review.decided_by = review.decided_at = None
        review.comment = review.comment or ""
        self.session.add(review)
        record_change(
            self.session, author, "class-review", f"{class_id}:{stage.value}", old, ReviewState.SUBMITTED
        )
        await self.session.flush()
        self.school.forget_reviews(class_id)
        return Submitted.DONE

    async def _drop_lines(self, class_id: int, stage: Stage, kept: set[int], author: Author) -> None:
        """The lines of a returned submission go; a student no longer on the lists is logged as gone."""
        where = (StudentOutcomeRow.class_id == class_id, StudentOutcomeRow.stage == stage.value)
        old = await self.session.execute(
            select(StudentOutcomeRow.student_id, StudentOutcomeRow.status).where(*where)
        )
        for student_id, status in old.all():
            if student_id not in kept:
                key = f"{class_id}:{student_id}:{stage.value}"
                record_change(self.session, author, "student-outcome", key, status, None, "resubmitted")
        await self.session.execute(delete(StudentOutcomeRow).where(*where))

    async def decide(
        self, class_id: int, stage: Stage, state: ReviewState, author: Author, comment: str = ""
    ) -> bool:
        """Approves or returns submitted lists. Exactly one decision counts: the update finds the
        lists still submitted for one of two leaders pressing at once; False for the other. A closed
        year's lists do not change."""
        await self.school.require_open(class_id=class_id)
        result = await self.session.execute(
            update(ClassReviewRow)
            .where(
                ClassReviewRow.class_id == class_id,
                ClassReviewRow.stage == stage.value,
                ClassReviewRow.state == ReviewState.SUBMITTED.value,
            )
            .values(state=state.value, decided_by=author.staff_id, decided_at=author.at, comment=comment)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        record_change(
            self.session,
            author,
            "class-review",
            f"{class_id}:{stage.value}",
            ReviewState.SUBMITTED,
            state,
            comment,
        )
        await self.session.flush()
        self.school.forget_reviews(class_id)
        return True

    async def submitted(self) -> list[ClassReviewRow]:
        """Lists waiting for the leadership, oldest first."""
        return list(
            await self.session.scalars(
                select(ClassReviewRow)
                .where(ClassReviewRow.state == ReviewState.SUBMITTED.value)
                .order_by(ClassReviewRow.submitted_at)
            )
        )


def _line(row: StudentOutcomeRow, name: str) -> StudentLine:
    status = Outcome(row.status)
    decided = DECISION in (row.flags or {})
    return StudentLine(
        row.student_id,
        name,
        row.learning,
        row.conduct,
        row.absences,
        None if decided else status,
        tuple(row.retest_subjects or ()),
        row.award,
        flags=dict(row.flags or {}),
        decision=status if decided else None,
        summer=row.stage == Stage.SUMMER.value,
    )
