"""What waits for a signature, on both databases: nothing during semester I; its class books once it has
ended; every book, the year's book and each class's học bạ once the year has; approved report cards
whenever approved; a signed paper comes last, marked, and a re-signed one keeps the earlier row."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.report_card import Period
from exports.service import Exported
from exports.signing_queue import waiting_papers
from storage.changes import Author
from storage.models import NoticeRow
from storage.signed_store import PaperKey
from storage.uow import UnitOfWork
from tests.storage.helpers import YEAR, set_up_school

AUTHOR = Author(None, "test", "", datetime(2026, 1, 20, 3, tzinfo=UTC))


def listed(papers) -> list[tuple[str, str, str, bool]]:
    return [(p.kind, p.class_name, p.period, p.signed_at is not None) for p in papers]


async def test_what_waits_follows_the_calendar_approvals_and_signatures(database):
    await set_up_school(database)
    async with UnitOfWork(database) as uow:
        assert await waiting_papers(uow, date(2025, 12, 1)) == []
        six_b = (await uow.school.class_row("6B")).id
        for status, period in (("approved", Period.MIDTERM_1), ("pending", Period.SEMESTER_1)):
            uow.session.add(
                NoticeRow(kind="report_card", scope="class", audience="parents", class_id=six_b,
                          period=period.value, text="", status=status, created_at=AUTHOR.at)
            )  # fmt: skip
        await uow.commit()
    async with UnitOfWork(database) as uow:
        assert listed(await waiting_papers(uow, date(2026, 1, 20))) == [
            ("gradebook", "6A", "1", False),
            ("gradebook", "6B", "1", False),
            ("reportcards", "6B", "mid1", False),
        ]
        key = PaperKey("gradebook", "6A", YEAR, "1")
        drawn = Exported("gradebook", "6A", "1", "6A.pdf", b"%PDF", "AB12-CD34")
        for data in (b"first", b"second"):
            await uow.signed.keep(AUTHOR, key, drawn.file_name, data, drawn.fingerprint, "Nguyễn Văn Hiệu")
        await uow.commit()
    async with UnitOfWork(database) as uow:
        year_end = listed(await waiting_papers(uow, date(2026, 6, 1)))
        history = await uow.signed.history(key)
    assert year_end[-1] == ("gradebook", "6A", "1", True)
    assert ("gradebook", "6B", "year", False) in year_end and ("transcript", "6A", "year", False) in year_end
    assert [(row.data, row.current) for row in history] == [(b"first", False), (b"second", True)]
