"""the homeroom teacher's comment on a student for a semester, printed on the report card

Revision ID: 0014
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "homeroom_comment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("student_id", sa.Integer(), sa.ForeignKey("student.id"), nullable=False),
        sa.Column("year_id", sa.Integer(), sa.ForeignKey("school_year.id"), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("entered_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("student_id", "year_id", "semester"),
    )
    op.create_index("ix_homeroom_comment_student_id", "homeroom_comment", ["student_id"])


def downgrade() -> None:
    op.drop_index("ix_homeroom_comment_student_id", table_name="homeroom_comment")
    op.drop_table("homeroom_comment")
