"""gradebook entries, attendance, windows, change log

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("mark", sa.String(length=1), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_absence_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(["entered_by"], ["staff.id"], name=op.f("fk_absence_entered_by_staff")),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"], name=op.f("fk_absence_student_id_student")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
        sa.UniqueConstraint("student_id", "day", "session", name=op.f("uq_absence_student_id")),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absence_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_absence_student_id"), ["student_id"], unique=False)

    op.create_table(
        "attendance_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_attendance_month_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["staff.id"], name=op.f("fk_attendance_month_submitted_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_month")),
        sa.UniqueConstraint("class_id", "year", "month", name=op.f("uq_attendance_month_class_id")),
    )
    op.create_table(
        "attendance_taken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_attendance_taken_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(["taken_by"], ["staff.id"], name=op.f("fk_attendance_taken_taken_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_taken")),
        sa.UniqueConstraint("class_id", "day", "session", name=op.f("uq_attendance_taken_class_id")),
    )
    op.create_table(
        "book_window",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_book_window_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["staff.id"], name=op.f("fk_book_window_decided_by_staff")),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_book_window_subject_id_subject")
        ),
        sa.ForeignKeyConstraint(
            ["year_id"], ["school_year.id"], name=op.f("fk_book_window_year_id_school_year")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_window")),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_key", sa.String(length=120), nullable=False),
        sa.Column("old_value", sa.String(length=2000), nullable=True),
        sa.Column("new_value", sa.String(length=2000), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_change_log_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_entity_key"), ["entity_key"], unique=False)

    op.create_table(
        "conduct",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("aspect", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entered_by"], ["staff.id"], name=op.f("fk_conduct_entered_by_staff")),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"], name=op.f("fk_conduct_student_id_student")),
        sa.ForeignKeyConstraint(["year_id"], ["school_year.id"], name=op.f("fk_conduct_year_id_school_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conduct")),
        sa.UniqueConstraint(
            "student_id", "year_id", "semester", "aspect", name=op.f("uq_conduct_student_id")
        ),
    )
    with op.batch_alter_table("conduct", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conduct_student_id"), ["student_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=5), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_score_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(["entered_by"], ["staff.id"], name=op.f("fk_score_entered_by_staff")),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"], name=op.f("fk_score_student_id_student")),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"], name=op.f("fk_score_subject_id_subject")),
        sa.ForeignKeyConstraint(["year_id"], ["school_year.id"], name=op.f("fk_score_year_id_school_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score")),
        sa.UniqueConstraint(
            "student_id",
            "subject_id",
            "year_id",
            "semester",
            "kind",
            "position",
            name=op.f("uq_score_student_id"),
        ),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_class_id"), ["class_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_student_id"), ["student_id"], unique=False)

    op.create_table(
        "subject_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("entered_by", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by"], ["staff.id"], name=op.f("fk_subject_comment_entered_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_subject_comment_student_id_student")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_subject_comment_subject_id_subject")
        ),
        sa.ForeignKeyConstraint(
            ["year_id"], ["school_year.id"], name=op.f("fk_subject_comment_year_id_school_year")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_comment")),
        sa.UniqueConstraint(
            "student_id", "subject_id", "year_id", "semester", name=op.f("uq_subject_comment_student_id")
        ),
    )
    with op.batch_alter_table("subject_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subject_comment_student_id"), ["student_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subject_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_comment_student_id"))

    op.drop_table("subject_comment")
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_student_id"))
        batch_op.drop_index(batch_op.f("ix_score_class_id"))

    op.drop_table("score")
    with op.batch_alter_table("conduct", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conduct_student_id"))

    op.drop_table("conduct")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_entity_key"))

    op.drop_table("change_log")
    op.drop_table("book_window")
    op.drop_table("attendance_taken")
    op.drop_table("attendance_month")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_student_id"))
        batch_op.drop_index(batch_op.f("ix_absence_class_id"))

    op.drop_table("absence")
