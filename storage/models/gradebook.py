"""The gradebook's values: scores and marks, comments, conduct, attendance, and the book's entry
windows."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class ScoreRow(Base):
    """One value in the gradebook: a score (exact tenths as text, '8.5'), a mark (Đ, CĐ, T, H, C) or
    'v' for a test pending make-up. ``kind``: regular, periodic (original TT58), midterm, final."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("student_id", "subject_id", "year_id", "semester", "kind", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    semester: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer, default=1)
    value: Mapped[str] = mapped_column(String(5))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubjectCommentRow(Base):
    """A subject teacher's comment on a student for a semester's mid-term or end of term (``midterm``,
    migration 0018): the mid-term report card prints the mid-term one."""

    __tablename__ = "subject_comment"
    __table_args__ = (UniqueConstraint("student_id", "subject_id", "year_id", "semester", "midterm"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    semester: Mapped[int] = mapped_column(Integer)
    midterm: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    text: Mapped[str] = mapped_column(String(1000))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HomeroomCommentRow(Base):
    """The homeroom teacher's comment on a student for a semester (migration 0014), on the report card."""

    __tablename__ = "homeroom_comment"
    __table_args__ = (UniqueConstraint("student_id", "year_id", "semester"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    semester: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(1000))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConductRow(Base):
    """Conduct (TT22 rèn luyện, TT58 hạnh kiểm) per semester; semester 0 is a year level the homeroom
    teacher sets (TT58 override). Primary qualities and competencies use ``aspect``."""

    __tablename__ = "conduct"
    __table_args__ = (UniqueConstraint("student_id", "year_id", "semester", "aspect"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    semester: Mapped[int] = mapped_column(Integer)
    aspect: Mapped[str] = mapped_column(String(40), default="conduct")
    level: Mapped[str] = mapped_column(String(20))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AbsenceRow(Base):
    """A student absent on a day (session 0: the whole day; 1 morning, 2 afternoon): P or K."""

    __tablename__ = "absence"
    __table_args__ = (UniqueConstraint("student_id", "day", "session"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    session: Mapped[int] = mapped_column(Integer, default=0)
    mark: Mapped[str] = mapped_column(String(1))
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttendanceTakenRow(Base):
    """The class's attendance was taken that day and session (everyone present leaves no absence rows)."""

    __tablename__ = "attendance_taken"
    __table_args__ = (UniqueConstraint("class_id", "day", "session"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    day: Mapped[date] = mapped_column(Date)
    session: Mapped[int] = mapped_column(Integer, default=0)
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttendanceMonthRow(Base):
    """The homeroom teacher's statement that a month's attendance is complete (due by the 3rd)."""

    __tablename__ = "attendance_month"
    __table_args__ = (UniqueConstraint("class_id", "year", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BookWindowRow(Base):
    """The leadership's decision to open or lock entry for a scope (school, grade or class; a subject
    and a column kind, or all), for one semester, from a moment, until a moment or for ever."""

    __tablename__ = "book_window"
    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    semester: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10))  # open | locked
    grade: Mapped[int | None] = mapped_column(Integer)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"))
    kind: Mapped[str | None] = mapped_column(String(10))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
