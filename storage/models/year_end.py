"""The year-end review and the summer (migration 0007)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ClassReviewRow(Base):
    """A class's lists as its homeroom teacher submitted them, and the leadership's decision.
    ``stage``: year (after the last scores) or summer (after re-tests and conduct training);
    ``state``: submitted, approved or returned (sent back with ``comment``)."""

    __tablename__ = "class_review"
    __table_args__ = (UniqueConstraint("class_id", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    stage: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comment: Mapped[str] = mapped_column(String(500), default="")


class StudentOutcomeRow(Base):
    """One student's line in a class's lists for a stage, fixed when submitted: the results as they
    stood, the status (domain.year_end.Outcome), the re-test subjects, the award and the manual flags
    the homeroom teacher added ({flag: reason})."""

    __tablename__ = "student_outcome"
    __table_args__ = (UniqueConstraint("class_id", "student_id", "stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    learning: Mapped[str | None] = mapped_column(String(30))
    conduct: Mapped[str | None] = mapped_column(String(30))
    absences: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    retest_subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    award: Mapped[str | None] = mapped_column(String(60))
    flags: Mapped[dict] = mapped_column(JSON, default=dict)
