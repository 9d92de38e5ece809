"""the year-end review and the summer

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "class_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_class_review_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["staff.id"], name=op.f("fk_class_review_submitted_by_staff")
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["staff.id"], name=op.f("fk_class_review_decided_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_review")),
        sa.UniqueConstraint("class_id", "stage", name=op.f("uq_class_review_class_id")),
    )
    op.create_table(
        "student_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("learning", sa.String(length=30), nullable=True),
        sa.Column("conduct", sa.String(length=30), nullable=True),
        sa.Column("absences", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("retest_subjects", sa.JSON(), nullable=False),
        sa.Column("award", sa.String(length=60), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_student_outcome_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_student_outcome_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_outcome")),
        sa.UniqueConstraint("class_id", "student_id", "stage", name=op.f("uq_student_outcome_class_id")),
    )
    op.create_index(op.f("ix_student_outcome_class_id"), "student_outcome", ["class_id"])
    op.create_index(op.f("ix_student_outcome_student_id"), "student_outcome", ["student_id"])


def downgrade() -> None:
    op.drop_table("student_outcome")
    op.drop_table("class_review")
