"""weekly news templates, read receipts of notices and report cards, the one reminder to read

Revision ID: 0020
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "weekly_template",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("parts", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "author_id", sa.Integer(), sa.ForeignKey("staff.id", name="fk_weekly_template_author_id_staff")
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "decided_by", sa.Integer(), sa.ForeignKey("staff.id", name="fk_weekly_template_decided_by_staff")
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_weekly_template_status", "weekly_template", ["status"])
    op.create_table(
        "read_receipt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "notice_id",
            sa.Integer(),
            sa.ForeignKey("notice.id", name="fk_read_receipt_notice_id_notice"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("notice_id", "channel", "account", name="uq_read_receipt_notice_id"),
    )
    op.create_index("ix_read_receipt_notice_id", "read_receipt", ["notice_id"])
    op.create_table(
        "read_reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "notice_id",
            sa.Integer(),
            sa.ForeignKey("notice.id", name="fk_read_reminder_notice_id_notice"),
            nullable=False,
        ),
        sa.Column("sent_by", sa.Integer(), sa.ForeignKey("staff.id", name="fk_read_reminder_sent_by_staff")),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.UniqueConstraint("notice_id", name="uq_read_reminder_notice_id"),
    )


def downgrade() -> None:
    op.drop_table("read_reminder")
    op.drop_index("ix_read_receipt_notice_id", table_name="read_receipt")
    op.drop_table("read_receipt")
    op.drop_index("ix_weekly_template_status", table_name="weekly_template")
    op.drop_table("weekly_template")
