"""corrections, locks, the audit chain (the vice-principal's desk)

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("change_log") as table:
        table.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        table.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        table.create_unique_constraint(op.f("uq_change_log_seq"), ["seq"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    _seal_existing_entries()
    op.create_table(
        "correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year_id", sa.Integer(), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("session", sa.Integer(), nullable=True),
        sa.Column("old_value", sa.String(length=10), nullable=True),
        sa.Column("new_value", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("examiner", sa.String(length=100), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["year_id"], ["school_year.id"], name=op.f("fk_correction_year_id_school_year")
        ),
        sa.ForeignKeyConstraint(
            ["class_id"], ["school_class.id"], name=op.f("fk_correction_class_id_school_class")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_correction_student_id_student")
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subject.id"], name=op.f("fk_correction_subject_id_subject")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["staff.id"], name=op.f("fk_correction_requested_by_staff")
        ),
        sa.ForeignKeyConstraint(["decided_by"], ["staff.id"], name=op.f("fk_correction_decided_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction")),
    )
    op.create_index(op.f("ix_correction_status"), "correction", ["status"])
    op.create_table(
        "correction_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mime_type", sa.String(length=50), nullable=False),
        sa.Column("telegram_file_id", sa.String(length=200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["correction_id"], ["correction.id"], name=op.f("fk_correction_evidence_correction_id_correction")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_correction_evidence_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_evidence")),
    )
    op.create_index(op.f("ix_correction_evidence_correction_id"), "correction_evidence", ["correction_id"])


def _seal_existing_entries() -> None:
    """Chains the change log written before the audit trail existed, in the order it was written."""
    from storage.audit import entry_hash

    log = sa.table(
        "change_log",
        *(sa.column(name) for name in ("id", "staff_id", "channel", "account", "entity", "entity_key")),
        *(sa.column(name) for name in ("old_value", "new_value", "reason", "seq", "prev_hash", "hash")),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    seq, previous = 0, ""
    for row in bind.execute(sa.select(log).order_by(log.c.id)).all():
        seq += 1
        digest = entry_hash(row, seq, previous)
        bind.execute(log.update().where(log.c.id == row.id).values(seq=seq, prev_hash=previous, hash=digest))
        previous = digest
    head = sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash"))
    bind.execute(head.insert().values(id=1, seq=seq, hash=previous))


def downgrade() -> None:
    op.drop_index(op.f("ix_correction_evidence_correction_id"), table_name="correction_evidence")
    op.drop_table("correction_evidence")
    op.drop_index(op.f("ix_correction_status"), table_name="correction")
    op.drop_table("correction")
    op.drop_table("audit_head")
    with op.batch_alter_table("change_log") as table:
        table.drop_constraint(op.f("uq_change_log_seq"), type_="unique")
        table.drop_column("hash")
        table.drop_column("prev_hash")
        table.drop_column("seq")
