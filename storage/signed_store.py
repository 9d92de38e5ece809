"""The signed papers: the current one of a kind, class, year, period (and student), and keeping a newly
signed one. Signing is recorded in the audit trail; a re-signed paper becomes current and the earlier
one stays, no longer current."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.changes import Author, record_change
from storage.models import NoticeRow, SignedPaperRow, StaffRow


@dataclass(frozen=True)
class PaperKey:
    kind: str
    class_name: str
    year: str
    period: str
    student_code: str = ""

    def audit_key(self) -> str:
        return ":".join((self.kind, self.class_name, self.year, self.period, self.student_code))


class SqlSignedStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _where(self, key: PaperKey):
        return (
            SignedPaperRow.kind == key.kind,
            SignedPaperRow.class_name == key.class_name,
            SignedPaperRow.year == key.year,
            SignedPaperRow.period == key.period,
            SignedPaperRow.student_code == key.student_code,
        )

    async def current(self, key: PaperKey) -> SignedPaperRow | None:
        query = select(SignedPaperRow).where(*self._where(key), SignedPaperRow.current.is_(True))
        return await self.session.scalar(query.order_by(SignedPaperRow.id.desc()).limit(1))

    async def history(self, key: PaperKey) -> list[SignedPaperRow]:
        """Every signing of the paper, the first first."""
        return list(
            await self.session.scalars(select(SignedPaperRow).where(*self._where(key)).order_by("id"))
        )

    async def keep(
        self,
        author: Author,
        key: PaperKey,
        file_name: str,
        data: bytes,
        fingerprint: str,
        certificate: str,
        reason: str = "",
    ) -> SignedPaperRow:
        """The newly signed paper becomes the current one; an earlier current one is kept, not current."""
        earlier = await self.current(key)
        await self.session.execute(
            update(SignedPaperRow)
            .where(*self._where(key), SignedPaperRow.current.is_(True))
            .values(current=False)
        )
        row = SignedPaperRow(
            at=author.at,
            staff_id=author.staff_id,
            channel=author.channel,
            account=author.account,
            file_name=file_name,
            data=data,
            fingerprint=fingerprint,
            certificate=certificate,
            current=True,
            **key.__dict__,
        )
        self.session.add(row)
        old = f"{earlier.fingerprint} {earlier.certificate}" if earlier else None
        new = f"{fingerprint} {certificate}"
        record_change(self.session, author, "signed_paper", key.audit_key(), old, new, reason)
        await self.session.flush()
        return row

    async def signed_at(self, year: str) -> dict[tuple[str, str, str], object]:
        """When each paper of the year was last signed, by (kind, class, period); a class's transcripts
        count as signed once one of them is."""
        query = select(SignedPaperRow).where(SignedPaperRow.year == year, SignedPaperRow.current.is_(True))
        return {(row.kind, row.class_name, row.period): row.at for row in await self.session.scalars(query)}

    async def approved_report_cards(self, class_ids: list[int]) -> list[tuple[int, str]]:
        """(class id, period) of the report cards the leadership approved, for these classes."""
        query = select(NoticeRow.class_id, NoticeRow.period).where(
            NoticeRow.kind == "report_card", NoticeRow.status == "approved", NoticeRow.class_id.in_(class_ids)
        )
        return sorted(set(await self.session.execute(query)))

    async def vice_principal(self, code: str) -> StaffRow | None:
        """The active vice-principal with this staff code, if there is one."""
        row = await self.session.scalar(
            select(StaffRow).where(StaffRow.code == code, StaffRow.active.is_(True))
        )
        return row if row is not None and "vice-principal" in {r.role for r in row.roles} else None
