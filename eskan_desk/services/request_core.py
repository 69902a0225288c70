"""What every request use case shares: finding a request, and making one transition.

:func:`transition` is the only place a request's status changes: it checks the move against the
state machine (``domain.requests.check_transition``), updates the request and appends exactly one
``request_events`` row, each with its audit event and outbox change, in the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.errors import NotFoundError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.requests import RequestStatus, RequestType, check_transition
from eskan_desk.domain.text import clean_text
from eskan_desk.models import RequestDocument, RequestEvent, SupportRequest
from eskan_desk.services.beneficiaries import next_number
from eskan_desk.services.beneficiary_input import parse_amount
from eskan_desk.services.lookup import find_beneficiary
from eskan_desk.services.requirements import requirements_in
from eskan_desk.services.staff import Actor

MAX_DESCRIPTION = 2000
NUMBER_KIND = "request"  # human numbers: <branch>-REQ-<year>-<n>, e.g. KMS-REQ-2026-000001


def load_request(session: Session, key: str) -> SupportRequest:
    """A live request by id or number (any case), in an open session.

    Raises:
        NotFoundError: No such request.
    """
    key = (key or "").strip()
    row = session.scalars(
        select(SupportRequest)
        .where(
            or_(SupportRequest.id == key, func.upper(SupportRequest.number) == key.upper()),
            SupportRequest.deleted_at.is_(None),
        )
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(N_("No request with ID or number {key}"), {"key": key})
    return row


def add_event(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    request: SupportRequest,
    *,
    from_status: RequestStatus | None,
    to_status: RequestStatus,
    note: str | None,
) -> RequestEvent:
    """Append one event to a request's history (audited, queued for sync)."""
    event = RequestEvent(
        request_id=request.id,
        at=ctx.now(),
        actor_id=actor.staff_id,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value,
        note=note,
    )
    rec = ctx.recorder
    rec.stamp_new(event, branch_id=request.branch_id, actor_id=actor.staff_id)
    session.add(event)
    rec.record(
        session,
        event,
        action="request.event",
        actor_id=actor.staff_id,
        details={"from": event.from_status, "to": event.to_status},
    )
    return event


def transition(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    request: SupportRequest,
    target: RequestStatus,
    *,
    note: str | None = None,
    details: dict[str, object] | None = None,
) -> RequestEvent:
    """Move ``request`` to ``target`` in the caller's transaction, with its one event.

    The caller has already checked the rules particular to the target (documents, the 14-day
    wait, communication); the order and the role are checked here, before anything changes.

    Raises:
        ValidationError: The move is out of order.
        PermissionDeniedError: The actor's role may not make it.
    """
    current = RequestStatus(request.status)
    check_transition(current, target, actor.role)
    request.status = target.value
    rec = ctx.recorder
    base = rec.stamp_update(request, actor_id=actor.staff_id)
    rec.record(
        session,
        request,
        action=f"request.{target.value}",
        actor_id=actor.staff_id,
        details={"from": current.value, "to": target.value, **(details or {})},
        base_version=base,
    )
    return add_event(session, ctx, actor, request, from_status=current, to_status=target, note=note)


def create_in(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    *,
    beneficiary_id: str,
    type: str,
    amount: str = "",
    description: str = "",
) -> SupportRequest:
    """Open a draft request in the caller's transaction (see ``requests.create_request``)."""
    authorize(actor.role, Action.CREATE_REQUEST)
    kind = RequestType.parse(type, "request_type")
    value = parse_amount(amount, "amount")
    text = clean_text(description, "description", max_len=MAX_DESCRIPTION, multiline=True)
    ben = find_beneficiary(session, beneficiary_id)
    rec = ctx.recorder
    req = SupportRequest(
        beneficiary_id=ben.id,
        type=kind.value,
        amount=value,
        description=text,
        status=RequestStatus.DRAFT.value,
        back_entered=False,
    )
    req.number = next_number(
        session,
        branch_id=actor.branch_id,
        branch_code=f"{actor.branch_code}-REQ",
        kind=NUMBER_KIND,
        year=to_riyadh(ctx.now()).year,
    )
    rec.stamp_new(req, branch_id=actor.branch_id, actor_id=actor.staff_id)
    session.add(req)
    rec.record(
        session,
        req,
        action="request.create",
        actor_id=actor.staff_id,
        details={"number": req.number, "type": req.type},
    )
    for item in requirements_in(session, actor.branch_id, kind.value):
        doc = RequestDocument(
            request_id=req.id,
            code=item.code,
            label=item.label,
            required=item.required,
            sort_order=item.sort_order,
            received=False,
        )
        rec.stamp_new(doc, branch_id=actor.branch_id, actor_id=actor.staff_id)
        session.add(doc)
        rec.record(session, doc, action="request_document.add", actor_id=actor.staff_id)
    add_event(session, ctx, actor, req, from_status=None, to_status=RequestStatus.DRAFT, note=None)
    return req
