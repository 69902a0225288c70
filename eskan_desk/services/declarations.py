"""The applicant's declaration (إقرار): what it attests, signing it, and whether it still holds.

POLICY.md step 4: the support applicant confirms the data is correct *and signs it*; they are
responsible for its correctness. The declaration keeps a SHA-256 of exactly the data it attests;
when the file changes afterwards the declaration is *outdated* and must be signed again before
the request can be submitted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import NotFoundError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.requests import (
    DECLARATION_FORM_VERSION,
    OPEN_FOR_PAPERWORK,
    DeclarationMethod,
    RequestStatus,
)
from eskan_desk.models import Beneficiary, Declaration, HouseholdMember, IncomeSource
from eskan_desk.models import SupportRequest as Request
from eskan_desk.services.attachments import PNG, store_attachment
from eskan_desk.services.beneficiaries import ATTESTED_FIELDS
from eskan_desk.services.request_core import load_request
from eskan_desk.services.request_dto import DeclarationView, declaration_view
from eskan_desk.services.serialize import canonical_json
from eskan_desk.services.staff import Actor

DeclarationState = Literal["missing", "signed", "outdated"]
_MEMBER_FIELDS = (
    "name",
    "national_id",
    "relation",
    "gender",
    "birth_date",
    "occupation",
    "has_disability",
    "has_chronic_illness",
)
_CLOCK_SKEW = dt.timedelta(minutes=5)


def _plain(value: Any) -> Any:
    """One canonical form per value, so the same data always hashes the same."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def attested_snapshot(session: Session, beneficiary_id: str, request: Request) -> dict[str, Any]:
    """The data a declaration attests: the applicant's file and what is asked for.

    Args:
        session: An open session.
        beneficiary_id: The applicant's family file.
        request: The request the declaration belongs to (its type and amount are attested).

    Returns:
        ``applicant`` (the attested fields of the file, names included), ``members`` and
        ``incomes`` (live rows, in a canonical order) and ``request`` (type, amount).

    Raises:
        NotFoundError: No such beneficiary.
    """
    ben = session.get(Beneficiary, beneficiary_id)
    if ben is None:
        raise NotFoundError(
            N_("No beneficiary with ID or file number {key}"), {"key": beneficiary_id}
        )
    members = session.scalars(
        select(HouseholdMember).where(
            HouseholdMember.beneficiary_id == ben.id, HouseholdMember.deleted_at.is_(None)
        )
    ).all()
    incomes = session.scalars(
        select(IncomeSource).where(
            IncomeSource.beneficiary_id == ben.id, IncomeSource.deleted_at.is_(None)
        )
    ).all()
    return {
        "applicant": {k: _plain(getattr(ben, k)) for k in ATTESTED_FIELDS},
        "members": sorted(
            ({k: _plain(getattr(m, k)) for k in _MEMBER_FIELDS} for m in members),
            key=canonical_json,
        ),
        "incomes": sorted(
            ({"kind": i.kind, "monthly_amount": _plain(i.monthly_amount)} for i in incomes),
            key=canonical_json,
        ),
        "request": {"type": request.type, "amount": _plain(request.amount)},
    }


def attested_hash(session: Session, beneficiary_id: str, request: Request) -> str:
    """SHA-256 (hex) of the canonical JSON of :func:`attested_snapshot`."""
    snapshot = attested_snapshot(session, beneficiary_id, request)
    return hashlib.sha256(canonical_json(snapshot).encode()).hexdigest()


def latest_declaration(session: Session, request_id: str) -> Declaration | None:
    """The declaration recorded last for a request (the one that counts), or None."""
    return session.scalars(
        select(Declaration)
        .where(Declaration.request_id == request_id, Declaration.deleted_at.is_(None))
        .order_by(Declaration.created_at.desc(), Declaration.id.desc())
        .limit(1)
    ).first()


