"""the audit chain sealed with the school's key (HMAC-SHA-256), the old plain head kept; report cards
stored as approved

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_head") as table:
        table.add_column(sa.Column("key_check", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("resealed_from", sa.String(length=80), nullable=True))
    _reseal_with_the_key()
    op.create_table(
        "released_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_released_card_notice_id_notice")),
        sa.ForeignKeyConstraint(
            ["student_id"], ["student.id"], name=op.f("fk_released_card_student_id_student")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_released_card")),
        sa.UniqueConstraint("notice_id", "student_id", "language", name=op.f("uq_released_card_notice_id")),
    )
    op.create_index(op.f("ix_released_card_notice_id"), "released_card", ["notice_id"])


def _reseal_with_the_key() -> None:
    """Re-seals the plain chain with the school key when the key file is there and the plain chain
    fits its own hash. Otherwise the head keeps no key check: the first write with the key re-seals
    (storage/audit.py ``seal``), or refuses and names the entry of a broken chain."""
    from domain.errors import DomainError
    from storage.audit import CHAIN_PURPOSE, LOG, RESEAL, SEALED, key_check, plain_break, resealed
    from storage.school_key import derived_key

    try:
        key = derived_key(CHAIN_PURPOSE)
    except DomainError:
        return
    bind = op.get_bind()
    entries = bind.execute(sa.select(*SEALED).where(LOG.c.seq.is_not(None)).order_by(LOG.c.seq)).all()
    head = sa.table(
        "audit_head", *(sa.column(name) for name in ("id", "seq", "hash", "key_check", "resealed_from"))
    )
    old = bind.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).first()
    if old is None or plain_break(entries, old.seq, old.hash) is not None:
        return
    updates = list(resealed(entries, key))
    if updates:
        bind.execute(RESEAL, updates)
    last = updates[-1]["new_hash"] if updates else ""
    bind.execute(
        head.update()
        .where(head.c.id == 1)
        .values(
            hash=last, key_check=key_check(key), resealed_from=f"{old.seq}:{old.hash}" if old.seq else None
        )
    )


def downgrade() -> None:
    _plain_again()
    op.drop_index(op.f("ix_released_card_notice_id"), table_name="released_card")
    op.drop_table("released_card")
    with op.batch_alter_table("audit_head") as table:
        table.drop_column("resealed_from")
        table.drop_column("key_check")


def _plain_again() -> None:
    """Back to 0008, whose code checks a plain SHA-256 chain: every entry chained again without the key
    (the head follows), so that the release before the key finds its trail whole."""
    from storage.audit import LOG, RESEAL, SEALED, entry_hash

    bind = op.get_bind()
    entries = bind.execute(sa.select(*SEALED).where(LOG.c.seq.is_not(None)).order_by(LOG.c.seq)).all()
    updates, previous = [], ""
    for row in entries:
        digest = entry_hash(row, row.seq, previous)
        updates.append({"entry_id": row.id, "new_prev": previous, "new_hash": digest})
        previous = digest
    if updates:
        bind.execute(RESEAL, updates)
        head = sa.table("audit_head", sa.column("id"), sa.column("hash"))
        bind.execute(head.update().where(head.c.id == 1).values(hash=previous))
