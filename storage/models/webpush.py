"""Web Push subscriptions (migration 0024): the browsers a web account asked to be notified on. The
endpoint is a capability URL (whoever knows it may post to that browser's push service) and the keys
encrypt what is sent: all three are secrets, never logged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

ENDPOINT_LENGTH = 1024


class PushSubscriptionRow(Base):
    __tablename__ = "push_subscription"
    id: Mapped[int] = mapped_column(primary_key=True)
    # an account's removal (``sodiem staff revoke``, a guardian removed) ends its subscriptions with it
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(ENDPOINT_LENGTH), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
