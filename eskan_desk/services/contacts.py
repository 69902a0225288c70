"""The contact log: record an interaction on any of the eight channels; a file's timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.channels import validate_channel_details
from eskan_desk.domain.dates import parse_iso_datetime, riyadh_today, to_riyadh
from eskan_desk.domain.enums import Channel, ContactTopic, Direction
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.phone import normalize_mobile
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Beneficiary, Contact, Staff
from eskan_desk.services.dto import ContactView
from eskan_desk.services.lookup import find_beneficiary
from eskan_desk.services.staff import Actor

MAX_SUMMARY = 4000
MAX_BACK_ENTRY_DAYS = 366


@dataclass
class ContactInput:
    """A contact as typed. ``beneficiary_id`` empty means an anonymous inquiry."""

    channel: str = ""
    summary: str = ""
    beneficiary_id: str = ""
    direction: str = "in"
    topic: str = "inquiry"
    outcome: str = ""
    at: str = ""  # empty: now; otherwise back-entered from a paper record
    follow_up_on: str = ""
    caller_name: str = ""
    caller_mobile: str = ""
    call_duration: str = ""
    visit_location: str = ""
    letter_ref: str = ""
    letter_date: str = ""
    social_platform: str = ""


def _opt(s: str) -> str | None:
    s = (s or "").strip()
    return s or None


def _contact_time(raw: str, now: dt.datetime) -> tuple[dt.datetime, bool]:
    if not (raw or "").strip():
        return now, False
    at = parse_iso_datetime(raw, "at")
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError("at", N_("cannot be in the future"))
    if at < now - dt.timedelta(days=MAX_BACK_ENTRY_DAYS):
        raise ValidationError(
            "at", N_("cannot be more than {days} days ago"), {"days": MAX_BACK_ENTRY_DAYS}
        )
    return at, True


def _follow_up(raw: str, today: dt.date) -> dt.date | None:
    if not (raw or "").strip():
        return None
    d = parse_iso_datetime(raw, "follow_up_on")
    day = to_riyadh(d).date()
    if day < today:
        raise ValidationError("follow_up_on", N_("cannot be in the past"))
    return day


def log_contact(ctx: AppContext, actor: Actor, data: ContactInput) -> ContactView:
    """Record one contact. Anonymous inquiries (no beneficiary) count too.

    Raises:
        ValidationError: a field breaks its rule (nothing is stored).
        NotFoundError: the beneficiary does not exist.
    """
    authorize(actor.role, Action.LOG_CONTACT)
    values = contact_values(data, ctx.now())
    with ctx.store.write() as session:
        beneficiary_id = _resolve_beneficiary(session, data.beneficiary_id)
        contact = add_contact(session, ctx, actor, values, beneficiary_id=beneficiary_id)
        return _view(contact, actor.full_name)


def contact_values(data: ContactInput, now: dt.datetime) -> dict[str, Any]:
    """Validate a contact as typed, before any write.

    Args:
        data: The contact as typed (``beneficiary_id`` is resolved by the caller).
        now: The current time (UTC): back-entered times and follow-up dates are checked against it.

    Returns:
        The column values of a :class:`Contact`, without ``beneficiary_id`` and ``staff_id``.

    Raises:
        ValidationError: a field breaks its rule.
    """
    today = riyadh_today(now)
    channel = Channel.parse((data.channel or "").strip(), "channel")
    direction = Direction.parse((data.direction or "in").strip(), "direction")
    topic = ContactTopic.parse((data.topic or "inquiry").strip(), "topic")
    summary = clean_text(
        data.summary, "summary", max_len=MAX_SUMMARY, required=True, multiline=True
    )
    outcome = clean_text(data.outcome, "outcome", max_len=MAX_SUMMARY, multiline=True)
    at, back_entered = _contact_time(data.at, now)
    follow_up_on = _follow_up(data.follow_up_on, today)
    details = validate_channel_details(
        channel,
        call_duration=_opt(data.call_duration),
        visit_location=_opt(data.visit_location),
        letter_ref=_opt(data.letter_ref),
        letter_date=_opt(data.letter_date),
        social_platform=_opt(data.social_platform),
        today=today,
    )
    caller_name = clean_text(data.caller_name, "caller_name", max_len=160)
    caller_mobile = normalize_mobile(data.caller_mobile) if _opt(data.caller_mobile) else None
    return {
        "channel": channel.value,
        "direction": direction.value,
        "at": at,
        "topic": topic.value,
        "summary": summary,
        "outcome": outcome,
        "follow_up_on": follow_up_on,
        "caller_name": caller_name,
        "caller_mobile": caller_mobile,
        "call_duration_s": details.call_duration_s,
        "visit_location": details.visit_location,
        "letter_ref": details.letter_ref,
        "letter_date": details.letter_date,
        "social_platform": details.social_platform.value if details.social_platform else None,
        "back_entered": back_entered,
    }


def add_contact(
    session: Session,
    ctx: AppContext,
    actor: Actor,
    values: dict[str, Any],
    *,
    beneficiary_id: str | None,
) -> Contact:
    """Add a validated contact (from :func:`contact_values`) in the caller's transaction.

    The row is stamped, audited and queued for sync like every write; other use cases that
    must leave a contact (telling a beneficiary a decision) call this inside their own write.
    """
    rec = ctx.recorder
    contact = Contact(beneficiary_id=beneficiary_id, staff_id=actor.staff_id, **values)
    # A contact belongs to the family's branch: a call the committee's HQ device makes about a
    # branch's family reaches that branch's timeline by sync.
    owner = session.get(Beneficiary, beneficiary_id) if beneficiary_id else None
    rec.stamp_new(
        contact, branch_id=owner.branch_id if owner else actor.branch_id, actor_id=actor.staff_id
    )
    session.add(contact)
    rec.record(
        session,
        contact,
        action="contact.log",
        actor_id=actor.staff_id,
        details={"channel": contact.channel, "back_entered": contact.back_entered},
    )
    return contact


def _resolve_beneficiary(session: Session, key: str) -> str | None:
    """The file's id, or None for an anonymous inquiry (no key given)."""
    return find_beneficiary(session, key).id if (key or "").strip() else None


def contact_views(session: Session, *, beneficiary_id: str, limit: int = 200) -> list[ContactView]:
    """A file's timeline: its contacts, newest first."""
    rows = session.execute(
        select(Contact, Staff.full_name)
        .outerjoin(Staff, Staff.id == Contact.staff_id)
        .where(Contact.beneficiary_id == beneficiary_id, Contact.deleted_at.is_(None))
        .order_by(Contact.at.desc())
        .limit(limit)
    ).all()
    return [_view(c, name) for c, name in rows]


def timeline(ctx: AppContext, beneficiary_id: str, *, limit: int = 200) -> list[ContactView]:
    """Every contact with the beneficiary, newest first."""
    with ctx.store.read() as session:
        return contact_views(session, beneficiary_id=beneficiary_id, limit=limit)


def _view(c: Contact, staff_name: str | None) -> ContactView:
    return ContactView(
        id=c.id,
        beneficiary_id=c.beneficiary_id,
        channel=c.channel,
        direction=c.direction,
        at=c.at,
        topic=c.topic,
        summary=c.summary,
        outcome=c.outcome,
        follow_up_on=c.follow_up_on,
        staff_id=c.staff_id,
        staff_name=staff_name,
        caller_name=c.caller_name,
        call_duration_s=c.call_duration_s,
        visit_location=c.visit_location,
        letter_ref=c.letter_ref,
        letter_date=c.letter_date,
        social_platform=c.social_platform,
        back_entered=c.back_entered,
    )
