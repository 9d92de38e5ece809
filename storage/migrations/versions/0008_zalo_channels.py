"""parents' choice of channel; report-card images served by their outbox row's name

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guardian") as batch:
        batch.add_column(sa.Column("channels", sa.String(length=10), nullable=True))
    op.create_index("ix_outbox_attachment_name", "outbox", ["attachment_name"])


def downgrade() -> None:
    op.drop_index("ix_outbox_attachment_name", table_name="outbox")
    with op.batch_alter_table("guardian") as batch:
        batch.drop_column("channels")
