"""The chain's head moves with the change log (issue 20): a trigger on the change log's INSERT sets the
head to the newest sealed entry, so sealing a turn's entries is one INSERT after the head is read and
locked, not an UPDATE of the head besides. The head never moves back: an entry inserted with a lower
sequence number (a copy of one that was cut off) leaves it, and ``sodiem audit verify`` still finds the
cut end. SQLite drops a table's triggers when ``batch_alter_table`` rebuilds it: a migration that
rebuilds ``change_log`` must create this trigger again.

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGER = "change_log_moves_head"

# PostgreSQL: once per INSERT statement, from the rows it added (a transition table).
POSTGRESQL = [
    f"""
    CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE audit_head SET seq = newest.seq, hash = newest.hash
        FROM (SELECT seq, hash FROM added WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1) AS newest
        WHERE audit_head.id = 1 AND audit_head.seq < newest.seq;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER {TRIGGER} AFTER INSERT ON change_log
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()
    """,
]
# SQLite has row triggers only.
SQLITE = [
    f"""
    CREATE TRIGGER {TRIGGER} AFTER INSERT ON change_log WHEN NEW.seq IS NOT NULL
    BEGIN
        UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1 AND seq < NEW.seq;
    END
    """
]


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TRIGGER} ON change_log")
        op.execute(f"DROP FUNCTION {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER {TRIGGER}")
