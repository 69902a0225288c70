"""Support requests: requests, their events, declarations, documents and attachments.

Revision ID: 0003
Revises: 0002

The documents checklists are not seeded here: the defaults live in ``domain.requests`` and are
read from there until an administrator first edits a type's list (``services.requirements``),
which writes rows through the change recorder so they are audited and synced like any edit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _synced() -> list[sa.Column]:
    """The columns every synced row carries (``models.base.Synced``)."""
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


def _branch_index(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_branch_id"), ["branch_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("branch_id", "sha256", name=op.f("uq_attachments_branch_id_sha256")),
    )
    _branch_index("attachments")

    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blobs")),
    )

    op.create_table(
        "document_requirements",
        sa.Column("request_type", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_requirements")),
        sa.UniqueConstraint(
            "branch_id",
            "request_type",
            "code",
            name=op.f("uq_document_requirements_branch_id_request_type_code"),
        ),
    )
    _branch_index("document_requirements")

    op.create_table(
        "support_requests",
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("beneficiary_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("earliest_decision_date", sa.Date(), nullable=True),
        sa.Column("back_entered", sa.Boolean(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=36), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("communicated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("communicated_by", sa.String(length=36), nullable=True),
        sa.Column("communicated_channel", sa.String(length=16), nullable=True),
        sa.Column("communicated_contact_id", sa.String(length=36), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_support_requests_beneficiary_id_beneficiaries"),
        ),
        sa.ForeignKeyConstraint(
            ["communicated_contact_id"],
            ["contacts.id"],
            name=op.f("fk_support_requests_communicated_contact_id_contacts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_requests")),
        sa.UniqueConstraint(
            "branch_id", "number", name=op.f("uq_support_requests_branch_id_number")
        ),
    )
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_requests_beneficiary_id"), ["beneficiary_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_support_requests_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index(
            "ix_support_requests_status", ["status", "earliest_decision_date"], unique=False
        )

    op.create_table(
        "request_events",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["support_requests.id"],
            name=op.f("fk_request_events_request_id_support_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_events_branch_id"), ["branch_id"], unique=False
        )
        batch_op.create_index("ix_request_events_request_at", ["request_id", "at"], unique=False)

    op.create_table(
        "declarations",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("beneficiary_id", sa.String(length=36), nullable=False),
        sa.Column("form_version", sa.String(length=16), nullable=False),
        sa.Column("attested_hash", sa.String(length=64), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("signature_attachment_id", sa.String(length=36), nullable=True),
        sa.Column("scan_attachment_id", sa.String(length=36), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"],
            ["beneficiaries.id"],
            name=op.f("fk_declarations_beneficiary_id_beneficiaries"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["support_requests.id"],
            name=op.f("fk_declarations_request_id_support_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["scan_attachment_id"],
            ["attachments.id"],
            name=op.f("fk_declarations_scan_attachment_id_attachments"),
        ),
        sa.ForeignKeyConstraint(
            ["signature_attachment_id"],
            ["attachments.id"],
            name=op.f("fk_declarations_signature_attachment_id_attachments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declarations")),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declarations_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_declarations_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "request_documents",
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("received", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attachment_id", sa.String(length=36), nullable=True),
        *_synced(),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_request_documents_attachment_id_attachments"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["support_requests.id"],
            name=op.f("fk_request_documents_request_id_support_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_documents")),
        sa.UniqueConstraint(
            "request_id", "code", name=op.f("uq_request_documents_request_id_code")
        ),
    )
    _branch_index("request_documents")


def downgrade() -> None:
    for table in ("request_documents", "declarations", "request_events"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_branch_id"))
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_request_id"))
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index("ix_request_events_request_at")
    op.drop_table("request_documents")
    op.drop_table("declarations")
    op.drop_table("request_events")
    with op.batch_alter_table("support_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_support_requests_status")
        batch_op.drop_index(batch_op.f("ix_support_requests_branch_id"))
        batch_op.drop_index(batch_op.f("ix_support_requests_beneficiary_id"))
    op.drop_table("support_requests")
    for table in ("document_requirements", "attachments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_branch_id"))
    op.drop_table("document_requirements")
    op.drop_table("attachment_blobs")
    op.drop_table("attachments")
