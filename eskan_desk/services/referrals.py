"""Referring a beneficiary to the social research officer, and the researcher's inbox.

POLICY.md, step 3: when the procedures are unclear to the beneficiary (or the case needs social
research), the front desk refers them to the social research officer (مسؤول البحث الاجتماعي).
Every write goes through the change recorder (audited, queued for sync) in one transaction, and
every rule is checked inside it before anything is stored: a refusal stores nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from eskan_desk.app import AppContext
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.referrals import (
    ACTIVE,
    MAX_NOTE,
    ReferralReason,
    ReferralStatus,
    check_referral_move,
    check_referral_note,
    check_status_reason,
    parties,
)
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Beneficiary, Referral, Staff, SupportRequest
from eskan_desk.services.dto import JsonMixin
from eskan_desk.services.lookup import find_by_id_or_prefix
from eskan_desk.services.request_core import find_beneficiary, load_request
from eskan_desk.services.staff import Actor, this_branch_staff

INBOX_LIMIT = 500


@dataclass(frozen=True)
class ReferralView(JsonMixin):
    """A referral as the screens and ``eskan referrals --json`` show it (times in UTC).

    ``referred_by`` is the staff member who made it; ``status_reason`` why the last move was
    made (a rejection's reason, the outcome of a done referral, a revocation's reason).
    """

    id: str
    status: str
    reason: str
    note: str | None
    beneficiary_id: str
    file_no: str
    beneficiary_name: str
    request_id: str | None
    request_number: str | None
    researcher_id: str
    researcher_name: str | None
    referred_by: str | None
    referred_by_name: str | None
    created_at: dt.datetime
    status_reason: str | None
    status_changed_at: dt.datetime | None
    status_changed_by: str | None
    status_changed_by_name: str | None
    version: int


# Reading -----------------------------------------------------------------------------------------
_Researcher = aliased(Staff, name="researcher")
_Referrer = aliased(Staff, name="referrer")
_Changer = aliased(Staff, name="changer")


def _view_query() -> Select:
    return (
        select(
            Referral,
            Beneficiary.file_no,
            Beneficiary.first_name,
            Beneficiary.father_name,
            Beneficiary.grandfather_name,
            Beneficiary.family_name,
            SupportRequest.number.label("request_number"),
            _Researcher.full_name.label("researcher_name"),
            _Referrer.full_name.label("referred_by_name"),
            _Changer.full_name.label("changer_name"),
        )
        .join(Beneficiary, Beneficiary.id == Referral.beneficiary_id)
        .outerjoin(SupportRequest, SupportRequest.id == Referral.request_id)
        .outerjoin(_Researcher, _Researcher.id == Referral.researcher_id)
        .outerjoin(_Referrer, _Referrer.id == Referral.created_by)
        .outerjoin(_Changer, _Changer.id == Referral.status_changed_by)
        .where(Referral.deleted_at.is_(None), Beneficiary.deleted_at.is_(None))
    )


def _to_view(r: Any) -> ReferralView:
    row: Referral = r.Referral
    name = " ".join((r.first_name, r.father_name, r.grandfather_name, r.family_name))
    return ReferralView(
        id=row.id,
        status=row.status,
        reason=row.reason,
        note=row.note,
        beneficiary_id=row.beneficiary_id,
        file_no=r.file_no,
        beneficiary_name=name,
        request_id=row.request_id,
        request_number=r.request_number,
        researcher_id=row.researcher_id,
        researcher_name=r.researcher_name,
        referred_by=row.created_by,
        referred_by_name=r.referred_by_name,
        created_at=row.created_at,
        status_reason=row.status_reason,
        status_changed_at=row.status_changed_at,
        status_changed_by=row.status_changed_by,
        status_changed_by_name=r.changer_name,
        version=row.version,
    )


def _views(session: Session, query: Select) -> list[ReferralView]:
    return [_to_view(r) for r in session.execute(query)]


def referral_view_in(session: Session, referral_id: str) -> ReferralView:
    """One referral as plain data, read in an open session."""
    return _views(session, _view_query().where(Referral.id == referral_id))[0]


def load_referral(session: Session, key: str) -> Referral:
    """A live referral by id, or by the start of its id (at least 8 characters, unambiguous).

    Raises:
        NotFoundError: No such referral, or the start of the id fits more than one.
    """
    return find_by_id_or_prefix(session, Referral, key, N_("No referral with ID {key}"))


def get_referral(ctx: AppContext, key: str) -> ReferralView:
    """One referral with the names of the people on it.

    Raises:
        NotFoundError: No such referral.
    """
    with ctx.store.read() as session:
        return referral_view_in(session, load_referral(session, key).id)


def researcher_inbox(
    ctx: AppContext, actor: Actor, *, include_closed: bool = False
) -> list[ReferralView]:
    """The referrals waiting on the social research officer, oldest first.

    A researcher sees the referrals assigned to them; a supervisor or an administrator sees every
    researcher's.

    Args:
        ctx: The application context.
        actor: The signed-in staff member.
        include_closed: Also list rejected, done and revoked referrals.

    Returns:
        Open and accepted referrals (and the closed ones if asked), oldest first.

    Raises:
        PermissionDeniedError: The role does not work on referrals.
    """
    authorize(actor.role, Action.WORK_REFERRALS)
    query = _view_query()
    if actor.role is Role.RESEARCHER:
        query = query.where(Referral.researcher_id == actor.staff_id)
    if not include_closed:
        query = query.where(Referral.status.in_([s.value for s in ACTIVE]))
    query = query.order_by(Referral.created_at, Referral.id).limit(INBOX_LIMIT)
    with ctx.store.read() as session:
        return _views(session, query)


def referrals_for_beneficiary(ctx: AppContext, beneficiary_id: str) -> list[ReferralView]:
    """Every referral of a family file, newest first (for the family file page).

    Raises:
        NotFoundError: No such beneficiary.
    """
    with ctx.store.read() as session:
        ben = find_beneficiary(session, beneficiary_id)
        query = (
            _view_query()
            .where(Referral.beneficiary_id == ben.id)
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
        return _views(session, query)


def list_researchers(ctx: AppContext) -> list[tuple[str, str]]:
    """The active social research officers a referral may be assigned to.

    Returns:
        ``(staff_id, full_name)`` pairs, by name.
    """
    with ctx.store.read() as session:
        rows = session.execute(
            select(Staff.id, Staff.full_name)
            .where(*_active_researcher())
            .order_by(Staff.full_name, Staff.username)
        ).all()
    return [(r.id, r.full_name) for r in rows]


def _active_researcher() -> tuple[Any, ...]:
    return (
        Staff.role == Role.RESEARCHER.value,
        Staff.active.is_(True),
        Staff.deleted_at.is_(None),
    )


# Referring ---------------------------------------------------------------------------------------
def _researcher_in(session: Session, key: str) -> Staff:
    key = (key or "").strip()
    if not key:
        raise ValidationError("researcher", N_("is required"))
    staff = session.scalars(
        select(Staff)
        .where(
            or_(Staff.id == key, (Staff.username == key.lower()) & this_branch_staff()),
            *_active_researcher(),
        )
        .limit(1)
    ).first()
    if staff is None:
        raise ValidationError("researcher", N_("must be an active social research officer"))
    return staff


def refer_to_researcher(
    ctx: AppContext,
    actor: Actor,
    *,
    beneficiary_id: str,
    reason: str,
    researcher_id: str,
    note: str = "",
    request_id: str | None = None,
) -> ReferralView:
    """Refer a beneficiary to a social research officer (POLICY.md, step 3).

    Args:
        ctx: The application context.
        actor: The staff member making the referral (front desk, supervisor, administrator).
        beneficiary_id: The family file: id, file number or national ID.
        reason: ``unclear_procedures``, ``needs_research`` or ``other``.
        researcher_id: The researcher it is assigned to (staff id or username).
        note: What the researcher should know; required when ``reason`` is ``other``.
        request_id: A support request of the same beneficiary it concerns (id or number).

    Returns:
        The new referral, ``open``.

    Raises:
        PermissionDeniedError: The role may not refer.
        ValidationError: A bad reason; the researcher is not an active staff member with the
            researcher role; reason ``other`` without a note; the request is another
            beneficiary's.
        NotFoundError: No such beneficiary or request. Nothing is stored on any error.
    """
    authorize(actor.role, Action.REFER_TO_RESEARCHER)
    kind = ReferralReason.parse(reason, "referral_reason")
    text = clean_text(note, "note", max_len=MAX_NOTE, multiline=True)
    check_referral_note(kind, text)
    rec = ctx.recorder
    with ctx.store.write() as session:
        ben = find_beneficiary(session, beneficiary_id)
        researcher = _researcher_in(session, researcher_id)
        req_id = None
        if (request_id or "").strip():
            req = load_request(session, request_id or "")
            if req.beneficiary_id != ben.id:
                raise ValidationError("request", N_("belongs to another beneficiary"))
            req_id = req.id
        row = Referral(
            beneficiary_id=ben.id,
            request_id=req_id,
            reason=kind.value,
            note=text,
            researcher_id=researcher.id,
            status=ReferralStatus.OPEN.value,
        )
        rec.stamp_new(row, branch_id=actor.branch_id, actor_id=actor.staff_id)
        session.add(row)
        rec.record(
            session,
            row,
            action="referral.create",
            actor_id=actor.staff_id,
            details={"reason": kind.value, "researcher_id": researcher.id, "request_id": req_id},
        )
        return referral_view_in(session, row.id)


# Moves -----------------------------------------------------------------------------------------
def _move(
    ctx: AppContext,
    actor: Actor,
    referral_id: str,
    target: ReferralStatus,
    reason: str,
    field: str,
) -> ReferralView:
    text = clean_text(reason, field, max_len=MAX_NOTE, multiline=True)
    check_status_reason(target, text)
    rec = ctx.recorder
    with ctx.store.write() as session:
        row = load_referral(session, referral_id)
        current = ReferralStatus(row.status)
        acting_as = parties(
            actor_id=actor.staff_id, researcher_id=row.researcher_id, referred_by=row.created_by
        )
        check_referral_move(current, target, actor.role, acting_as)
        row.status = target.value
        row.status_reason = text
        row.status_changed_at = ctx.now()
        row.status_changed_by = actor.staff_id
        base = rec.stamp_update(row, actor_id=actor.staff_id)
        rec.record(
            session,
            row,
            action=f"referral.{target.value}",
            actor_id=actor.staff_id,
            details={"from": current.value, "to": target.value},
            base_version=base,
        )
        return referral_view_in(session, row.id)


def accept_referral(
    ctx: AppContext, actor: Actor, referral_id: str, note: str = ""
) -> ReferralView:
    """The researcher takes an open referral on.

    Args:
        ctx: The application context.
        actor: The assigned researcher, a supervisor or an administrator.
        referral_id: The referral (id or the start of it).
        note: Optional, e.g. when the beneficiary will be seen; kept on the referral.

    Raises:
        PermissionDeniedError: Neither the assigned researcher nor a supervisor or administrator.
        ValidationError: The referral is not open.
        NotFoundError: No such referral. Nothing is stored on any error.
    """
    authorize(actor.role, Action.WORK_REFERRALS)
    return _move(ctx, actor, referral_id, ReferralStatus.ACCEPTED, note, "status_reason")


def reject_referral(ctx: AppContext, actor: Actor, referral_id: str, reason: str) -> ReferralView:
    """The researcher turns an open referral down, saying why.

    Raises:
        PermissionDeniedError: Neither the assigned researcher nor a supervisor or administrator.
        ValidationError: No reason (field ``rejection_reason``); the referral is not open.
        NotFoundError: No such referral. Nothing is stored on any error.
    """
    authorize(actor.role, Action.WORK_REFERRALS)
    return _move(ctx, actor, referral_id, ReferralStatus.REJECTED, reason, "rejection_reason")


def complete_referral(
    ctx: AppContext, actor: Actor, referral_id: str, note: str = ""
) -> ReferralView:
    """The researcher has seen the beneficiary: the accepted referral is done.

    Args:
        ctx: The application context.
        actor: The assigned researcher, a supervisor or an administrator.
        referral_id: The referral (id or the start of it).
        note: The outcome, kept on the referral.

    Raises:
        PermissionDeniedError: Neither the assigned researcher nor a supervisor or administrator.
        ValidationError: The referral was not accepted.
        NotFoundError: No such referral. Nothing is stored on any error.
    """
    authorize(actor.role, Action.WORK_REFERRALS)
    return _move(ctx, actor, referral_id, ReferralStatus.DONE, note, "outcome")


def revoke_referral(
    ctx: AppContext, actor: Actor, referral_id: str, reason: str = ""
) -> ReferralView:
    """Withdraw an open or accepted referral (made in error, or no longer needed).

    Raises:
        PermissionDeniedError: Neither the staff member who made it nor a supervisor or
            administrator.
        ValidationError: The referral is already rejected, done or revoked.
        NotFoundError: No such referral. Nothing is stored on any error.
    """
    return _move(ctx, actor, referral_id, ReferralStatus.REVOKED, reason, "status_reason")
