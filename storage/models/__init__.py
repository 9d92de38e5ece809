"""Tables. One row per fact; history is kept by dates (enrolments), never by overwriting.
Later features (scores, attendance, corrections, notices, audit) add tables that point here."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SchoolRow(Base):
    __tablename__ = "school"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(100), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)


class SchoolYearRow(Base):
    __tablename__ = "school_year"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(9), unique=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    semesters: Mapped[list[SemesterRow]] = relationship(order_by="SemesterRow.number", lazy="selectin")


class SemesterRow(Base):
    __tablename__ = "semester"
    __table_args__ = (UniqueConstraint("year_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    number: Mapped[int] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    midterm_start: Mapped[date] = mapped_column(Date)
    midterm_end: Mapped[date] = mapped_column(Date)
    final_start: Mapped[date] = mapped_column(Date)
    final_end: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)


class SubjectRow(Base):
    __tablename__ = "subject"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    periods_per_year: Mapped[int] = mapped_column(Integer)
    grades: Mapped[list[int]] = mapped_column(JSON)
    has_periodic_test: Mapped[bool] = mapped_column(Boolean, default=False)


class ClassRow(Base):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("year_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"))
    name: Mapped[str] = mapped_column(String(10))
    grade: Mapped[int] = mapped_column(Integer)


class StudentRow(Base):
    __tablename__ = "student"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(10))
    ethnicity: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[str] = mapped_column(String(20), default="studying")
    place_of_birth: Mapped[str] = mapped_column(String(200), default="", server_default="")  # nơi sinh, 0018
    register_number: Mapped[str] = mapped_column(String(30), default="", server_default="")  # số đăng bộ


class EnrolmentRow(Base):
    """A student in a class for a span of days (biến động sĩ số): ended, never overwritten."""

    __tablename__ = "enrolment"
    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), index=True)
    date_in: Mapped[date] = mapped_column(Date)
    reason_in: Mapped[str] = mapped_column(String(20))
    date_out: Mapped[date | None] = mapped_column(Date)
    reason_out: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")


class GuardianRow(Base):
    __tablename__ = "guardian"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(15), default="", index=True)
    # where notices and report cards go when the parent is linked on several channels: a channel's
    # name, "both", or None (the channel linked last) — migration 0008
    channels: Mapped[str | None] = mapped_column(String(10))


class GuardianLinkRow(Base):
    __tablename__ = "guardian_link"
    __table_args__ = (UniqueConstraint("guardian_id", "student_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("guardian.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    guardian: Mapped[GuardianRow] = relationship(lazy="joined")
    student: Mapped[StudentRow] = relationship()


class DepartmentRow(Base):
    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(15), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    roles: Mapped[list[StaffRoleRow]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    department: Mapped[DepartmentRow | None] = relationship()


class StaffRoleRow(Base):
    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("staff_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    role: Mapped[str] = mapped_column(String(20))


class HomeroomRow(Base):
    __tablename__ = "homeroom_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)


class TeachingRow(Base):
    __tablename__ = "teaching_assignment"
    __table_args__ = (UniqueConstraint("class_id", "subject_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)


class ImportLogRow(Base):
    """Who imported which file when, and what it changed."""

    __tablename__ = "import_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    summary: Mapped[dict] = mapped_column(JSON, default=dict)


class AccountRow(Base):
    """A chat account linked to a person (a staff member or a guardian, or a student) on one channel."""

    __tablename__ = "account"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id"), index=True)
    # a student's own account (0022): then neither of the two above
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InviteRow(Base):
    """A one-time code; only its keyed hash (HMAC-SHA-256) is kept. For a staff member, a guardian, or
    any parent of a student."""

    __tablename__ = "invite"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("guardian.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 0022: the code of ``student_id`` themself (a student account), not of a parent
    for_student: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class LinkAttemptRow(Base):
    __tablename__ = "link_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)


class DialogRow(Base):
    """Where a person is in a conversation with the bot; written in the same transaction as the update's
    business data, so a restart in the middle of a conversation loses nothing."""

    __tablename__ = "dialog"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    flow: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RefusalRow(Base):
    """Unauthorised attempts, kept for the leadership to see."""

    __tablename__ = "refusal"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ChangeRow(Base):
    """Every write of school data: who, when, from which account, old and new value, why.
    Append-only; the leadership's audit trail reads it."""

    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    channel: Mapped[str] = mapped_column(String(20), default="")
    account: Mapped[str] = mapped_column(String(64), default="")
    entity: Mapped[str] = mapped_column(String(30))  # "score", "absence", "conduct", ...
    entity_key: Mapped[str] = mapped_column(String(120), index=True)
    old_value: Mapped[str | None] = mapped_column(String(2000))
    new_value: Mapped[str | None] = mapped_column(String(2000))
    reason: Mapped[str] = mapped_column(String(500), default="")
    # The audit chain (storage/audit.py): the entry's place in the chain, sealed at commit, and
    # the hash of this entry together with the hash of the one before.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


# The tables of later features live in their own modules; these are imported here by their old name.
from storage.models import health, leave, web, webpush, weekly  # noqa: E402, F401
from storage.models.desk import AuditHeadRow, CorrectionEvidenceRow, CorrectionRow  # noqa: E402, F401
from storage.models.exports import ExportRow  # noqa: E402, F401
from storage.models.gradebook import (  # noqa: E402, F401
    AbsenceRow,
    AttendanceMonthRow,
    AttendanceTakenRow,
    BookWindowRow,
    ConductRow,
    HomeroomCommentRow,
    ScoreRow,
    SubjectCommentRow,
)
from storage.models.notices import JobRunRow, NoticeRow, OutboxRow  # noqa: E402, F401
from storage.models.papers import ReleasedCardRow, SignedPaperRow  # noqa: E402, F401
from storage.models.year_end import ClassReviewRow, StudentOutcomeRow  # noqa: E402, F401
