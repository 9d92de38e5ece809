"""Parents' and staff notices, the outbox, the scheduler's runs (migration 0006)."""

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class NoticeRow(Base):
    """A text for parents and/or staff that a vice-principal approves before anyone receives it.
    ``kind``: school, class, or report_card (a class's report cards for ``period``, e.g. '1-mid');
    ``scope``: class, grade or school; ``audience``: parents, staff or both."""

    __tablename__ = "notice"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    scope: Mapped[str] = mapped_column(String(10))
    audience: Mapped[str] = mapped_column(String(10))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"), index=True)
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"))  # one child's (health)
    grade: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(4000))
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending | approved | rejected
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OutboxRow(Base):
    """One message for one person on one channel. ``key`` makes enqueueing idempotent; ``status``:
    pending, sending (claimed: a crash leaves it so), sent, failed, blocked, uncertain (it may have
    arrived: never sent again)."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notice.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(64))
    person: Mapped[str] = mapped_column(String(120), default="")  # the name in delivery reports
    text: Mapped[str] = mapped_column(String(4096))
    # a Zalo photo's name is the unguessable part of its URL (storage/outbox_store.py: image)
    attachment_name: Mapped[str | None] = mapped_column(String(200), index=True)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobRunRow(Base):
    """A scheduled task done for a day (and a key within it): the scheduler never does it twice."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("task", "day", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    key: Mapped[str] = mapped_column(String(120), default="")
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
