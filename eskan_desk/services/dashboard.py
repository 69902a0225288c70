"""The dashboard: follow-ups due and overdue, recent contacts, the week by channel, and what waits
on the signed-in staff member's role.

Every reader takes an open session so :func:`load_dashboard` can gather the whole screen in one
read transaction on the database worker; the public single-purpose functions open their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import RIYADH, riyadh_today, week_bounds
from eskan_desk.domain.enums import Channel, RegistrationStatus, Role
from eskan_desk.domain.errors import NotFoundError, ValidationError
from eskan_desk.domain.feedback import WAITING as FEEDBACK_WAITING
from eskan_desk.domain.markers import N_
from eskan_desk.domain.referrals import ACTIVE as ACTIVE_REFERRALS
from eskan_desk.domain.requests import AWAITING_DECISION, RequestStatus
from eskan_desk.models import Beneficiary, Contact, Feedback, Referral, Staff, SupportRequest
from eskan_desk.services.staff import Actor

WAITING_SAMPLE = 10  # files listed under each waiting kind (the oldest first)
FEEDBACK_SNIPPET = 60  # characters of an unnamed suggestion shown in place of a name


@dataclass(frozen=True)
class FollowUpItem:
    """A contact whose follow-up is due and not yet done."""

    contact_id: str
    beneficiary_id: str | None
    beneficiary_name: str  # the four-part name, or the caller's name for an anonymous inquiry
    file_no: str | None
    mobile: str | None  # E.164
    follow_up_on: dt.date
    channel: str
    topic: str
    summary: str
    staff_name: str | None


@dataclass(frozen=True)
class FollowUps:
    due_today: list[FollowUpItem]
    overdue: list[FollowUpItem]  # oldest follow-up date first


@dataclass(frozen=True)
class RecentContact:
    contact_id: str
    at: dt.datetime  # UTC
    channel: str
    direction: str
    topic: str
    summary: str
    beneficiary_id: str | None
    beneficiary_name: str
    file_no: str | None
    staff_name: str | None


class WaitingFile(NamedTuple):
    """One family file listed under a waiting kind; ``beneficiary_id`` None when anonymous."""

    beneficiary_id: str | None
    file_no: str | None
    name: str


@dataclass(frozen=True)
class WaitingItem:
    """Something waiting on the signed-in role: a kind code, its English label, how many."""

    kind: str
    label: str  # catalog message; translate it to show it
    count: int
    items: list[WaitingFile]


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    week_start: dt.date  # Sunday
    week_end: dt.date  # Saturday
    follow_ups: FollowUps
    recent: list[RecentContact]
    week_counts: dict[str, int]  # every channel code, in the Channel enum's order
    waiting: list[WaitingItem]


# Follow-ups -------------------------------------------------------------------------------------
_NAME_COLUMNS = (
    Beneficiary.first_name,
    Beneficiary.father_name,
    Beneficiary.grandfather_name,
    Beneficiary.family_name,
)


def _person_name(row: Any) -> str:
    if row.beneficiary_id is None:
        return row.caller_name or ""
    return " ".join((row.first_name, row.father_name, row.grandfather_name, row.family_name))


def _live_contacts(query: Select) -> Select:
    """Join the file and the staff member; leave out tombstoned contacts and deleted files."""
    return (
        query.outerjoin(Beneficiary, Beneficiary.id == Contact.beneficiary_id)
        .outerjoin(Staff, Staff.id == Contact.staff_id)
        .where(
            Contact.deleted_at.is_(None),
            or_(Contact.beneficiary_id.is_(None), Beneficiary.deleted_at.is_(None)),
        )
    )


def _pending_follow_ups(
    session: Session, *, on: dt.date | None, before: dt.date | None, limit: int
):
    query = _live_contacts(
        select(
            Contact.id,
            Contact.beneficiary_id,
            *_NAME_COLUMNS,
            Beneficiary.file_no,
            Beneficiary.mobile,
            Contact.caller_name,
            Contact.caller_mobile,
            Contact.follow_up_on,
            Contact.channel,
            Contact.topic,
            Contact.summary,
            Staff.full_name.label("staff_name"),
        )
    ).where(Contact.follow_up_done_at.is_(None))
    if on is not None:
        query = query.where(Contact.follow_up_on == on)
    if before is not None:
        query = query.where(Contact.follow_up_on < before)
    query = query.order_by(Contact.follow_up_on, Contact.at).limit(limit)
    return [
        FollowUpItem(
            contact_id=r.id,
            beneficiary_id=r.beneficiary_id,
            beneficiary_name=_person_name(r),
            file_no=r.file_no,
            mobile=r.mobile if r.beneficiary_id else r.caller_mobile,
            follow_up_on=r.follow_up_on,
            channel=r.channel,
            topic=r.topic,
            summary=r.summary,
            staff_name=r.staff_name,
        )
        for r in session.execute(query)
    ]


def follow_ups_in(session: Session, today: dt.date, *, limit: int = 100) -> FollowUps:
    """Follow-ups due ``today`` and those overdue, not done, read in an open session."""
    return FollowUps(
        due_today=_pending_follow_ups(session, on=today, before=None, limit=limit),
        overdue=_pending_follow_ups(session, on=None, before=today, limit=limit),
    )


def follow_ups(ctx: AppContext, *, today: dt.date | None = None, limit: int = 100) -> FollowUps:
    """Follow-ups due today and overdue ones that nobody has marked done.

    Args:
        ctx: The application context.
        today: The Riyadh date to compare with (defaults to today by ``ctx.now``).
        limit: The most items returned in each list.

    Returns:
        ``due_today`` (in the order the contacts were made) and ``overdue`` (oldest first).
    """
    day = today or riyadh_today(ctx.now())
    with ctx.store.read() as session:
        return follow_ups_in(session, day, limit=limit)


def mark_follow_up_done(ctx: AppContext, actor: Actor, contact_id: str) -> None:
    """Record that the follow-up of a contact was done (audited and queued for sync).

    Marking a follow-up that is already done changes nothing.

    Raises:
        NotFoundError: no such contact.
        ValidationError: the contact has no follow-up date.
    """
    rec = ctx.recorder
    with ctx.store.write() as session:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.deleted_at is not None:
            raise NotFoundError(N_("No contact with ID {key}"), {"key": contact_id})
        if contact.follow_up_on is None:
            raise ValidationError("follow_up_on", N_("is not set for this contact"))
        if contact.follow_up_done_at is not None:
            return
        contact.follow_up_done_at = ctx.now()
        base = rec.stamp_update(contact, actor_id=actor.staff_id)
        rec.record(
            session,
            contact,
            action="contact.follow_up_done",
            actor_id=actor.staff_id,
            details={"follow_up_on": contact.follow_up_on.isoformat()},
            base_version=base,
        )


# Recent contacts and the week -------------------------------------------------------------------
def recent_contacts_in(session: Session, *, limit: int = 15) -> list[RecentContact]:
    """The newest contacts, read in an open session (``ix_contacts_at``)."""
    query = _live_contacts(
        select(
            Contact.id,
            Contact.at,
            Contact.channel,
            Contact.direction,
            Contact.topic,
            Contact.summary,
            Contact.beneficiary_id,
            *_NAME_COLUMNS,
            Beneficiary.file_no,
            Contact.caller_name,
            Staff.full_name.label("staff_name"),
        )
    ).order_by(Contact.at.desc(), Contact.id.desc())
    return [
        RecentContact(
            contact_id=r.id,
            at=r.at,
            channel=r.channel,
            direction=r.direction,
            topic=r.topic,
            summary=r.summary,
            beneficiary_id=r.beneficiary_id,
            beneficiary_name=_person_name(r),
            file_no=r.file_no,
            staff_name=r.staff_name,
        )
        for r in session.execute(query.limit(limit))
    ]


def recent_contacts(ctx: AppContext, *, limit: int = 15) -> list[RecentContact]:
    """The newest contacts on any channel, newest first, with who they were with and by whom."""
    with ctx.store.read() as session:
        return recent_contacts_in(session, limit=limit)


def week_utc_range(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The Sunday-Saturday Riyadh week holding ``today``, as a half-open UTC range."""
    sunday, _saturday = week_bounds(today)
    start = dt.datetime.combine(sunday, dt.time(), tzinfo=RIYADH)
    end = start + dt.timedelta(days=7)  # Riyadh keeps no daylight saving: always 7 x 24 hours
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def week_channel_counts_in(session: Session, today: dt.date) -> dict[str, int]:
    """Contacts per channel in the week holding ``today``, read in an open session."""
    start, end = week_utc_range(today)
    rows = session.execute(
        select(Contact.channel, func.count())
        .where(Contact.at >= start, Contact.at < end, Contact.deleted_at.is_(None))
        .group_by(Contact.channel)
    ).all()
    found = dict(rows)
    return {c.value: found.get(c.value, 0) for c in Channel}


