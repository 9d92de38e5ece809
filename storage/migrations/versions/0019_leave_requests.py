"""leave requests: a parent's days off for their child and the homeroom teacher's decision

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "leave_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"], name="fk_leave_request_student_id_student"),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name="fk_leave_request_class_id_school_class"
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["guardian.id"], name="fk_leave_request_guardian_id_guardian"
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["staff.id"], name="fk_leave_request_decided_by_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_leave_request"),
    )
    op.create_index("ix_leave_request_student_id", "leave_request", ["student_id"])
    op.create_index("ix_leave_request_class_id", "leave_request", ["class_id"])
    op.create_index("ix_leave_request_status", "leave_request", ["status"])


def downgrade() -> None:
    op.drop_index("ix_leave_request_status", table_name="leave_request")
    op.drop_index("ix_leave_request_class_id", table_name="leave_request")
    op.drop_index("ix_leave_request_student_id", table_name="leave_request")
    op.drop_table("leave_request")
