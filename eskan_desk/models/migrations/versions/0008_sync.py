"""Sync with HQ: conflicts and duplicate alerts, usernames unique per branch.

An HQ device holds every branch's staff, and every branch starts with its own administrator, so
a username is unique within its branch only. Pulling rows from HQ asks whether the row has a
change here that HQ has not acknowledged yet: a partial index on the pending outbox answers it.

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


def _synced_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "sync_conflicts",
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("base_value", sa.Text(), nullable=True),
        sa.Column("kept_value", sa.Text(), nullable=True),
        sa.Column("other_value", sa.Text(), nullable=True),
        sa.Column("kept_device", sa.String(length=80), nullable=True),
        sa.Column("other_device", sa.String(length=80), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("chosen", sa.String(length=6), nullable=True),
        sa.Column("resolved_by", sa.String(length=36), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    with op.batch_alter_table("sync_conflicts") as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_conflicts_branch_id"), ["branch_id"])
        batch_op.create_index(batch_op.f("ix_sync_conflicts_entity_id"), ["entity_id"])
        batch_op.create_index("ix_sync_conflicts_open", ["status", "created_at"])

    op.create_table(
        "duplicate_alerts",
        sa.Column("national_id", sa.String(length=10), nullable=False),
        sa.Column("beneficiary_id", sa.String(length=36), nullable=False),
        sa.Column("file_no", sa.String(length=24), nullable=False),
        sa.Column("other_branch_code", sa.String(length=8), nullable=False),
        sa.Column("other_branch_name", sa.String(length=120), nullable=False),
        sa.Column("other_file_no", sa.String(length=24), nullable=False),
        sa.Column("other_beneficiary_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reviewed_by", sa.String(length=36), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_alerts")),
    )
    with op.batch_alter_table("duplicate_alerts") as batch_op:
        batch_op.create_index(batch_op.f("ix_duplicate_alerts_branch_id"), ["branch_id"])
        batch_op.create_index(batch_op.f("ix_duplicate_alerts_national_id"), ["national_id"])

    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_constraint("uq_staff_username", type_="unique")
        batch_op.create_unique_constraint("uq_staff_branch_id_username", ["branch_id", "username"])

    with op.batch_alter_table("sync_outbox") as batch_op:
        batch_op.create_index(
            "ix_sync_outbox_entity_pending",
            ["entity_id"],
            sqlite_where=sa.text("acked_at IS NULL"),
            postgresql_where=sa.text("acked_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_outbox") as batch_op:
        batch_op.drop_index("ix_sync_outbox_entity_pending")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_constraint("uq_staff_branch_id_username", type_="unique")
        batch_op.create_unique_constraint("uq_staff_username", ["username"])
    op.drop_table("duplicate_alerts")
    op.drop_table("sync_conflicts")
