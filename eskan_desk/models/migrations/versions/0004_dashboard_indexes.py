"""Indexes for the dashboard and the registry at a million contacts.

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

OPEN_FOLLOW_UPS = "follow_up_done_at IS NULL AND deleted_at IS NULL"
UNVERIFIED = "verified_at IS NULL AND deleted_at IS NULL AND registration_status = 'incomplete'"


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.create_index("ix_contacts_at_channel", ["at", "channel", "deleted_at"])
        batch_op.create_index(
            "ix_contacts_open_follow_ups",
            ["follow_up_on", "at"],
            sqlite_where=sa.text(OPEN_FOLLOW_UPS),
            postgresql_where=sa.text(OPEN_FOLLOW_UPS),
        )
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.create_index("ix_beneficiaries_file_no", ["file_no"])
        batch_op.create_index(
            "ix_beneficiaries_unverified",
            ["created_at", "file_no"],
            sqlite_where=sa.text(UNVERIFIED),
            postgresql_where=sa.text(UNVERIFIED),
        )


def downgrade() -> None:
    with op.batch_alter_table("beneficiaries") as batch_op:
        batch_op.drop_index("ix_beneficiaries_unverified")
        batch_op.drop_index("ix_beneficiaries_file_no")
    with op.batch_alter_table("contacts") as batch_op:
        batch_op.drop_index("ix_contacts_open_follow_ups")
        batch_op.drop_index("ix_contacts_at_channel")
