"""The school nurse's records (issue 22): one periodic health check per student and day. Values are
kept in tenths (145,5 cm → 1455) so that SQLite and PostgreSQL store the same exact numbers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class HealthCheckRow(Base):
    __tablename__ = "health_check"
    __table_args__ = (UniqueConstraint("student_id", "checked_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    checked_on: Mapped[date] = mapped_column(Date)
    height_tenths: Mapped[int] = mapped_column(Integer)  # centimetres × 10
    weight_tenths: Mapped[int] = mapped_column(Integer)  # kilograms × 10
    eye_left: Mapped[str] = mapped_column(String(5))
    eye_right: Mapped[str] = mapped_column(String(5))
    notes: Mapped[str] = mapped_column(String(500), default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
