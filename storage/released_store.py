"""Report cards as approved: kept when the leadership approves a period's cards, read back by /ketqua
on every channel, compared with the book by the daily check that tells the homeroom teacher when the
released cards are out of date."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import NoticeRow, ReleasedCardRow


@dataclass(frozen=True)
class FrozenCard:
    student_id: int
    language: str
    text: str
    fingerprint: str


@dataclass(frozen=True)
class ReleasedPeriod:
    notice_id: int
    class_id: int
    period: str


class SqlReleasedCards:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def keep(self, notice_id: int, cards: list[FrozenCard]) -> None:
        self.session.add_all(
            ReleasedCardRow(
                notice_id=notice_id,
                student_id=card.student_id,
                language=card.language,
                text=card.text,
                fingerprint=card.fingerprint,
            )
            for card in cards
        )

    async def text(self, notice_id: int, student_id: int, language: str) -> str | None:
        return await self.session.scalar(
            select(ReleasedCardRow.text).where(
                ReleasedCardRow.notice_id == notice_id,
                ReleasedCardRow.student_id == student_id,
                ReleasedCardRow.language == language,
            )
        )

    async def fingerprints(self, notice_id: int, language: str) -> dict[int, str]:
        rows = await self.session.execute(
            select(ReleasedCardRow.student_id, ReleasedCardRow.fingerprint).where(
                ReleasedCardRow.notice_id == notice_id, ReleasedCardRow.language == language
            )
        )
        return dict(rows.all())

    async def latest_periods(self) -> list[ReleasedPeriod]:
        """The newest approved release of each class and period that has its cards kept."""
        rows = await self.session.execute(
            select(NoticeRow.id, NoticeRow.class_id, NoticeRow.period)
            .where(NoticeRow.id.in_(select(ReleasedCardRow.notice_id)))
            .order_by(NoticeRow.id)
        )
        latest = {(class_id, period): notice_id for notice_id, class_id, period in rows}
        return [
            ReleasedPeriod(notice_id, class_id, period) for (class_id, period), notice_id in latest.items()
        ]