def week_channel_counts(ctx: AppContext, *, today: dt.date | None = None) -> dict[str, int]:
    """How many contacts each channel had this Sunday-Saturday week (Asia/Riyadh).

    Args:
        ctx: The application context.
        today: Any date in the week (defaults to today by ``ctx.now``).

    Returns:
        Every channel code, zeros included, in the order of :class:`Channel`.
    """
    day = today or riyadh_today(ctx.now())
    with ctx.store.read() as session:
        return week_channel_counts_in(session, day)


# Waiting for the role ----------------------------------------------------------------------------
# A collector counts what waits and lists the oldest few: (session, today) -> (count, files).
Collector = Callable[[Session, dt.date], tuple[int, list[WaitingFile]]]
# What is assigned to one staff member: (session, today, staff_id) -> (count, files).
StaffCollector = Callable[[Session, dt.date, str], tuple[int, list[WaitingFile]]]


@dataclass(frozen=True)
class WaitingKind:
    code: str
    label: str
    roles: frozenset[Role]
    collect: Collector | StaffCollector
    per_staff: bool = False  # True: ``collect`` is a StaffCollector, given the actor's staff id


def _unverified_files(session: Session, _today: dt.date) -> tuple[int, list[WaitingFile]]:
    cond = (
        Beneficiary.deleted_at.is_(None),
        Beneficiary.registration_status == RegistrationStatus.INCOMPLETE.value,
        Beneficiary.verified_at.is_(None),
    )
    count = session.execute(select(func.count()).select_from(Beneficiary).where(*cond)).scalar_one()
    if not count:
        return 0, []
    rows = session.execute(
        select(Beneficiary.id.label("beneficiary_id"), Beneficiary.file_no, *_NAME_COLUMNS)
        .where(*cond)
        .order_by(Beneficiary.created_at, Beneficiary.file_no)
        .limit(WAITING_SAMPLE)
    )
    return count, [WaitingFile(r.beneficiary_id, r.file_no, _person_name(r)) for r in rows]


