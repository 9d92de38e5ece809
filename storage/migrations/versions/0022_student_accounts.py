"""student accounts: an account linked to a student themself, and invite codes for a student's own use

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account") as table:
        table.add_column(sa.Column("student_id", sa.Integer(), nullable=True))
        table.create_foreign_key("fk_account_student_id_student", "student", ["student_id"], ["id"])
        table.create_index("ix_account_student_id", ["student_id"])
    with op.batch_alter_table("invite") as table:
        table.add_column(sa.Column("for_student", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # students' accounts and codes have no place in the older schema
    op.execute(sa.text("DELETE FROM account WHERE student_id IS NOT NULL"))
    op.execute(sa.text("DELETE FROM invite WHERE for_student"))
    with op.batch_alter_table("invite") as table:
        table.drop_column("for_student")
    with op.batch_alter_table("account") as table:
        table.drop_index("ix_account_student_id")
        table.drop_constraint("fk_account_student_id_student", type_="foreignkey")
        table.drop_column("student_id")
