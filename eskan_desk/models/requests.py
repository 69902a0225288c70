"""Support requests, their history, the signed declarations, documents and attachments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from eskan_desk.models.base import ID, Base, Synced


class SupportRequest(Synced, Base):
    """A beneficiary support request (طلب دعم مستفيد) and where it stands."""

    __tablename__ = "support_requests"
    __table_args__ = (
        UniqueConstraint("branch_id", "number"),
        Index("ix_support_requests_status", "status", "earliest_decision_date"),
    )

    number: Mapped[str] = mapped_column(String(24))  # e.g. KMS-REQ-2026-000001, for paper
    beneficiary_id: Mapped[str] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal | None]
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    submitted_at: Mapped[dt.datetime | None]
    # Riyadh calendar date of submission + 14 days: the committee decides on or after it.
    earliest_decision_date: Mapped[dt.date | None] = mapped_column(Date)
    # True when submission was entered after the fact from a paper request.
    back_entered: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(ID)
    decided_at: Mapped[dt.datetime | None]
    # A decision is finished only once the beneficiary has been told (a contact on a channel).
    communicated_at: Mapped[dt.datetime | None]
    communicated_by: Mapped[str | None] = mapped_column(ID)
    communicated_channel: Mapped[str | None] = mapped_column(String(16))
    communicated_contact_id: Mapped[str | None] = mapped_column(ForeignKey("contacts.id"))


class RequestEvent(Synced, Base):
    """Append-only history: one row for every transition of a request (who, when, why)."""

    __tablename__ = "request_events"
    __table_args__ = (Index("ix_request_events_request_at", "request_id", "at"),)

    request_id: Mapped[str] = mapped_column(ForeignKey("support_requests.id"))
    at: Mapped[dt.datetime]
    actor_id: Mapped[str | None] = mapped_column(ID)
    from_status: Mapped[str | None] = mapped_column(String(16))  # None: the request was opened
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class Attachment(Synced, Base):
    """A scanned document or signature, content-addressed: the same bytes are one attachment."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("branch_id", "sha256"),)

    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str | None] = mapped_column(String(200))


class AttachmentBlob(Base):
    """The bytes of attachments, once per hash. Local: files travel apart from row changes."""

    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Declaration(Synced, Base):
    """The applicant's signed declaration (إقرار) that the data on file is correct.

    ``attested_hash`` is the SHA-256 of the data it attests: when the file changes afterwards,
    the declaration is outdated and must be signed again.
    """

    __tablename__ = "declarations"

    request_id: Mapped[str] = mapped_column(ForeignKey("support_requests.id"), index=True)
    beneficiary_id: Mapped[str] = mapped_column(ForeignKey("beneficiaries.id"))
    form_version: Mapped[str] = mapped_column(String(16))
    attested_hash: Mapped[str] = mapped_column(String(64))
    printed_at: Mapped[dt.datetime | None]
    signed_at: Mapped[dt.datetime]
    method: Mapped[str] = mapped_column(String(8))
    signature_attachment_id: Mapped[str | None] = mapped_column(ForeignKey("attachments.id"))
    scan_attachment_id: Mapped[str | None] = mapped_column(ForeignKey("attachments.id"))


class DocumentRequirement(Synced, Base):
    """One line of the documents checklist of a request type, as an administrator set it."""

    __tablename__ = "document_requirements"
    __table_args__ = (UniqueConstraint("branch_id", "request_type", "code"),)

    request_type: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class RequestDocument(Synced, Base):
    """One line of a request's own checklist, copied from its type's requirements when opened."""

    __tablename__ = "request_documents"
    __table_args__ = (UniqueConstraint("request_id", "code"),)

    request_id: Mapped[str] = mapped_column(ForeignKey("support_requests.id"))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    received: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[dt.datetime | None]
    attachment_id: Mapped[str | None] = mapped_column(ForeignKey("attachments.id"))