def _overdue_follow_ups(session: Session, today: dt.date) -> tuple[int, list[WaitingFile]]:
    pending = _live_contacts(select(func.count()).select_from(Contact)).where(
        Contact.follow_up_done_at.is_(None), Contact.follow_up_on < today
    )
    count = session.execute(pending).scalar_one()
    if not count:
        return 0, []
    oldest = _pending_follow_ups(session, on=None, before=today, limit=WAITING_SAMPLE)
    return count, [WaitingFile(f.beneficiary_id, f.file_no, f.beneficiary_name) for f in oldest]


def _request_files(session: Session, *cond: Any) -> tuple[int, list[WaitingFile]]:
    """Requests matching ``cond``: how many, and the files of those waiting longest."""
    where = (SupportRequest.deleted_at.is_(None), Beneficiary.deleted_at.is_(None), *cond)
    joined = (
        select(func.count())
        .select_from(SupportRequest)
        .join(Beneficiary, Beneficiary.id == SupportRequest.beneficiary_id)
    )
    count = session.execute(joined.where(*where)).scalar_one()
    if not count:
        return 0, []
    rows = session.execute(
        select(SupportRequest.beneficiary_id, Beneficiary.file_no, *_NAME_COLUMNS)
        .join(Beneficiary, Beneficiary.id == SupportRequest.beneficiary_id)
        .where(*where)
        .order_by(SupportRequest.earliest_decision_date, SupportRequest.number)
        .limit(WAITING_SAMPLE)
    )
    return count, [WaitingFile(r.beneficiary_id, r.file_no, _person_name(r)) for r in rows]


