"""Support requests (طلب دعم مستفيد): opening one, its documents checklist, reading them.

The workflow (submission, moves, the committee's decision, telling the beneficiary) is in
``request_workflow``, the declaration in ``declarations``; their use cases are re-exported here
so that a screen or a command imports every request use case from this one module.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import riyadh_today
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.requests import (
    AWAITING_DECISION,
    OPEN_FOR_PAPERWORK,
    RequestStatus,
)
from eskan_desk.models import RequestDocument, SupportRequest
from eskan_desk.services.attachments import store_attachment
from eskan_desk.services.declarations import (
    attested_hash,
    attested_snapshot,
    declaration_state,
    record_declaration,
)
from eskan_desk.services.request_core import create_in, load_request
from eskan_desk.services.request_dto import RequestSummary, RequestView
from eskan_desk.services.request_views import request_view_in, summaries_in, summary_query
from eskan_desk.services.request_workflow import (
    close_request,
    move_request,
    record_communication,
    record_decision,
    submit_paper_request,
    submit_request,
)
from eskan_desk.services.staff import Actor


def create_request(
    ctx: AppContext,
    actor: Actor,
    *,
    beneficiary_id: str,
    type: str,
    amount: str = "",
    description: str = "",
) -> RequestView:
    """Open a support request for a beneficiary, as a draft with its type's documents checklist.

    Args:
        ctx: The application context.
        actor: The staff member taking the request in.
        beneficiary_id: The applicant's file: id, file number or national ID.
        type: ``rent``, ``repair``, ``housing_unit``, ``furnishing``, ``utilities`` or ``other``.
        amount: The amount asked for, in riyals (optional).
        description: What is asked for and why (optional).

    Returns:
        The new request (status ``draft``, numbered like ``KMS-REQ-2026-000001``).

    Raises:
        PermissionDeniedError: The role may not open requests.
        ValidationError: Unknown type, a bad amount, a description too long.
        NotFoundError: Unknown beneficiary. Nothing is stored on any error.
    """
    with ctx.store.write() as session:
        req = create_in(
            session,
            ctx,
            actor,
            beneficiary_id=beneficiary_id,
            type=type,
            amount=amount,
            description=description,
        )
        session.flush()
        return request_view_in(session, req.id)


def set_document(
    ctx: AppContext,
    actor: Actor,
    request_id: str,
    code: str,
    *,
    received: bool,
    attachment: bytes | None = None,
    filename: str = "",
) -> RequestView:
    """Mark a checklist document received (optionally with its scan) or not received.

    A scan means the document is in: it marks the line received whatever ``received`` says.
    Un-marking a document drops its scan from the line (the attachment itself is kept).

    Args:
        ctx: The application context.
        actor: The staff member.
        request_id: The request (id or number).
        code: The document's code on the request's checklist, e.g. ``"lease_contract"``.
        received: Whether the applicant has brought it.
        attachment: The scanned document (PNG, JPEG or PDF, at most 10 MB), optional.
        filename: The scan's file name, for display.

    Returns:
        The request with its updated checklist.

    Raises:
        PermissionDeniedError: The role may not manage documents.
        ValidationError: The request is past the paperwork stage, the code is not on its
            checklist, or the scan is not a readable image or PDF (nothing is stored).
        NotFoundError: No such request.
    """
    authorize(actor.role, Action.MANAGE_DOCUMENTS)
    received = received or attachment is not None
    rec = ctx.recorder
    with ctx.store.write() as session:
        req = load_request(session, request_id)
        status = RequestStatus(req.status)
        if status not in OPEN_FOR_PAPERWORK:
            raise ValidationError(
                "documents",
                N_("cannot change while the request is {status}"),
                {"status": status},
            )
        doc = session.scalars(
            select(RequestDocument).where(
                RequestDocument.request_id == req.id,
                RequestDocument.code == (code or "").strip(),
                RequestDocument.deleted_at.is_(None),
            )
        ).first()
        if doc is None:
            raise ValidationError(
                "document", N_("{code} is not on this request's checklist"), {"code": code}
            )
        stored = None
        if attachment is not None:
            stored = store_attachment(session, ctx, actor, attachment, filename)
        new_attachment = stored.id if stored else (doc.attachment_id if received else None)
        if (doc.received, doc.attachment_id) != (received, new_attachment):
            if received and not doc.received:
                doc.received_at = ctx.now()
            elif not received:
                doc.received_at = None
            doc.received, doc.attachment_id = received, new_attachment
            base = rec.stamp_update(doc, actor_id=actor.staff_id)
            rec.record(
                session,
                doc,
                action="request_document.update",
                actor_id=actor.staff_id,
                details={"code": doc.code, "received": received},
                base_version=base,
            )
        return request_view_in(session, req.id)


def get_request(ctx: AppContext, id_or_number: str) -> RequestView:
    """The whole request: checklist, declaration state and history (oldest event first).

    Raises:
        NotFoundError: No such request.
    """
    with ctx.store.read() as session:
        return request_view_in(session, load_request(session, id_or_number).id)


def list_requests(
    ctx: AppContext,
    *,
    status: str | None = None,
    overdue: bool = False,
    beneficiary_id: str | None = None,
    today: dt.date | None = None,
    limit: int = 500,
) -> list[RequestSummary]:
    """Requests, newest first.

    Args:
        ctx: The application context.
        status: Only this status (a code, e.g. ``"in_committee"``).
        overdue: Only requests still awaiting a decision after their earliest decision date
            (submitted, in research or before the committee): the committee is late.
        beneficiary_id: Only this family file's requests (its id).
        today: The Riyadh date for ``overdue`` (defaults to today by ``ctx.now``).
        limit: The most returned.

    Raises:
        ValidationError: Unknown status.
    """
    query = summary_query()
    if status:
        query = query.where(SupportRequest.status == RequestStatus.parse(status, "status").value)
    if beneficiary_id:
        query = query.where(SupportRequest.beneficiary_id == beneficiary_id)
    if overdue:
        day = today or riyadh_today(ctx.now())
        query = query.where(
            SupportRequest.status.in_([s.value for s in AWAITING_DECISION]),
            SupportRequest.earliest_decision_date < day,
        )
    query = query.order_by(SupportRequest.created_at.desc(), SupportRequest.id.desc())
    with ctx.store.read() as session:
        return summaries_in(session, query.limit(max(1, min(limit, 5000))))


__all__ = [
    "attested_hash",
    "attested_snapshot",
    "close_request",
    "create_request",
    "declaration_state",
    "get_request",
    "list_requests",
    "move_request",
    "record_communication",
    "record_decision",
    "record_declaration",
    "set_document",
    "submit_paper_request",
    "submit_request",
]
