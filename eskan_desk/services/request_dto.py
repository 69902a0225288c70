"""Plain data about support requests, as the screens and ``eskan requests --json`` present it.

The ``--json`` contract of a request (DESIGN.md) fixes ``id``, ``number``, ``status``,
``submitted_at`` and ``earliest_decision_date``; the other keys are documented here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from eskan_desk.models import Declaration, RequestDocument
from eskan_desk.services.dto import JsonMixin


@dataclass(frozen=True)
class RequestDocumentView(JsonMixin):
    """One line of a request's documents checklist (``label`` is a catalog msgid or the
    administrator's own text: translate it to show it)."""

    code: str
    label: str
    required: bool
    received: bool
    received_at: dt.datetime | None
    attachment_id: str | None


@dataclass(frozen=True)
class RequestEventView(JsonMixin):
    """One transition in a request's history; ``from_status`` is None for its opening."""

    id: str
    at: dt.datetime
    actor_id: str | None
    actor_name: str | None
    from_status: str | None
    to_status: str
    note: str | None


@dataclass(frozen=True)
class DeclarationView(JsonMixin):
    """A signed declaration; ``state`` is ``signed`` or ``outdated`` (the data changed since)."""

    id: str
    request_id: str
    beneficiary_id: str
    form_version: str
    attested_hash: str
    printed_at: dt.datetime | None
    signed_at: dt.datetime
    method: str
    signature_attachment_id: str | None
    scan_attachment_id: str | None
    state: str


@dataclass(frozen=True)
class RequestSummary(JsonMixin):
    """A request in a list. Times are UTC; ``earliest_decision_date`` is a Riyadh date."""

    id: str
    number: str
    status: str
    type: str
    amount: Decimal | None
    beneficiary_id: str
    beneficiary_name: str
    file_no: str
    submitted_at: dt.datetime | None
    earliest_decision_date: dt.date | None
    back_entered: bool
    decision: str | None
    decision_reason: str | None
    decided_at: dt.datetime | None
    communicated_at: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True)
class RequestView(RequestSummary):
    """The whole request: checklist, declaration and history (events oldest first)."""

    description: str | None = None
    decided_by: str | None = None
    communicated_by: str | None = None
    communicated_channel: str | None = None
    communicated_contact_id: str | None = None
    updated_at: dt.datetime | None = None
    version: int = 0
    declaration_state: str = "missing"  # missing | signed | outdated
    declaration: DeclarationView | None = None
    missing_documents: list[str] = field(default_factory=list)  # required, not received
    documents: list[RequestDocumentView] = field(default_factory=list)
    events: list[RequestEventView] = field(default_factory=list)


def declaration_view(row: Declaration, state: str) -> DeclarationView:
    """A declaration row as plain data."""
    return DeclarationView(
        id=row.id,
        request_id=row.request_id,
        beneficiary_id=row.beneficiary_id,
        form_version=row.form_version,
        attested_hash=row.attested_hash,
        printed_at=row.printed_at,
        signed_at=row.signed_at,
        method=row.method,
        signature_attachment_id=row.signature_attachment_id,
        scan_attachment_id=row.scan_attachment_id,
        state=state,
    )


def document_view(row: RequestDocument) -> RequestDocumentView:
    """A checklist line as plain data."""
    return RequestDocumentView(
        code=row.code,
        label=row.label,
        required=row.required,
        received=row.received,
        received_at=row.received_at,
        attachment_id=row.attachment_id,
    )