def _decisions_not_communicated(session: Session, _today: dt.date) -> tuple[int, list[WaitingFile]]:
    # A decision is finished only once the beneficiary has been told: it stays here until then.
    return _request_files(
        session,
        SupportRequest.decision.is_not(None),
        SupportRequest.communicated_at.is_(None),
        SupportRequest.status != RequestStatus.WITHDRAWN.value,
    )


def _ready_for_decision(session: Session, today: dt.date) -> tuple[int, list[WaitingFile]]:
    return _request_files(
        session,
        SupportRequest.status == RequestStatus.IN_COMMITTEE.value,
        SupportRequest.earliest_decision_date <= today,
    )


def _overdue_decisions(session: Session, today: dt.date) -> tuple[int, list[WaitingFile]]:
    return _request_files(
        session,
        SupportRequest.status.in_([s.value for s in AWAITING_DECISION]),
        SupportRequest.earliest_decision_date < today,
    )


def _referrals_waiting(
    session: Session, _today: dt.date, staff_id: str
) -> tuple[int, list[WaitingFile]]:
    """Open and accepted referrals assigned to ``staff_id``, the oldest first."""
    where = (
        Referral.deleted_at.is_(None),
        Beneficiary.deleted_at.is_(None),
        Referral.researcher_id == staff_id,
        Referral.status.in_([s.value for s in ACTIVE_REFERRALS]),
    )
    joined = (
        select(func.count())
        .select_from(Referral)
        .join(Beneficiary, Beneficiary.id == Referral.beneficiary_id)
    )
    count = session.execute(joined.where(*where)).scalar_one()
    if not count:
        return 0, []
    rows = session.execute(
        select(Referral.beneficiary_id, Beneficiary.file_no, *_NAME_COLUMNS)
        .join(Beneficiary, Beneficiary.id == Referral.beneficiary_id)
        .where(*where)
        .order_by(Referral.created_at, Referral.id)
        .limit(WAITING_SAMPLE)
    )
    return count, [WaitingFile(r.beneficiary_id, r.file_no, _person_name(r)) for r in rows]


def _feedback_files(session: Session, *cond: Any) -> tuple[int, list[WaitingFile]]:
    """Open feedback matching ``cond``: how many, and the earliest due few.

    Feedback with no family file is listed by the start of what was said.
    """
    where = (
        Feedback.deleted_at.is_(None),
        Feedback.status.in_([s.value for s in FEEDBACK_WAITING]),
        *cond,
    )
    count = session.execute(select(func.count()).select_from(Feedback).where(*where)).scalar_one()
    if not count:
        return 0, []
    rows = session.execute(
        select(Feedback.beneficiary_id, Feedback.text, Beneficiary.file_no, *_NAME_COLUMNS)
        .outerjoin(Beneficiary, Beneficiary.id == Feedback.beneficiary_id)
        .where(*where)
        .order_by(Feedback.due_on.is_(None), Feedback.due_on, Feedback.received_at)
        .limit(WAITING_SAMPLE)
    )
    return count, [
        WaitingFile(r.beneficiary_id, r.file_no, _person_name(r))
        if r.beneficiary_id and r.file_no
        else WaitingFile(None, None, r.text[:FEEDBACK_SNIPPET])
        for r in rows
    ]


def _feedback_assigned(
    session: Session, _today: dt.date, staff_id: str
) -> tuple[int, list[WaitingFile]]:
    """Open suggestions and complaints assigned to ``staff_id``, the earliest due first."""
    return _feedback_files(session, Feedback.assigned_to == staff_id)


def _feedback_overdue(session: Session, today: dt.date) -> tuple[int, list[WaitingFile]]:
    """Everyone's open suggestions and complaints past their due date."""
    return _feedback_files(session, Feedback.due_on < today)


