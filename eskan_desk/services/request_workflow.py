"""The request workflow: submission, moves, the committee's decision, telling the beneficiary.

Every rule is checked inside the write transaction, before or after the change: any refusal rolls
the whole use case back, so a refused step stores nothing (no row, no audit event, no outbox
change, no number used up).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import parse_iso_datetime, riyadh_today
from eskan_desk.domain.errors import PermissionDeniedError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.requests import (
    DECISION_OUTCOMES,
    FINAL_DECISIONS,
    DeclarationMethod,
    RequestStatus,
    check_decision_date,
    check_transition,
    earliest_decision_date,
)
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Beneficiary, RequestDocument, SupportRequest
from eskan_desk.services.contacts import ContactInput, add_contact, contact_values
from eskan_desk.services.declarations import declaration_state_in, declare_in
from eskan_desk.services.request_core import create_in, load_request, transition
from eskan_desk.services.request_dto import RequestView
from eskan_desk.services.request_views import request_view_in
from eskan_desk.services.staff import Actor
from eskan_desk.services.sync_status import committee_at_hq

MAX_REASON = 2000
MAX_NOTE = 2000
MAX_BACK_ENTRY_DAYS = 366
_CLOCK_SKEW = dt.timedelta(minutes=5)


class _Labels(tuple[str, ...]):
    """Document labels in an error: catalog msgids (or an administrator's own text) that are
    translated only when the error is shown, in the language of that moment."""

    def __format__(self, spec: str) -> str:
        from eskan_desk.i18n import current_language, gettext

        comma = "، " if current_language() == "ar" else ", "
        return format(comma.join(gettext(label) for label in self), spec)

    def __str__(self) -> str:
        return self.__format__("")


# Submission -------------------------------------------------------------------------------------
def submission_time(raw: str, now: dt.datetime) -> tuple[dt.datetime, bool]:
    """When the request was submitted: now, or a paper request's time entered after the fact.

    Returns:
        ``(time in UTC, back_entered)``.

    Raises:
        ValidationError: On ``submitted_at``: not a date-time, in the future, or more than
            366 days ago.
    """
    if not (raw or "").strip():
        return now, False
    at = parse_iso_datetime(raw, "submitted_at")
    if at > now + _CLOCK_SKEW:
        raise ValidationError("submitted_at", N_("cannot be in the future"))
    if at < now - dt.timedelta(days=MAX_BACK_ENTRY_DAYS):
        raise ValidationError(
            "submitted_at",
            N_("cannot be more than {days} days ago"),
            {"days": MAX_BACK_ENTRY_DAYS},
        )
    return at, True


def submit_in(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    req: SupportRequest,
    *,
    submitted_at: str = "",
    note: str | None = None,
) -> None:
    """Submit a draft in the caller's transaction (see :func:`submit_request`)."""
    authorize(actor.role, Action.SUBMIT_REQUEST)
    check_transition(req.status, RequestStatus.SUBMITTED, actor.role)
    at, back_entered = submission_time(submitted_at, ctx.now())
    ben = session.get(Beneficiary, req.beneficiary_id)
    if ben is None or ben.verified_at is None:
        raise ValidationError(
            "beneficiary", N_("data must be verified before the request is submitted")
        )
    state = declaration_state_in(session, req)
    if state == "missing":
        raise ValidationError("declaration", N_("must be signed before the request is submitted"))
    if state == "outdated":
        raise ValidationError(
            "declaration", N_("was signed on data that has changed since: it must be signed again")
        )
    req.submitted_at = at
    req.earliest_decision_date = earliest_decision_date(at)
    req.back_entered = back_entered
    transition(
        session,
        ctx,
        actor,
        req,
        RequestStatus.SUBMITTED,
        note=note,
        details={"submitted_at": at.isoformat(), "back_entered": back_entered},
    )


def submit_request(
    ctx: AppContext, actor: Actor, request_id: str, *, submitted_at: str = "", note: str = ""
) -> RequestView:
    """Submit a draft request to the research committee's process.

    Sets ``submitted_at`` and ``earliest_decision_date`` (the Riyadh date of submission + 14 days,
    the date the receipt gives the beneficiary).

    Args:
        ctx: The application context.
        actor: The staff member submitting it.
        request_id: The request (id or number).
        submitted_at: Empty for now; an ISO date-time (Riyadh time if no offset) to enter a paper
            request after the fact (not in the future, at most 366 days ago).
        note: Kept on the history event.

    Raises:
        PermissionDeniedError: The role may not submit requests.
        ValidationError: Not a draft; the beneficiary's data not verified; the declaration not
            signed, or signed on data that changed since; a bad ``submitted_at``.
        NotFoundError: No such request. Nothing is stored on any error.
    """
    text = clean_text(note, "note", max_len=MAX_NOTE, multiline=True)
    with ctx.store.write() as session:
        req = load_request(session, request_id)
        submit_in(session, ctx, actor, req, submitted_at=submitted_at, note=text)
        return request_view_in(session, req.id)


def submit_paper_request(
    ctx: AppContext,
    actor: Actor,
    *,
    beneficiary_id: str,
    type: str,
    signed_declaration: bool,
    amount: str = "",
    description: str = "",
    submitted_at: str = "",
) -> RequestView:
    """Open, declare (signed on paper) and submit a request in one step, all or nothing.

    For the command line and for paper requests brought to the desk: the staff member confirms
    the applicant signed the printed declaration (``signed_declaration``). The declaration
    attests the data on file now.

    Raises:
        ValidationError: ``signed_declaration`` is false, or any rule of
            ``create_request``, ``record_declaration`` and :func:`submit_request`.
        PermissionDeniedError, NotFoundError: As those use cases. Nothing is stored on any error.
    """
    if not signed_declaration:
        raise ValidationError("declaration", N_("must be signed before the request is submitted"))
    authorize(actor.role, Action.SUBMIT_REQUEST)
    at, back_entered = submission_time(submitted_at, ctx.now())
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
        declare_in(
            session,
            ctx,
            actor,
            req,
            method=DeclarationMethod.PAPER.value,
            signed_at=at if back_entered else None,
        )
        submit_in(session, ctx, actor, req, submitted_at=submitted_at)
        return request_view_in(session, req.id)


# Moves -----------------------------------------------------------------------------------------
def _require_documents(session: Session, req: SupportRequest) -> None:
    missing = session.scalars(
        select(RequestDocument)
        .where(
            RequestDocument.request_id == req.id,
            RequestDocument.deleted_at.is_(None),
            RequestDocument.required.is_(True),
            RequestDocument.received.is_(False),
        )
        .order_by(RequestDocument.sort_order, RequestDocument.code)
    ).all()
    if missing:
        raise ValidationError(
            "documents",
            N_("still missing, so the request cannot go to the committee: {documents}"),
            {"documents": _Labels(d.label for d in missing), "codes": [d.code for d in missing]},
        )


def _require_communicated(req: SupportRequest) -> None:
    if req.decision in FINAL_DECISIONS and req.communicated_at is None:
        raise ValidationError(
            "decision", N_("must be communicated to the beneficiary before the request is closed")
        )


def move_request(
    ctx: AppContext, actor: Actor, request_id: str, to_status: str, note: str = ""
) -> RequestView:
    """Move a request to another status, by the state machine's rules.

    Moving to ``submitted`` runs :func:`submit_request`; moving to ``accepted``, ``rejected`` or
    ``needs_info`` runs :func:`record_decision` with ``note`` as the reason; so no rule can be
    bypassed by choosing this function. Going to the committee needs every required document
    received; closing an accepted or rejected request needs the decision communicated.

    Raises:
        ValidationError: Out of order; required documents missing (named, in ``params["codes"]``
            too); the decision not yet communicated; or the rules of the target's use case.
        PermissionDeniedError: The role may not make this move.
        NotFoundError: No such request. Nothing is stored on any error.
    """
    target = RequestStatus.parse(to_status, "status")
    if target is RequestStatus.SUBMITTED:
        return submit_request(ctx, actor, request_id, note=note)
    if target in DECISION_OUTCOMES:
        return record_decision(ctx, actor, request_id, outcome=target.value, reason=note)
    text = clean_text(note, "note", max_len=MAX_NOTE, multiline=True)
    with ctx.store.write() as session:
        req = load_request(session, request_id)
        check_transition(req.status, target, actor.role)
        if target is RequestStatus.IN_COMMITTEE:
            _require_documents(session, req)
        if target is RequestStatus.CLOSED:
            _require_communicated(req)
        transition(session, ctx, actor, req, target, note=text)
        return request_view_in(session, req.id)


def close_request(ctx: AppContext, actor: Actor, request_id: str, note: str = "") -> RequestView:
    """Close a delivered or rejected request once its decision was communicated.

    Raises:
        As :func:`move_request` to ``closed``.
    """
    return move_request(ctx, actor, request_id, RequestStatus.CLOSED.value, note)


# The committee's decision and telling the beneficiary -------------------------------------------
def record_decision(
    ctx: AppContext, actor: Actor, request_id: str, *, outcome: str, reason: str
) -> RequestView:
    """Record the research committee's decision on a request before it.

    Args:
        ctx: The application context (its clock gives today's Riyadh date).
        actor: A committee member.
        request_id: The request (id or number).
        outcome: ``accepted``, ``rejected`` or ``needs_info`` (deferred until the information
            is complete).
        reason: Why (required, at most 2000 characters); for ``needs_info``, what is missing.

    Returns:
        The request with its decision, waiting to be communicated to the beneficiary.

    Raises:
        PermissionDeniedError: Not a committee member.
        ValidationError: Not before the committee; no reason; before the earliest decision date
            (``params["date"]``, shown in Hijri and Gregorian). Nothing is stored on any error.
        NotFoundError: No such request.
    """
    authorize(actor.role, Action.DECIDE_REQUEST)
    if committee_at_hq(ctx):
        raise PermissionDeniedError(
            N_(
                "This branch is enrolled with HQ: the committee decides at HQ and its decisions "
                "arrive here by sync."
            )
        )
    target = RequestStatus.parse(outcome, "decision")
    if target not in DECISION_OUTCOMES:
        raise ValidationError(
            "decision",
            N_("must be one of: {choices}"),
            {"choices": ", ".join(sorted(s.value for s in DECISION_OUTCOMES))},
        )
    text = clean_text(reason, "reason", max_len=MAX_REASON, required=True, multiline=True)
    with ctx.store.write() as session:
        req = load_request(session, request_id)
        check_transition(req.status, target, actor.role)
        check_decision_date(riyadh_today(ctx.now()), req.earliest_decision_date)
        req.decision = target.value
        req.decision_reason = text
        req.decided_by = actor.staff_id
        req.decided_at = ctx.now()
        # A new decision must be told anew, even if an earlier one (needs_info) was.
        req.communicated_at = req.communicated_by = None
        req.communicated_channel = req.communicated_contact_id = None
        transition(session, ctx, actor, req, target, note=text)
        return request_view_in(session, req.id)


def record_communication(
    ctx: AppContext,
    actor: Actor,
    request_id: str,
    *,
    channel: str,
    summary: str = "",
    direction: str = "out",
) -> RequestView:
    """Record that the beneficiary was told the committee's decision; that finishes it.

    A contact (topic ``request_status``) is logged on ``channel`` in the same transaction, with
    the contact log's own validation; until then the decision stays on the dashboard.

    Args:
        ctx: The application context.
        actor: The staff member who told the beneficiary.
        request_id: The request (id or number).
        channel: One of the eight channel codes, e.g. ``phone``.
        summary: What was said (defaults to the decision's reason).
        direction: ``out`` (the charity reached the beneficiary, as the policy asks) or ``in``.

    Raises:
        PermissionDeniedError: The role may not communicate decisions.
        ValidationError: No decision yet; already communicated; a contact field breaks its rule.
        NotFoundError: No such request. Nothing is stored on any error.
    """
    authorize(actor.role, Action.COMMUNICATE_DECISION)
    authorize(actor.role, Action.LOG_CONTACT)
    rec = ctx.recorder
    with ctx.store.write() as session:
        req = load_request(session, request_id)
        if req.decision is None:
            raise ValidationError("decision", N_("has not been recorded yet"))
        if req.communicated_at is not None:
            raise ValidationError("decision", N_("was already communicated to the beneficiary"))
        data = ContactInput(
            channel=channel,
            summary=summary or req.decision_reason or "",
            direction=direction,
            topic="request_status",
        )
        values = contact_values(data, ctx.now())
        contact = add_contact(session, ctx, actor, values, beneficiary_id=req.beneficiary_id)
        req.communicated_at = contact.at
        req.communicated_by = actor.staff_id
        req.communicated_channel = contact.channel
        req.communicated_contact_id = contact.id
        base = rec.stamp_update(req, actor_id=actor.staff_id)
        rec.record(
            session,
            req,
            action="request.communicate",
            actor_id=actor.staff_id,
            details={"channel": contact.channel, "contact_id": contact.id},
            base_version=base,
        )
        return request_view_in(session, req.id)
