"""The correction request as one use case (services/corrections.py), called as any front end would:
what the chat's buttons normally prevent is still refused here, and nothing is stored."""

import pytest
from sqlalchemy import delete, func, select

from domain.errors import DomainError, PermissionDenied
from services.corrections import ScoreChange, score_request, submit
from storage.changes import Author
from storage.models import CorrectionRow, ScoreRow, StaffRow
from storage.uow import UnitOfWork
from tests.bot.test_corrections import MIDTERM, saved_scores


async def midterm_change(uow: UnitOfWork, new: str, examiner: str = "") -> tuple[ScoreChange, int]:
    """GV01 asks for the first 6A student's Toán mid-term score (saved as 6) to become ``new``."""
    year = await uow.school.year_row()
    first = (await uow.roster.class_list("6A", year.name))[0]
    teacher = await uow.session.scalar(select(StaffRow.id).where(StaffRow.code == "GV01"))
    change = ScoreChange(
        (await uow.school.class_row("6A")).id,
        first.id,
        (await uow.school.subject_rows())["TOAN"].id,
        1,
        MIDTERM.kind,
        MIDTERM.position,
        "6",
        new,
        "Cộng nhầm điểm",
        examiner,
    )
    return change, teacher


async def requests(school) -> int:
    async with UnitOfWork(school.database, read_only=True) as uow:
        return await uow.session.scalar(select(func.count()).select_from(CorrectionRow))


async def test_a_mid_term_request_without_the_papers_photo_is_refused_and_nothing_is_stored(school):
    await saved_scores(school, MIDTERM, ["6", "8", "9"])
    async with UnitOfWork(school.database) as uow:
        change, teacher = await midterm_change(uow, "7", examiner="Cô Hoa")
        request = await score_request(uow, change, teacher, school.clock())
        author = Author(teacher, "telegram", "1", school.clock())
        with pytest.raises(PermissionDenied):
            await submit(uow, request, [], author, needs_paper=True)
        await uow.commit()
    assert await requests(school) == 0


async def test_a_second_request_for_a_waiting_value_names_the_first(school):
    await saved_scores(school, MIDTERM, ["6", "8", "9"])
    async with UnitOfWork(school.database) as uow:
        change, teacher = await midterm_change(uow, "7")
        author = Author(teacher, "telegram", "1", school.clock())
        first = await score_request(uow, change, teacher, school.clock())
        await submit(uow, first, [], author, needs_paper=False)
        with pytest.raises(DomainError) as waiting:
            await submit(uow, await score_request(uow, change, teacher, school.clock()), [], author, False)
        await uow.commit()
    assert (waiting.value.key, waiting.value.params) == ("correction.already_pending", {"id": first.id})
    assert await requests(school) == 1


async def test_a_value_taken_away_while_the_slip_was_composed_is_said_so(school):
    await saved_scores(school, MIDTERM, ["6", "8", "9"])
    async with UnitOfWork(school.database) as uow:
        change, teacher = await midterm_change(uow, "7")
        await uow.session.execute(delete(ScoreRow).where(ScoreRow.student_id == change.student_id))
        with pytest.raises(DomainError) as moved:
            await score_request(uow, change, teacher, school.clock())
    assert moved.value.key == "correction.value_moved"
