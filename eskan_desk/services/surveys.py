"""Satisfaction surveys (قياس رضا المستفيد): offering one, the beneficiary's answer, the figures,
and (in services.kiosk_pin) the PIN that keeps the survey kiosk closed to the beneficiary.

POLICY.md: rating the service is the beneficiary's right, a tool for improvement and not for
punishment or shaming. So the beneficiary answers on the kiosk with no staff member signed in
(the answer is recorded with no actor), a survey row names no employee, an anonymous answer keeps
no link to the beneficiary or to the offer, and the figures never break down by employee.
Offers are tracked (offered, declined, answered) so the response rate counts those who said no.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import (
    ConflictError,
    NotFoundError,
    StoreError,
    ValidationError,
)
from eskan_desk.domain.feedback import (
    DIMENSIONS,
    MAX_COMMENT,
    SurveyStatus,
    check_survey_open,
    validate_score,
)
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.requests import RequestStatus
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Contact, SatisfactionSurvey, SurveyOffer, SyncState
from eskan_desk.services.dto import JsonMixin

# Re-exported (``x as x``): the kiosk PIN and the figures live in modules of their own.
from eskan_desk.services.kiosk_pin import check_kiosk_pin as check_kiosk_pin
from eskan_desk.services.kiosk_pin import kiosk_ready as kiosk_ready
from eskan_desk.services.kiosk_pin import set_kiosk_pin as set_kiosk_pin
from eskan_desk.services.lookup import find_beneficiary
from eskan_desk.services.request_core import load_request
from eskan_desk.services.staff import BRANCH_KEY, Actor
from eskan_desk.services.survey_stats import survey_stats as survey_stats
from eskan_desk.services.survey_stats import survey_stats_in as survey_stats_in

# A service is surveyed once it has been given (POLICY.md step 7: service delivered, then survey).
SURVEYED_REQUEST_STATUSES = frozenset({RequestStatus.DELIVERED, RequestStatus.CLOSED})


@dataclass(frozen=True)
class OfferView(JsonMixin):
    """An offered survey (times in UTC). ``offered_by`` is the staff member who offered it."""

    id: str
    status: str
    beneficiary_id: str | None
    contact_id: str | None
    request_id: str | None
    offered_at: dt.datetime
    offered_by: str | None
    version: int


@dataclass(frozen=True)
class SurveyView(JsonMixin):
    """One answer, naming no employee; ``offer_id`` and ``beneficiary_id`` None if anonymous."""

    id: str
    offer_id: str | None
    beneficiary_id: str | None
    anonymous: bool
    answered_at: dt.datetime
    courtesy: int
    speed: int
    clarity: int
    overall: int
    comment: str | None


@dataclass(frozen=True)
class Scores:
    """The four validated scores and the cleaned comment."""

    courtesy: int
    speed: int
    clarity: int
    overall: int
    comment: str | None


def _offer_view(row: SurveyOffer) -> OfferView:
    return OfferView(
        id=row.id,
        status=row.status,
        beneficiary_id=row.beneficiary_id,
        contact_id=row.contact_id,
        request_id=row.request_id,
        offered_at=row.offered_at,
        offered_by=row.offered_by,
        version=row.version,
    )


def _survey_view(row: SatisfactionSurvey) -> SurveyView:
    return SurveyView(
        id=row.id,
        offer_id=row.offer_id,
        beneficiary_id=row.beneficiary_id,
        anonymous=row.anonymous,
        answered_at=row.answered_at,
        courtesy=row.courtesy,
        speed=row.speed,
        clarity=row.clarity,
        overall=row.overall,
        comment=row.comment,
    )


def validate_scores(
    *, courtesy: Any, speed: Any, clarity: Any, overall: Any, comment: str | None = ""
) -> Scores:
    """Check the four 1-5 scores and the comment before anything is written.

    Raises:
        ValidationError: Named by the first dimension outside 1-5, or ``comment`` too long.
    """
    given = {"courtesy": courtesy, "speed": speed, "clarity": clarity, "overall": overall}
    scores = {dim: validate_score(given[dim], dim) for dim in DIMENSIONS}
    text = clean_text(comment, "comment", max_len=MAX_COMMENT, multiline=True)
    return Scores(comment=text, **scores)


# Offers -------------------------------------------------------------------------------------------
def load_offer(session: Session, offer_id: str) -> SurveyOffer:
    """A live offer by id, in an open session.

    Raises:
        NotFoundError: No such offer.
    """
    row = session.get(SurveyOffer, (offer_id or "").strip())
    if row is None or row.deleted_at is not None:
        raise NotFoundError(N_("No survey offer with ID {key}"), {"key": offer_id})
    return row


def _load_contact(session: Session, contact_id: str) -> Contact:
    row = session.get(Contact, contact_id.strip())
    if row is None or row.deleted_at is not None:
        raise NotFoundError(N_("No contact with ID {key}"), {"key": contact_id})
    return row


def _same_beneficiary(found: str | None, other: str | None, field: str) -> str | None:
    if found and other and found != other:
        raise ValidationError(field, N_("belongs to another beneficiary"))
    return found or other


def _existing_offer(session: Session, column: Any, value: str) -> SurveyOffer | None:
    return session.scalars(
        select(SurveyOffer).where(column == value, SurveyOffer.deleted_at.is_(None)).limit(1)
    ).first()


def _offer_links(
    session: Session, contact_id: str | None, request_id: str | None, beneficiary_id: str | None
) -> dict[str, str | None]:
    """Check what the survey follows; the beneficiary comes from it when not given."""
    if not (contact_id or "").strip() and not (request_id or "").strip():
        raise ValidationError(
            "survey_offer", N_("must follow a contact or a delivered support request")
        )
    links: dict[str, str | None] = {"contact_id": None, "request_id": None}
    ben_id = (
        find_beneficiary(session, beneficiary_id).id if (beneficiary_id or "").strip() else None
    )
    if (contact_id or "").strip():
        contact = _load_contact(session, contact_id or "")
        ben_id = _same_beneficiary(contact.beneficiary_id, ben_id, "contact")
        links["contact_id"] = contact.id
    if (request_id or "").strip():
        req = load_request(session, request_id or "")
        if RequestStatus(req.status) not in SURVEYED_REQUEST_STATUSES:
            raise ValidationError(
                "request",
                N_("must be delivered or closed before the beneficiary is surveyed about it"),
            )
        ben_id = _same_beneficiary(req.beneficiary_id, ben_id, "request")
        links["request_id"] = req.id
    links["beneficiary_id"] = ben_id
    return links


def _refuse_second_offer(session: Session, links: dict[str, str | None]) -> None:
    # One offer per contact and per request: offering twice would count one visit twice.
    for field, column in (("contact", SurveyOffer.contact_id), ("request", SurveyOffer.request_id)):
        value = links[f"{field}_id"]
        if value and _existing_offer(session, column, value) is not None:
            raise ConflictError(field, N_("already has a survey offered"))


def _add_offer(
    session: Session, ctx: AppContext, actor: Actor, links: dict[str, str | None]
) -> SurveyOffer:
    rec = ctx.recorder
    row = SurveyOffer(
        beneficiary_id=links["beneficiary_id"],
        contact_id=links["contact_id"],
        request_id=links["request_id"],
        offered_at=ctx.now(),
        offered_by=actor.staff_id,
        status=SurveyStatus.OFFERED.value,
    )
    rec.stamp_new(row, branch_id=actor.branch_id, actor_id=actor.staff_id)
    session.add(row)
    rec.record(
        session,
        row,
        action="survey.offer",
        actor_id=actor.staff_id,
        details={"contact_id": row.contact_id, "request_id": row.request_id},
    )
    return row


def offer_survey(
    ctx: AppContext,
    actor: Actor,
    *,
    contact_id: str | None = None,
    request_id: str | None = None,
    beneficiary_id: str | None = None,
) -> OfferView:
    """Offer the satisfaction survey after a contact or a delivered service.

    Args:
        ctx: The application context.
        actor: The staff member who served the beneficiary (any role but the committee).
        contact_id: The contact it follows.
        request_id: The support request it follows (id or number); delivered or closed.
        beneficiary_id: The family file (id, file number or national ID); taken from the contact
            or the request when not given.

    Returns:
        The offer, ``offered``.

    Raises:
        PermissionDeniedError: The role may not offer surveys.
        ValidationError: Neither a contact nor a request; the request is not delivered or
            closed; the links name different beneficiaries.
        ConflictError: The contact or the request already has an offer.
        NotFoundError: No such contact, request or beneficiary. Nothing is stored on any error.
    """
    authorize(actor.role, Action.OFFER_SURVEY)
    with ctx.store.write() as session:
        links = _offer_links(session, contact_id, request_id, beneficiary_id)
        _refuse_second_offer(session, links)
        return _offer_view(_add_offer(session, ctx, actor, links))


def decline_survey(ctx: AppContext, actor: Actor | None, offer_id: str) -> OfferView:
    """The beneficiary would rather not answer: the offer counts, unanswered.

    Args:
        ctx: The application context.
        actor: The staff member recording it, or None when the beneficiary declines on the
            kiosk themselves (declining, like answering, is their own choice).
        offer_id: The offer.

    Raises:
        PermissionDeniedError: The staff member's role may not offer surveys.
        ValidationError: The offer was already answered or declined.
        NotFoundError: No such offer. Nothing is stored on any error.
    """
    if actor is not None:
        authorize(actor.role, Action.OFFER_SURVEY)
    actor_id = actor.staff_id if actor else None
    rec = ctx.recorder
    with ctx.store.write() as session:
        row = load_offer(session, offer_id)
        check_survey_open(row.status)
        row.status = SurveyStatus.DECLINED.value
        base = rec.stamp_update(row, actor_id=actor_id)
        rec.record(session, row, action="survey.decline", actor_id=actor_id, base_version=base)
        return _offer_view(row)


def get_offer(ctx: AppContext, offer_id: str) -> OfferView:
    """One offer.

    Raises:
        NotFoundError: No such offer.
    """
    with ctx.store.read() as session:
        return _offer_view(load_offer(session, offer_id))


# Answers ----------------------------------------------------------------------------------------
def _branch_id(session: Session) -> str:
    state = session.get(SyncState, BRANCH_KEY)
    if state is None:
        raise StoreError(N_("This store is not set up yet. Run 'eskan init' first."))
    return state.value


def _add_answer(
    session: Session,
    ctx: AppContext,
    scores: Scores,
    *,
    offer: SurveyOffer | None,
    anonymous: bool,
    audit_actor: str | None,
    source: str,
) -> SatisfactionSurvey:
    """Store one answer; the offer (if any) becomes answered. The survey row names nobody."""
    rec = ctx.recorder
    if offer is not None:
        check_survey_open(offer.status)
        offer.status = SurveyStatus.ANSWERED.value
        base = rec.stamp_update(offer, actor_id=None)
        rec.record(session, offer, action="survey.answered", actor_id=None, base_version=base)
    row = SatisfactionSurvey(
        # Anonymous: no link to the beneficiary, nor to the offer that names them.
        offer_id=None if anonymous or offer is None else offer.id,
        beneficiary_id=None if anonymous or offer is None else offer.beneficiary_id,
        anonymous=anonymous,
        answered_at=ctx.now(),
        courtesy=scores.courtesy,
        speed=scores.speed,
        clarity=scores.clarity,
        overall=scores.overall,
        comment=scores.comment,
    )
    branch_id = offer.branch_id if offer is not None else _branch_id(session)
    rec.stamp_new(row, branch_id=branch_id, actor_id=None)
    session.add(row)
    rec.record(
        session,
        row,
        action="survey.answer",
        actor_id=audit_actor,
        details={"anonymous": anonymous, "source": source},
    )
    return row


def answer_survey(
    ctx: AppContext,
    *,
    offer_id: str | None = None,
    courtesy: int | str,
    speed: int | str,
    clarity: int | str,
    overall: int | str,
    comment: str | None = "",
    anonymous: bool = False,
) -> SurveyView:
    """The beneficiary's answer, given on the survey kiosk (no staff member acts: no actor).

    Args:
        ctx: The application context.
        offer_id: The offer it answers; None for a beneficiary who walked up to the kiosk.
        courtesy: 1-5, how courteous the staff were.
        speed: 1-5, how fast the service was.
        clarity: 1-5, how clear the explanations and procedures were.
        overall: 1-5, overall satisfaction.
        comment: Optional free text.
        anonymous: Keep no link to the beneficiary (nor to the offer, which names them).

    Returns:
        The stored answer.

    Raises:
        ValidationError: A score outside 1-5 (named by its dimension), a comment too long, or
            the offer already answered or declined.
        NotFoundError: No such offer. Nothing is stored on any error.
    """
    scores = validate_scores(
        courtesy=courtesy, speed=speed, clarity=clarity, overall=overall, comment=comment
    )
    with ctx.store.write() as session:
        offer = load_offer(session, offer_id) if offer_id else None
        row = _add_answer(
            session, ctx, scores, offer=offer, anonymous=anonymous, audit_actor=None, source="kiosk"
        )
        return _survey_view(row)


def record_paper_survey(
    ctx: AppContext,
    actor: Actor,
    *,
    courtesy: int | str,
    speed: int | str,
    clarity: int | str,
    overall: int | str,
    comment: str | None = "",
    anonymous: bool = False,
    contact_id: str | None = None,
) -> SurveyView:
    """Type in a survey the beneficiary filled in on paper.

    With a contact, its offer is answered (one is made if the contact had none), so the
    response rate stays true. The survey row names no employee; the audit trail records who
    typed it in, so answers cannot be made up unseen.

    Raises:
        PermissionDeniedError: The role may not offer surveys.
        ValidationError: A score outside 1-5; the contact's offer was already answered or
            declined.
        NotFoundError: No such contact. Nothing is stored on any error.
    """
    authorize(actor.role, Action.OFFER_SURVEY)
    scores = validate_scores(
        courtesy=courtesy, speed=speed, clarity=clarity, overall=overall, comment=comment
    )
    with ctx.store.write() as session:
        offer = None
        if (contact_id or "").strip():
            contact = _load_contact(session, contact_id or "")
            offer = _existing_offer(session, SurveyOffer.contact_id, contact.id)
            if offer is None:
                links = _offer_links(session, contact.id, None, None)
                offer = _add_offer(session, ctx, actor, links)
        row = _add_answer(
            session,
            ctx,
            scores,
            offer=offer,
            anonymous=anonymous,
            audit_actor=actor.staff_id,
            source="paper",
        )
        return _survey_view(row)
