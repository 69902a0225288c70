"""Reading requests into plain data: one request whole, or many as summaries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from eskan_desk.domain.requests import missing_documents
from eskan_desk.models import Beneficiary, RequestDocument, RequestEvent, Staff, SupportRequest
from eskan_desk.services.declarations import declaration_state_in, latest_declaration
from eskan_desk.services.request_dto import (
    RequestEventView,
    RequestSummary,
    RequestView,
    declaration_view,
    document_view,
)

_NAMES = (
    Beneficiary.first_name,
    Beneficiary.father_name,
    Beneficiary.grandfather_name,
    Beneficiary.family_name,
)


def summary_query() -> Select[Any]:
    """Requests with their applicant's name and file number; tombstones left out."""
    return (
        select(SupportRequest, Beneficiary.file_no, *_NAMES)
        .join(Beneficiary, Beneficiary.id == SupportRequest.beneficiary_id)
        .where(SupportRequest.deleted_at.is_(None))
    )


def _common(req: SupportRequest, file_no: str, name: str) -> dict[str, Any]:
    return {
        "id": req.id,
        "number": req.number,
        "status": req.status,
        "type": req.type,
        "amount": req.amount,
        "beneficiary_id": req.beneficiary_id,
        "beneficiary_name": name,
        "file_no": file_no,
        "submitted_at": req.submitted_at,
        "earliest_decision_date": req.earliest_decision_date,
        "back_entered": req.back_entered,
        "decision": req.decision,
        "decision_reason": req.decision_reason,
        "decided_at": req.decided_at,
        "communicated_at": req.communicated_at,
        "created_at": req.created_at,
    }


def summaries_in(session: Session, query: Select[Any]) -> list[RequestSummary]:
    """Run a :func:`summary_query` (filtered, ordered, limited) into summaries."""
    return [
        RequestSummary(**_common(r[0], r.file_no, " ".join(r[2:]))) for r in session.execute(query)
    ]


def request_view_in(session: Session, request_id: str) -> RequestView:
    """The whole request, read in an open session (after a write: what was just stored)."""
    row = session.execute(
        summary_query()
        .where(SupportRequest.id == request_id)
        .execution_options(populate_existing=True)
    ).one()
    req: SupportRequest = row[0]
    documents = session.scalars(
        select(RequestDocument)
        .where(RequestDocument.request_id == req.id, RequestDocument.deleted_at.is_(None))
        .order_by(RequestDocument.sort_order, RequestDocument.code)
    ).all()
    events = session.execute(
        select(RequestEvent, Staff.full_name)
        .outerjoin(Staff, Staff.id == RequestEvent.actor_id)
        .where(RequestEvent.request_id == req.id, RequestEvent.deleted_at.is_(None))
        .order_by(RequestEvent.at, RequestEvent.id)
    ).all()
    state = declaration_state_in(session, req)
    latest = latest_declaration(session, req.id)
    return RequestView(
        **_common(req, row.file_no, " ".join(row[2:])),
        description=req.description,
        decided_by=req.decided_by,
        communicated_by=req.communicated_by,
        communicated_channel=req.communicated_channel,
        communicated_contact_id=req.communicated_contact_id,
        updated_at=req.updated_at,
        version=req.version,
        declaration_state=state,
        declaration=declaration_view(latest, state) if latest else None,
        missing_documents=missing_documents((d.code, d.required, d.received) for d in documents),
        documents=[document_view(d) for d in documents],
        events=[
            RequestEventView(
                id=e.id,
                at=e.at,
                actor_id=e.actor_id,
                actor_name=name,
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note,
            )
            for e, name in events
        ],
    )
