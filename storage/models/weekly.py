"""Weekly news templates (approved once by the leadership) and read receipts of notices and report
cards (migration 0020_weekly_news)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class WeeklyTemplateRow(Base):
    """A version of the weekly news template: the greeting and the parts it contains. Parents receive the
    newest approved version; a changed template is a new pending version."""

    __tablename__ = "weekly_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(1000))
    parts: Mapped[str] = mapped_column(String(80))  # "absences,scores,comments,notices"
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending | approved | rejected
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReadReceiptRow(Base):
    """A parent's account said it has read a notice or a report card (the "Đã xem" button)."""

    __tablename__ = "read_receipt"
    __table_args__ = (UniqueConstraint("notice_id", "channel", "account"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(String(64))
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReadReminderRow(Base):
    """The one reminder sent for a notice to the parents who had not read it."""

    __tablename__ = "read_reminder"
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), unique=True)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    count: Mapped[int] = mapped_column(default=0)
