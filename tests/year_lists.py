"""Approved year-end lists, written straight into the tables (the /xetlenlop conversation is another
branch's work): every class's students with a status, promoted unless said otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.year_end import Outcome, ReviewState, Stage
from storage.models import ClassReviewRow, StudentOutcomeRow
from storage.uow import UnitOfWork

NOW = datetime(2026, 6, 5, 9, 0, tzinfo=UTC)


async def approve_lists(
    database,
    year: str,
    outcomes: dict[str, Outcome] | None = None,
    summer: dict[str, Outcome] | None = None,
    unapproved: frozenset[str] = frozenset(),
    skip: frozenset[str] = frozenset(),
) -> None:
    """``outcomes`` and ``summer`` by student code; classes named in ``unapproved`` stay submitted, those
    in ``skip`` get nothing (their lists went through /xetlenlop)."""
    outcomes, summer = outcomes or {}, summer or {}
    async with UnitOfWork(database) as uow:
        for class_row in (await uow.school.class_rows(year)).values():
            if class_row.name in skip:
                continue
            state = ReviewState.SUBMITTED if class_row.name in unapproved else ReviewState.APPROVED
            students = await uow.roster.class_list(class_row.name, year)
            _review(uow, class_row.id, Stage.YEAR, state)
            for student in students:
                status = outcomes.get(student.code, Outcome.PROMOTED)
                _outcome(uow, class_row.id, student.id, Stage.YEAR, status)
            in_summer = [s for s in students if s.code in summer]
            if in_summer:
                _review(uow, class_row.id, Stage.SUMMER, state)
                for student in in_summer:
                    _outcome(uow, class_row.id, student.id, Stage.SUMMER, summer[student.code])
        await uow.commit()


def _review(uow, class_id: int, stage: Stage, state: ReviewState) -> None:
    uow.session.add(
        ClassReviewRow(class_id=class_id, stage=stage.value, state=state.value, submitted_at=NOW, comment="")
    )


def _outcome(uow, class_id: int, student_id: int, stage: Stage, status: Outcome) -> None:
    uow.session.add(
        StudentOutcomeRow(
            class_id=class_id,
            student_id=student_id,
            stage=stage.value,
            status=status.value,
            absences=0,
            retest_subjects=[],
            flags={},
        )
    )


async def set_state(database, year: str, class_name: str, state: ReviewState) -> None:
    from sqlalchemy import update

    async with UnitOfWork(database) as uow:
        class_row = await uow.school.class_row(class_name, year)
        await uow.session.execute(
            update(ClassReviewRow).where(ClassReviewRow.class_id == class_row.id).values(state=state.value)
        )
        await uow.commit()
