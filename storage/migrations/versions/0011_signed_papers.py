"""signed papers (ký số)

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signed_paper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("class_name", sa.String(length=20), nullable=False),
        sa.Column("year", sa.String(length=9), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("student_code", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("certificate", sa.String(length=200), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_signed_paper_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_paper")),
    )
    op.create_index("ix_signed_paper_current", "signed_paper", ["current"])


def downgrade() -> None:
    op.drop_index("ix_signed_paper_current", table_name="signed_paper")
    op.drop_table("signed_paper")
