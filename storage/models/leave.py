"""Leave requests (migration 0019): a parent's request for days off for their child, and the homeroom
teacher's decision. See docs/families.md."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class LeaveRequestRow(Base):
    """One request: the days (``first_day`` to ``last_day``, session 0 the whole day, 1 morning,
    2 afternoon), the reason, whether it came after the cut-off (``late``), and the decision. ``status``
    goes from pending to accepted or declined once, by a conditional update. ``channel`` and
    ``account`` are where the parent asked: the decision is told there."""

    __tablename__ = "leave_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardian.id"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    session: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(String(300))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
