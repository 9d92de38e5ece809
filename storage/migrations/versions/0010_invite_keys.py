"""invite codes kept as a keyed hash (HMAC-SHA-256 with the school's key); wrong codes counted by time

Codes stored before were plain SHA-256 hashes; each becomes HMAC(key, that hash), which is what
``domain.identity.hash_code`` computes, so every outstanding code keeps working and no plain hash
stays behind. The key file is read only when there are codes to convert. Going down cannot undo a
keyed hash: the codes still unused are expired instead.

Revision ID: 0010
Revises: 0009
"""

import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

invite = sa.table("invite", sa.column("id", sa.Integer), sa.column("code_hash", sa.String))


def upgrade() -> None:
    op.create_index("ix_link_attempt_at", "link_attempt", ["at"])
    connection = op.get_bind()
    rows = connection.execute(sa.select(invite.c.id, invite.c.code_hash)).all()
    if not rows:
        return
    from storage.school_key import derived_key

    key = derived_key("invite-codes")
    for row_id, plain in rows:
        keyed = hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()
        connection.execute(invite.update().where(invite.c.id == row_id).values(code_hash=keyed))


def downgrade() -> None:
    now = datetime.now(UTC)
    op.execute(
        sa.text("UPDATE invite SET expires_at = :now WHERE used_at IS NULL AND expires_at > :now").bindparams(
            now=now
        )
    )
    op.drop_index("ix_link_attempt_at", table_name="link_attempt")
