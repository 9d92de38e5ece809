"""the school nurse: periodic health checks, and a notice for one child (health notices)

Revision ID: 0021
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "health_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("height_tenths", sa.Integer(), nullable=False),
        sa.Column("weight_tenths", sa.Integer(), nullable=False),
        sa.Column("eye_left", sa.String(length=5), nullable=False),
        sa.Column("eye_right", sa.String(length=5), nullable=False),
        sa.Column("notes", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["student_id"], ["student.id"], name="fk_health_check_student_id_student"),
        sa.ForeignKeyConstraint(["year_id"], ["school_year.id"], name="fk_health_check_year_id_school_year"),
        sa.ForeignKeyConstraint(["recorded_by"], ["staff.id"], name="fk_health_check_recorded_by_staff"),
        sa.PrimaryKeyConstraint("id", name="pk_health_check"),
        sa.UniqueConstraint("student_id", "checked_on", name="uq_health_check_student_id"),
    )
    op.create_index("ix_health_check_student_id", "health_check", ["student_id"])
    with op.batch_alter_table("notice") as table:
        table.add_column(sa.Column("student_id", sa.Integer(), nullable=True))
        table.create_foreign_key("fk_notice_student_id_student", "student", ["student_id"], ["id"])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM outbox WHERE notice_id IN (SELECT id FROM notice WHERE kind = 'health')"))
    op.execute(sa.text("DELETE FROM notice WHERE kind = 'health'"))
    with op.batch_alter_table("notice") as table:
        table.drop_constraint("fk_notice_student_id_student", type_="foreignkey")
        table.drop_column("student_id")
    op.drop_index("ix_health_check_student_id", table_name="health_check")
    op.drop_table("health_check")
