"""a subject comment per period (mid-term or end of term), a student's place of birth and register number

Revision ID: 0018
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIQUE = "uq_subject_comment_student_id"
TERM = ["student_id", "subject_id", "year_id", "semester"]


def upgrade() -> None:
    with op.batch_alter_table("subject_comment") as table:
        table.add_column(sa.Column("midterm", sa.Boolean(), nullable=False, server_default=sa.false()))
        table.drop_constraint(UNIQUE, type_="unique")
        table.create_unique_constraint(UNIQUE, [*TERM, "midterm"])
    with op.batch_alter_table("student") as table:
        table.add_column(
            sa.Column("place_of_birth", sa.String(length=200), nullable=False, server_default="")
        )
        table.add_column(
            sa.Column("register_number", sa.String(length=30), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("student") as table:
        table.drop_column("register_number")
        table.drop_column("place_of_birth")
    op.execute(sa.text("DELETE FROM subject_comment WHERE midterm"))
    with op.batch_alter_table("subject_comment") as table:
        table.drop_constraint(UNIQUE, type_="unique")
        table.create_unique_constraint(UNIQUE, TERM)
        table.drop_column("midterm")