_FRONT_DESK = frozenset({Role.RECEPTIONIST, Role.REPRESENTATIVE, Role.SUPERVISOR, Role.ADMIN})
_SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})

# What the dashboard asks about, in the order it shows them. A new kind (requests waiting for the
# committee, decisions not yet communicated, referrals for the researcher) is one more entry here.
WAITING_KINDS: list[WaitingKind] = [
    WaitingKind(
        "unverified_files", N_("Files registered but not verified"), _FRONT_DESK, _unverified_files
    ),
    WaitingKind("overdue_follow_ups", N_("Overdue follow-ups"), _SUPERVISORS, _overdue_follow_ups),
    WaitingKind(
        "decisions_not_communicated",
        N_("Decisions not yet communicated to the beneficiary"),
        _FRONT_DESK,
        _decisions_not_communicated,
    ),
    WaitingKind(
        "ready_for_decision",
        N_("Requests ready for the committee's decision"),
        frozenset({Role.COMMITTEE}),
        _ready_for_decision,
    ),
    WaitingKind(
        "overdue_decisions",
        N_("Requests past their earliest decision date without a decision"),
        _SUPERVISORS,
        _overdue_decisions,
    ),
    WaitingKind(
        "referrals_waiting",
        N_("Referrals waiting for you"),
        frozenset({Role.RESEARCHER}),
        _referrals_waiting,
        per_staff=True,
    ),
    WaitingKind(
        "feedback_open",
        N_("Suggestions and complaints waiting for your answer"),
        frozenset(Role),  # whoever it is assigned to answers it, whatever their role
        _feedback_assigned,
        per_staff=True,
    ),
    WaitingKind(
        "feedback_overdue",
        N_("Suggestions and complaints past their due date"),
        _SUPERVISORS,
        _feedback_overdue,
    ),
]


def waiting_for_role_in(
    session: Session, role: Role, today: dt.date, staff_id: str | None = None
) -> list[WaitingItem]:
    """What waits on ``role``, read in an open session; kinds with nothing waiting are left out.

    Kinds about what is assigned to one person (``per_staff``) are asked only with ``staff_id``.
    """
    items = []
    for kind in WAITING_KINDS:
        if role not in kind.roles:
            continue
        if kind.per_staff:
            if staff_id is None:
                continue
            count, files = kind.collect(session, today, staff_id)
        else:
            count, files = kind.collect(session, today)
        if count:
            items.append(WaitingItem(kind.code, kind.label, count, files))
    return items


def waiting_for_role(
    ctx: AppContext, actor: Actor, *, today: dt.date | None = None
) -> list[WaitingItem]:
    """What waits on the signed-in staff member's role.

    Args:
        ctx: The application context.
        actor: The signed-in staff member; their role picks the kinds asked about.
        today: The Riyadh date (defaults to today by ``ctx.now``).

    Returns:
        One item per kind with something waiting, in :data:`WAITING_KINDS` order, each with its
        count and the oldest few files.
    """
    day = today or riyadh_today(ctx.now())
    with ctx.store.read() as session:
        return waiting_for_role_in(session, actor.role, day, actor.staff_id)


# The whole screen ------------------------------------------------------------------------------
def load_dashboard(ctx: AppContext, actor: Actor, *, today: dt.date | None = None) -> Dashboard:
    """Everything the dashboard shows, read in one transaction (a consistent snapshot).

    Args:
        ctx: The application context.
        actor: The signed-in staff member.
        today: The Riyadh date (defaults to today by ``ctx.now``).

    Returns:
        The follow-ups, recent contacts, this week's counts by channel and what waits on the
        actor's role.
    """
    day = today or riyadh_today(ctx.now())
    sunday, saturday = week_bounds(day)
    with ctx.store.read() as session:
        return Dashboard(
            today=day,
            week_start=sunday,
            week_end=saturday,
            follow_ups=follow_ups_in(session, day),
            recent=recent_contacts_in(session),
            week_counts=week_channel_counts_in(session, day),
            waiting=waiting_for_role_in(session, actor.role, day, actor.staff_id),
        )