def declaration_state_in(session: Session, request: Request) -> DeclarationState:
    """``missing``, ``signed`` or ``outdated``, read in an open session."""
    latest = latest_declaration(session, request.id)
    if latest is None:
        return "missing"
    current = attested_hash(session, request.beneficiary_id, request)
    return "signed" if latest.attested_hash == current else "outdated"


def declaration_state(ctx: AppContext, request_id: str) -> DeclarationState:
    """Whether the request has a declaration signed on the data as it is now.

    Returns:
        ``"missing"`` (never signed), ``"signed"`` (the latest declaration attests the current
        data) or ``"outdated"`` (the file, household, incomes, type or amount changed since).

    Raises:
        NotFoundError: No such request.
    """
    with ctx.store.read() as session:
        return declaration_state_in(session, load_request(session, request_id))


def declare_in(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    request: Request,
    *,
    method: str,
    signature_png: bytes | None = None,
    scan: bytes | None = None,
    printed_at: dt.datetime | None = None,
    signed_at: dt.datetime | None = None,
) -> Declaration:
    """Record a signed declaration in the caller's transaction (see :func:`record_declaration`)."""
    authorize(actor.role, Action.SUBMIT_REQUEST)
    status = RequestStatus(request.status)
    if status not in OPEN_FOR_PAPERWORK:
        raise ValidationError(
            "declaration", N_("cannot be signed while the request is {status}"), {"status": status}
        )
    how = DeclarationMethod.parse(method, "method")
    now = ctx.now()
    if printed_at is not None and printed_at > now + _CLOCK_SKEW:
        raise ValidationError("printed_at", N_("cannot be in the future"))
    if how is DeclarationMethod.PAD and not signature_png:
        raise ValidationError("signature", N_("is required when signing on the screen"))
    signature = scanned = None
    if signature_png is not None:
        signature = store_attachment(session, ctx, actor, signature_png, "signature.png")
        if signature.media_type != PNG:
            raise ValidationError("signature", N_("must be a PNG image"))
    if scan is not None:
        scanned = store_attachment(session, ctx, actor, scan, "declaration-scan")
    row = Declaration(
        request_id=request.id,
        beneficiary_id=request.beneficiary_id,
        form_version=DECLARATION_FORM_VERSION,
        attested_hash=attested_hash(session, request.beneficiary_id, request),
        printed_at=printed_at,
        signed_at=signed_at or now,
        method=how.value,
        signature_attachment_id=signature.id if signature else None,
        scan_attachment_id=scanned.id if scanned else None,
    )
    rec = ctx.recorder
    rec.stamp_new(row, branch_id=request.branch_id, actor_id=actor.staff_id)
    session.add(row)
    rec.record(
        session,
        row,
        action="declaration.sign",
        actor_id=actor.staff_id,
        details={"method": row.method, "form_version": row.form_version},
    )
    return row


def record_declaration(
    ctx: AppContext,
    actor: Actor,
    request_id: str,
    *,
    method: str,
    signature_png: bytes | None = None,
    scan: bytes | None = None,
    printed_at: dt.datetime | None = None,
) -> DeclarationView:
    """Record that the applicant signed the declaration of their request's data.

    Args:
        ctx: The application context.
        actor: The staff member who witnessed the signature.
        request_id: The request (id or number).
        method: ``"pad"`` (on-screen signature pad) or ``"paper"`` (printed and signed by hand).
        signature_png: The pad's signature image, PNG (required for ``pad``).
        scan: The signed paper scanned (PNG, JPEG or PDF), optional.
        printed_at: When the declaration was printed (not in the future).

    Returns:
        The declaration, with ``state`` ``"signed"``.

    Raises:
        PermissionDeniedError: The role may not take requests in.
        ValidationError: The request is past the paperwork stage, no signature for ``pad``, a
            signature or scan that is not a readable file (nothing is stored).
        NotFoundError: No such request.
    """
    with ctx.store.write() as session:
        request = load_request(session, request_id)
        row = declare_in(
            session,
            ctx,
            actor,
            request,
            method=method,
            signature_png=signature_png,
            scan=scan,
            printed_at=printed_at,
        )
        return declaration_view(row, "signed")
