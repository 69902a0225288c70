"""initial store

Revision ID: 0001
Revises:
Create Date: 2026-11-27 04:27:33.177380
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("id", name=op.f("uq_audit_events_id")),
    )
    op.create_table(
        "beneficiaries",
        sa.Column("file_no", sa.String(length=24), nullable=False),
        sa.Column("national_id", sa.String(length=10), nullable=False),
        sa.Column("first_name", sa.String(length=40), nullable=False),
        sa.Column("father_name", sa.String(length=40), nullable=False),
        sa.Column("grandfather_name", sa.String(length=40), nullable=False),
        sa.Column("family_name", sa.String(length=40), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_calendar", sa.String(length=10), nullable=True),
        sa.Column("birth_precision", sa.String(length=5), nullable=True),
        sa.Column("mobile", sa.String(length=16), nullable=True),
        sa.Column("marital_status", sa.String(length=12), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=True),
        sa.Column("need_tier", sa.String(length=1), nullable=True),
        sa.Column("building_no", sa.String(length=4), nullable=True),
        sa.Column("street", sa.String(length=80), nullable=True),
        sa.Column("district", sa.String(length=80), nullable=True),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("postal_code", sa.String(length=5), nullable=True),
        sa.Column("additional_no", sa.String(length=4), nullable=True),
        sa.Column("unit_no", sa.String(length=4), nullable=True),
        sa.Column("short_address", sa.String(length=8), nullable=True),
        sa.Column("iban", sa.String(length=24), nullable=True),
        sa.Column("housing_type", sa.String(length=10), nullable=True),
        sa.Column("rent_amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("ejar_no", sa.String(length=20), nullable=True),
        sa.Column("rooms", sa.Integer(), nullable=True),
        sa.Column("building_condition", sa.String(length=8), nullable=True),
        sa.Column("has_arrears", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("registration_status", sa.String(length=12), nullable=False),
        sa.Column("verified_by", sa.String(length=36), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiaries")),
        sa.UniqueConstraint(
            "branch_id", "file_no", name=op.f("uq_beneficiaries_branch_id_file_no")
        ),
        sa.UniqueConstraint(
            "branch_id", "national_id", name=op.f("uq_beneficiaries_branch_id_national_id")
        ),
    )
    with op.batch_alter_table("beneficiaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_beneficiaries_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index("ix_beneficiaries_mobile", ["mobile"], unique=False)
        batch_op.create_index("ix_beneficiaries_national_id", ["national_id"], unique=False)

    op.create_table(
        "branches",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branches")),
        sa.UniqueConstraint("code", name=op.f("uq_branches_code")),
    )
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_branches_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "counters",
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("branch_id", "kind", "year", name=op.f("pk_counters")),
    )
    op.create_table(
        "staff",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_username")),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("base_version", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_seq", sa.Integer(), nullable=True),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("change_id", name=op.f("uq_sync_outbox_change_id")),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_sync_outbox_pending", ["batch_seq", "seq"], unique=False)

    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "contacts",
        sa.Column("beneficiary_id", sa.String(length=36), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("follow_up_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("caller_name", sa.String(length=160), nullable=True),
        sa.Column("caller_mobile", sa.String(length=16), nullable=True),
        sa.Column("call_duration_s", sa.Integer(), nullable=True),
        sa.Column("visit_location", sa.String(length=120), nullable=True),
        sa.Column("letter_ref", sa.String(length=40), nullable=True),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("social_platform", sa.String(length=12), nullable=True),
        sa.Column("back_entered", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_contacts_beneficiary_id_beneficiaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_at", ["at"], unique=False)
        batch_op.create_index("ix_contacts_beneficiary_at", ["beneficiary_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index("ix_contacts_follow_up_on", ["follow_up_on"], unique=False)

    op.create_table(
        "household_members",
        sa.Column("beneficiary_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("national_id", sa.String(length=10), nullable=True),
        sa.Column("relation", sa.String(length=12), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("occupation", sa.String(length=12), nullable=True),
        sa.Column("has_disability", sa.Boolean(), nullable=False),
        sa.Column("has_chronic_illness", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_household_members_beneficiary_id_beneficiaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_members")),
    )
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_members_beneficiary_id"), ["beneficiary_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_household_members_branch_id"), ["branch_id"], unique=False
        )

    op.create_table(
        "income_sources",
        sa.Column("beneficiary_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("branch_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("updated_by", sa.String(length=36), nullable=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_income_sources_beneficiary_id_beneficiaries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_sources")),
    )
    with op.batch_alter_table("income_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_income_sources_beneficiary_id"), ["beneficiary_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_income_sources_branch_id"), ["branch_id"], unique=False
        )

    if op.get_bind().dialect.name == "sqlite":
        # Search index over a normalised copy of names and numbers (see models/search_index.py).
        op.execute(
            "CREATE TABLE fts_beneficiary_keys (rowid INTEGER PRIMARY KEY, "
            "beneficiary_id VARCHAR(36) NOT NULL UNIQUE REFERENCES beneficiaries(id))"
        )
        op.execute(
            "CREATE VIRTUAL TABLE fts_beneficiary USING fts5(name, numbers, "
            "tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE fts_beneficiary")
        op.execute("DROP TABLE fts_beneficiary_keys")
    with op.batch_alter_table("income_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_income_sources_branch_id"))
        batch_op.drop_index(batch_op.f("ix_income_sources_beneficiary_id"))

    op.drop_table("income_sources")
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_members_branch_id"))
        batch_op.drop_index(batch_op.f("ix_household_members_beneficiary_id"))

    op.drop_table("household_members")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_follow_up_on")
        batch_op.drop_index(batch_op.f("ix_contacts_branch_id"))
        batch_op.drop_index("ix_contacts_beneficiary_at")
        batch_op.drop_index("ix_contacts_at")

    op.drop_table("contacts")
    op.drop_table("sync_state")
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_pending")

    op.drop_table("sync_outbox")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_branch_id"))

    op.drop_table("staff")
    op.drop_table("counters")
    with op.batch_alter_table("branches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_branches_branch_id"))

    op.drop_table("branches")
    with op.batch_alter_table("beneficiaries", schema=None) as batch_op:
        batch_op.drop_index("ix_beneficiaries_national_id")
        batch_op.drop_index("ix_beneficiaries_mobile")
        batch_op.drop_index(batch_op.f("ix_beneficiaries_branch_id"))

    op.drop_table("beneficiaries")
    op.drop_table("audit_events")
