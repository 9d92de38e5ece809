"""The year-end lists: what the homeroom teachers submitted and the leadership approved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.year_end import Outcome, ReviewState, Stage
from storage.models import ClassReviewRow, ClassRow, StudentOutcomeRow


@dataclass(frozen=True)
class FinalOutcome:
    student_id: int
    class_id: int
    outcome: Outcome
    stage: Stage


class SqlYearEndStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
