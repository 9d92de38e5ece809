"""The web chat's sessions (storage/models/web.py): found by the hash of the cookie's token, listed and
ended per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import as_utc
from storage.models import AccountRow
from storage.models.web import WebSessionRow

WEB = "web"


@dataclass(frozen=True)
class WebSession:
    id: int
    account_id: int
    account: str  # the web account's external id: the web chat's user and chat id
    device: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    language: str  # the account's: the one the bot answers in, chosen at sign-in or later in the menu


def _session(row: WebSessionRow, external_id: str, language: str) -> WebSession:
    return WebSession(
        row.id,
        row.account_id,
        external_id,
        row.device,
        as_utc(row.created_at),
        as_utc(row.last_seen_at),
        as_utc(row.expires_at),
        language,
    )


class SqlWebSessions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def account_id(self, external_id: str) -> int | None:
        return await self.session.scalar(
            select(AccountRow.id).where(AccountRow.channel == WEB, AccountRow.external_id == external_id)
        )

    async def add(
        self, account_id: int, token_hash: str, device: str, now: datetime, expires_at: datetime
    ) -> None:
        self.session.add(
            WebSessionRow(
                token_hash=token_hash,
                account_id=account_id,
                device=device[:120],
                created_at=now,
                last_seen_at=now,
                expires_at=expires_at,
            )
        )
        await self.session.flush()

    async def find(self, token_hash: str, now: datetime) -> WebSession | None:
        """The live session with this token whose account is still linked to someone (else None): an
        account deleted or unlinked (a revoked staff member, a removed guardian) signs it out."""
        found = (
            await self.session.execute(
                select(WebSessionRow, AccountRow.external_id, AccountRow.language)
                .join(AccountRow, AccountRow.id == WebSessionRow.account_id)
                .where(
                    WebSessionRow.token_hash == token_hash,
                    AccountRow.staff_id.is_not(None) | AccountRow.guardian_id.is_not(None),
                )
            )
        ).first()
        if found is None or as_utc(found[0].expires_at) <= now:
            return None
        return _session(*found)

    async def touch(self, session_id: int, now: datetime) -> None:
        row = await self.session.get(WebSessionRow, session_id)
        if row is not None:
            row.last_seen_at = now

    async def of_person(self, staff_id: int | None, guardian_id: int | None) -> list[WebSession]:
        """The person's sessions on every web account of theirs, the latest seen first."""
        rows = await self.session.execute(
            select(WebSessionRow, AccountRow.external_id, AccountRow.language)
            .join(AccountRow, AccountRow.id == WebSessionRow.account_id)
            .where(AccountRow.channel == WEB, _of(staff_id, guardian_id))
            .order_by(WebSessionRow.last_seen_at.desc(), WebSessionRow.id.desc())
        )
        return [_session(*row) for row in rows]

    async def end(self, session_ids: list[int]) -> int:
        if not session_ids:
            return 0
        done = await self.session.execute(delete(WebSessionRow).where(WebSessionRow.id.in_(session_ids)))
        return done.rowcount


def _of(staff_id: int | None, guardian_id: int | None):
    if staff_id is not None and guardian_id is not None:
        return (AccountRow.staff_id == staff_id) | (AccountRow.guardian_id == guardian_id)
    if staff_id is not None:
        return AccountRow.staff_id == staff_id
    return AccountRow.guardian_id == guardian_id
