"""The record of what was exported (migration 0005)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ExportRow(Base):
    """One export: who made it, when, from where, what (kind, class or "school", period, file name) and the
    fingerprint of the data it holds. Append-only."""

    __tablename__ = "export_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(20), default="")
    account: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(20))  # dbf, gradebook, reportcards, transcript, summary
    scope: Mapped[str] = mapped_column(String(20))  # class name, or "school"
    period: Mapped[str] = mapped_column(String(10), default="")
    file_name: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
