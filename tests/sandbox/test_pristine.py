"""The sandbox's pristine school is taken back to a semester under way (the last columns, the
end-of-term column, conduct and the coming days' absences taken away), and every value taken away is
logged: ``sodiem audit verify`` finds its log and its values in agreement, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from sandbox.school import semester_under_way
from storage.audit import verify
from storage.audit_values import compare_values
from storage.models import AbsenceRow, ConductRow, ScoreRow
from storage.uow import UnitOfWork
from tests.conftest import copy_database
from tests.exports.conftest import fill_class


async def counts(database) -> tuple[int, int, int]:
    async with database.session(read_only=True) as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(table))
                for table in (ScoreRow, ConductRow, AbsenceRow)
            ]
        )


async def test_the_semester_under_way_is_logged_so_the_audit_passes(database, demo_template_url):
    await copy_database(demo_template_url, database)
    await fill_class(database, "6A", semesters=(1,))
    async with database.session(read_only=True) as session:
        first_absence = await session.scalar(select(func.min(AbsenceRow.day)))
    before = await counts(database)
    async with UnitOfWork(database) as uow:
        await semester_under_way(uow.session, first_absence + timedelta(days=1))
        await uow.commit()
    after = await counts(database)
    assert all(left < right for left, right in zip(after, before, strict=True))  # each kind taken away
    async with database.session(read_only=True) as session:
        report = await verify(session)
        mismatches = await compare_values(session, report.logged)
    assert report.first_break is None and mismatches == []
