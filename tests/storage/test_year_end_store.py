"""The year-end lists in the database, on both back ends: written once per stage, replaced after a
return, decided once, and the final status preferring the approved summer line."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from domain.errors import DomainError
from domain.importing import Table
from domain.roster import import_roster
from domain.year_end import DECISION, Outcome, ReviewState, Stage, StudentLine
from storage.changes import Author
from storage.models import ClassRow
from storage.uow import UnitOfWork
from storage.year_end_store import Submitted
from tests.storage.helpers import HEADERS, ROWS, YEAR, set_up_school

AUTHOR = Author(None, "test", "", datetime(2026, 5, 25, 2, tzinfo=UTC))


async def small_class(database) -> tuple[int, list[int]]:
    await set_up_school(database)
    async with UnitOfWork(database) as uow:
        await import_roster(
            uow.roster, YEAR, Table(HEADERS, list(enumerate(ROWS, start=2))), date(2025, 10, 14)
        )
        class_id = await uow.session.scalar(select(ClassRow.id).where(ClassRow.name == "6A"))
        students = [s.id for s in await uow.roster.class_list("6A", YEAR)]
        await uow.commit()
    return class_id, students


def line(student_id: int, status: Outcome, **more) -> StudentLine:
    return StudentLine(student_id, "", "Đạt", "Tốt", 0, status, **more)


async def test_lists_are_written_replaced_after_a_return_and_decided_once(database):
    class_id, (first, second, third) = await small_class(database)
    async with UnitOfWork(database) as uow:
        lines = [
            line(first, Outcome.PROMOTED, flags={"note": "Lớp trưởng"}),
            line(second, Outcome.RETEST, retest_subjects=("Toán",)),
            line(third, None, decision=Outcome.RETAINED, flags={DECISION: "Nghỉ 50 buổi"}),
        ]
        assert await uow.year_end.submit(class_id, Stage.YEAR, lines, AUTHOR) is Submitted.DONE
        assert await uow.year_end.submit(class_id, Stage.YEAR, lines, AUTHOR) is Submitted.WAITING
        assert await uow.year_end.decide(class_id, Stage.YEAR, ReviewState.RETURNED, AUTHOR, "Xem lại em 3")
        assert not await uow.year_end.decide(class_id, Stage.YEAR, ReviewState.APPROVED, AUTHOR)
        await uow.commit()
    async with UnitOfWork(database) as uow:
        again = [line(first, Outcome.PROMOTED), line(second, Outcome.RETEST, retest_subjects=("Toán",))]
        again.append(line(third, Outcome.PROMOTED))
        assert await uow.year_end.submit(class_id, Stage.YEAR, again, AUTHOR) is Submitted.DONE
        assert await uow.year_end.decide(class_id, Stage.YEAR, ReviewState.APPROVED, AUTHOR)
        assert not await uow.year_end.decide(class_id, Stage.YEAR, ReviewState.RETURNED, AUTHOR, "muộn")
        await uow.commit()
    async with UnitOfWork(database) as uow:
        stored = {s.student_id: s for s in await uow.year_end.lines(class_id, Stage.YEAR)}
        assert len(stored) == 3 and stored[third].status is Outcome.PROMOTED and stored[first].flags == {}
        assert stored[second].retest_subjects == ("Toán",)
        assert await uow.year_end.submit(class_id, Stage.YEAR, again, AUTHOR) is Submitted.APPROVED
        await uow.year_end.submit(class_id, Stage.SUMMER, [line(second, Outcome.RETAINED)], AUTHOR)
        year_id = (await uow.school.year_row()).id
        assert (await uow.year_end.final_outcomes(year_id))[second].outcome is Outcome.RETEST
        await uow.year_end.decide(class_id, Stage.SUMMER, ReviewState.APPROVED, AUTHOR)
        final = await uow.year_end.final_outcomes(year_id)
        assert (final[second].outcome, final[second].stage) == (Outcome.RETAINED, Stage.SUMMER)
        assert await uow.year_end.states(class_id) == {
            Stage.YEAR: ReviewState.APPROVED,
            Stage.SUMMER: ReviewState.APPROVED,
        }


async def test_a_closed_year_s_lists_cannot_be_submitted_or_decided(database):
    class_id, (first, second, third) = await small_class(database)
    async with UnitOfWork(database) as uow:
        await uow.year_end.submit(class_id, Stage.YEAR, [line(first, Outcome.PROMOTED)], AUTHOR)
        assert await uow.year_end.year_fixed(class_id)  # sent: the year's values are fixed
        (await uow.school.year_row()).closed = True
        await uow.commit()
    async with UnitOfWork(database) as uow:
        with pytest.raises(DomainError) as refused:  # a stale Approve button
            await uow.year_end.decide(class_id, Stage.YEAR, ReviewState.APPROVED, AUTHOR)
        assert refused.value.key == "schoolyear.error.closed"
        with pytest.raises(DomainError):
            await uow.year_end.submit(class_id, Stage.SUMMER, [line(second, Outcome.RETAINED)], AUTHOR)
    async with UnitOfWork(database, read_only=True) as uow:
        assert await uow.year_end.states(class_id) == {Stage.YEAR: ReviewState.SUBMITTED}


async def test_the_approved_year_lines_with_a_status_name_who_has_a_summer(database):
    class_id, (first, second, third) = await small_class(database)
    lines = [
        line(first, Outcome.PROMOTED),
        line(second, Outcome.RETEST),
        line(third, Outcome.SUMMER_TRAINING),
    ]
    async with UnitOfWork(database) as uow:
        await uow.year_end.submit(class_id, Stage.YEAR, lines, AUTHOR)
        assert await uow.year_end.approved_year_lines(class_id, Outcome.RETEST) == []  # not approved yet
        await uow.year_end.decide(class_id, Stage.YEAR, ReviewState.APPROVED, AUTHOR)
        summer = await uow.year_end.approved_year_lines(class_id, Outcome.RETEST, Outcome.SUMMER_TRAINING)
        assert sorted(s.student_id for s in summer) == sorted([second, third])
