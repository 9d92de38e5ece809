"""The vice-principal's desk: correction requests with their evidence, and the audit chain's head
(migration 0004)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class AuditHeadRow(Base):
    """The end of the audit chain: its last sequence number and hash (one row). Appending locks it,
    so entries are chained one transaction at a time; verifying compares the chain's end with it.
    ``key_check`` tells which school key sealed the chain; ``resealed_from`` is the head of the plain
    SHA-256 chain that the key re-sealed once."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default="")
    key_check: Mapped[str | None] = mapped_column(String(64))  # which key sealed the chain (0009)
    resealed_from: Mapped[str | None] = mapped_column(String(80))  # "SEQ:HASH" of the plain chain


class CorrectionRow(Base):
    """A request to correct one saved value (the "Phiếu ghi nhận việc chỉnh điểm") and its decision.
    ``target``: score (a score or mark of a column) or absence (a mark of a submitted month)."""

    __tablename__ = "correction"
    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    semester: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"))
    target: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    kind: Mapped[str | None] = mapped_column(String(10))
    position: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[date | None] = mapped_column(Date)
    session: Mapped[int | None] = mapped_column(Integer)
    old_value: Mapped[str | None] = mapped_column(String(10))
    new_value: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(500))
    examiner: Mapped[str] = mapped_column(String(100), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(String(500), default="")


class CorrectionEvidenceRow(Base):
    """A photo attached to a correction request, downloaded and kept with it."""

    __tablename__ = "correction_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("correction.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mime_type: Mapped[str] = mapped_column(String(50))
    telegram_file_id: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
