"""The outbox's acknowledged changes are the prefix up to ``sync_state.outbox_acked_seq``.

HQ acknowledges batches in order and a batch is a run of the oldest changes, so the changes
acknowledged are exactly those numbered up to the newest one acknowledged, which sync_state
already keeps. Writing an ``acked_at`` on every change of every acknowledged batch rewrote
each batch's pages (the row payloads with them) once more at the branch: a third of the
client's work in a large push. "Has this row a change HQ has not acknowledged?" is now asked
by sequence number, on an index of (entity_id, seq).

SQLite 3.35+ drops the column in place (rewriting the table's rows once); an older SQLite
copies the table.

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

ACKED_KEY = "outbox_acked_seq"


def _drops_columns_in_place() -> bool:
    """PostgreSQL does; SQLite from 3.35 (an older one, as some Linux distributions ship,
    copies the table instead: Alembic's batch mode)."""
    if op.get_bind().dialect.name != "sqlite":
        return True
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 35)


def upgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch_op:
        batch_op.drop_index("ix_sync_outbox_entity_pending")
    if _drops_columns_in_place():
        # Not batch mode: it would copy the whole outbox into a new table to drop one column.
        op.execute("ALTER TABLE sync_outbox DROP COLUMN acked_at")
    else:
        with op.batch_alter_table("sync_outbox", recreate="always") as batch_op:
            batch_op.drop_column("acked_at")
    with op.batch_alter_table("sync_outbox") as batch_op:
        batch_op.create_index("ix_sync_outbox_entity_seq", ["entity_id", "seq"])


def downgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch_op:
        batch_op.drop_index("ix_sync_outbox_entity_seq")
        batch_op.add_column(sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True))
    # The moment of each acknowledgement is not kept: the change's own time stands in for it.
    op.execute(
        "UPDATE sync_outbox SET acked_at = created_at WHERE seq <= "
        f"(SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = '{ACKED_KEY}')"
    )
    with op.batch_alter_table("sync_outbox") as batch_op:
        batch_op.create_index(
            "ix_sync_outbox_entity_pending",
            ["entity_id"],
            sqlite_where=sa.text("acked_at IS NULL"),
            postgresql_where=sa.text("acked_at IS NULL"),
        )
