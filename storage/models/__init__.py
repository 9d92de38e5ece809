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
    LargeBinary,
    MetaData,
    String,
    Text,
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


# --- The vice-principal's desk: corrections, locks, the audit chain (migration 0004) ---------------


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


# --- Exports: the record of what was exported (migration 0005) -------------------------------------


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


# --- Parents, notices, the outbox, the scheduler (migration 0006) ----------------------------------

from sqlalchemy import LargeBinary  # noqa: E402  (kept in this section so that merges stay additive)


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


# --- The year-end review and the summer (migration 0007) -------------------------------------------


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


# --- Signed papers (migration 0011) -----------------------------------------------------------------


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
from storage.models import health, leave, web, webpush, weekly  # noqa: E402, F401
