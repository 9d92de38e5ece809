"""Web Push subscriptions: one row per browser (its endpoint), owned by one web account."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.webpush import PushSubscriptionRow


class SqlPushSubscriptions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_account(self, account_id: int) -> Sequence[PushSubscriptionRow]:
        query = select(PushSubscriptionRow).where(PushSubscriptionRow.account_id == account_id)
        return (await self.session.scalars(query.order_by(PushSubscriptionRow.id))).all()

    async def save(self, account_id: int, endpoint: str, p256dh: str, auth: str, now: datetime) -> None:
        """The browser's subscription for this account. A browser subscribes once per profile, so an
        endpoint already known moves to the account that signed in on it last, with its new keys."""
        row = await self.session.scalar(
            select(PushSubscriptionRow).where(PushSubscriptionRow.endpoint == endpoint)
        )
        if row is None:
            row = PushSubscriptionRow(endpoint=endpoint)
            self.session.add(row)
        if row.account_id != account_id or row.p256dh != p256dh or row.auth != auth:
            row.created_at, row.last_success_at, row.last_failure_at = now, None, None
        row.account_id, row.p256dh, row.auth = account_id, p256dh, auth
        await self.session.flush()

    async def keep_newest(self, account_id: int, count: int) -> int:
        """Forgets all but the ``count`` newest subscriptions of the account; answers how many went."""
        rows = await self.of_account(account_id)
        oldest = sorted(rows, key=lambda row: (row.created_at, row.id))[: max(len(rows) - count, 0)]
        await self.remove_ids([row.id for row in oldest])
        return len(oldest)

    async def remove(self, account_id: int, endpoint: str) -> bool:
        done = await self.session.execute(
            delete(PushSubscriptionRow).where(
                PushSubscriptionRow.account_id == account_id, PushSubscriptionRow.endpoint == endpoint
            )
        )
        return done.rowcount > 0

    async def remove_ids(self, ids: Sequence[int]) -> None:
        if ids:
            await self.session.execute(delete(PushSubscriptionRow).where(PushSubscriptionRow.id.in_(ids)))

    async def remove_all(self) -> int:
        """Every subscription (the key pair was replaced: none of them can be pushed to any more)."""
        return (await self.session.execute(delete(PushSubscriptionRow))).rowcount

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(PushSubscriptionRow)) or 0

    async def mark(self, succeeded: Sequence[int], failed: Sequence[int], now: datetime) -> None:
        for ids, column in ((succeeded, "last_success_at"), (failed, "last_failure_at")):
            if ids:
                await self.session.execute(
                    update(PushSubscriptionRow).where(PushSubscriptionRow.id.in_(ids)).values({column: now})
                )
