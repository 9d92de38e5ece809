"""Signed papers (migration 0011) and the report cards as the leadership approved them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class SignedPaperRow(Base):
    """A paper as the school's certificate signed it (docs/signing.md): the kind, class, year, period
    (and student, for one transcript), the signed bytes, the content's fingerprint, the certificate's
    holder, who signed and from where. A re-signed paper replaces the earlier one as ``current`` only
    after the signer confirmed; both rows stay."""

    __tablename__ = "signed_paper"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(20), default="")
    account: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(20))  # gradebook, reportcards, transcript
    class_name: Mapped[str] = mapped_column(String(20))
    year: Mapped[str] = mapped_column(String(9))
    period: Mapped[str] = mapped_column(String(10))
    student_code: Mapped[str] = mapped_column(String(20), default="")
    file_name: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64))
    certificate: Mapped[str] = mapped_column(String(200))
    current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)


class ReleasedCardRow(Base):
    """A report card as the leadership approved it (migration 0009): the text each language shows and
    the fingerprint of its values. /ketqua shows this, not the book as it is now."""

    __tablename__ = "released_card"
    __table_args__ = (UniqueConstraint("notice_id", "student_id", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"))
    language: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))


# Each feature keeps its tables in a module of its own; importing them here puts them on Base.metadata.
