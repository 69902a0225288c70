"""Suggestions, complaints and thanks (متطلباتهم ومقترحاتهم): recorded, assigned, answered.

POLICY.md: follow up the beneficiaries' needs and suggestions, and improve continuously from their
opinions. Each item names its channel, who answers it and by when; open ones past their due date
reach the supervisors' dashboard. Every write goes through the change recorder (audited, queued
for sync) in one transaction, with every rule checked before anything is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import parse_iso_datetime, riyadh_today, to_riyadh
from eskan_desk.domain.enums import Channel
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.feedback import (
    MAX_ANSWER,
    MAX_FEEDBACK_TEXT,
    WAITING,
    FeedbackKind,
    FeedbackStatus,
    check_answerable,
    check_closable,
    check_may_answer,
    default_due_on,
    is_overdue,
)
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Beneficiary, Feedback, Staff
from eskan_desk.services.dto import JsonMixin
from eskan_desk.services.lookup import find_beneficiary, find_by_id_or_prefix
from eskan_desk.services.staff import Actor, this_branch_staff

LIST_LIMIT = 500


@dataclass(frozen=True)
class FeedbackView(JsonMixin):
    """A suggestion, complaint or thanks as the screens and ``eskan feedback --json`` show it.

    Times are UTC; ``overdue`` is worked out when it is read (open and past ``due_on``).
    """

    id: str
    kind: str
    channel: str
    status: str
    text: str
    received_at: dt.datetime
    beneficiary_id: str | None
    file_no: str | None
    beneficiary_name: str | None
    assigned_to: str | None
    assigned_to_name: str | None
    due_on: dt.date | None
    overdue: bool
    answer: str | None
    answered_at: dt.datetime | None
    answered_by: str | None
    answered_by_name: str | None
    recorded_by: str | None
    version: int


# Reading -----------------------------------------------------------------------------------------
_Assignee = aliased(Staff, name="assignee")
_Answerer = aliased(Staff, name="answerer")


def _view_query() -> Select:
    return (
        select(
            Feedback,
            Beneficiary.file_no,
            Beneficiary.first_name,
            Beneficiary.father_name,
            Beneficiary.grandfather_name,
            Beneficiary.family_name,
            _Assignee.full_name.label("assignee_name"),
            _Answerer.full_name.label("answerer_name"),
        )
        .outerjoin(Beneficiary, Beneficiary.id == Feedback.beneficiary_id)
        .outerjoin(_Assignee, _Assignee.id == Feedback.assigned_to)
        .outerjoin(_Answerer, _Answerer.id == Feedback.answered_by)
        .where(Feedback.deleted_at.is_(None))
    )


def _to_view(r: Any, today: dt.date) -> FeedbackView:
    row: Feedback = r.Feedback
    name = None
    if row.beneficiary_id and r.first_name:
        name = " ".join((r.first_name, r.father_name, r.grandfather_name, r.family_name))
    return FeedbackView(
        id=row.id,
        kind=row.kind,
        channel=row.channel,
        status=row.status,
        text=row.text,
        received_at=row.received_at,
        beneficiary_id=row.beneficiary_id,
        file_no=r.file_no,
        beneficiary_name=name,
        assigned_to=row.assigned_to,
        assigned_to_name=r.assignee_name,
        due_on=row.due_on,
        overdue=is_overdue(row.status, row.due_on, today),
        answer=row.answer,
        answered_at=row.answered_at,
        answered_by=row.answered_by,
        answered_by_name=r.answerer_name,
        recorded_by=row.created_by,
        version=row.version,
    )


def feedback_view_in(session: Session, ctx: AppContext, feedback_id: str) -> FeedbackView:
    """One item as plain data, read in an open session."""
    today = riyadh_today(ctx.now())
    row = session.execute(_view_query().where(Feedback.id == feedback_id)).one()
    return _to_view(row, today)


def load_feedback(session: Session, key: str) -> Feedback:
    """A live item by id, or by the start of its id (at least 8 characters, unambiguous).

    Raises:
        NotFoundError: No such item, or the start of the id fits more than one.
    """
    return find_by_id_or_prefix(
        session, Feedback, key, N_("No suggestion or complaint with ID {key}")
    )


def get_feedback(ctx: AppContext, key: str) -> FeedbackView:
    """One item with the names of the people on it.

    Raises:
        NotFoundError: No such item.
    """
    with ctx.store.read() as session:
        return feedback_view_in(session, ctx, load_feedback(session, key).id)


def list_feedback(
    ctx: AppContext,
    *,
    status: str | None = None,
    overdue: bool = False,
    include_closed: bool = True,
) -> list[FeedbackView]:
    """Suggestions, complaints and thanks, newest first.

    Args:
        ctx: The application context.
        status: Only ``open``, ``answered`` or ``closed`` ones.
        overdue: Only open ones past their due date (oldest due first).
        include_closed: False leaves closed ones out (what still needs someone).

    Returns:
        Up to 500 items.

    Raises:
        ValidationError: On field ``feedback_status``: an unknown status.
    """
    today = riyadh_today(ctx.now())
    query = _view_query()
    if status:
        query = query.where(Feedback.status == FeedbackStatus.parse(status, "feedback_status"))
    if not include_closed:
        query = query.where(Feedback.status != FeedbackStatus.CLOSED.value)
    if overdue:
        query = query.where(
            Feedback.status.in_([s.value for s in WAITING]), Feedback.due_on < today
        ).order_by(Feedback.due_on, Feedback.received_at)
    else:
        query = query.order_by(Feedback.received_at.desc(), Feedback.id.desc())
    with ctx.store.read() as session:
        return [_to_view(r, today) for r in session.execute(query.limit(LIST_LIMIT))]


def list_assignees(ctx: AppContext) -> list[tuple[str, str]]:
    """The active staff members feedback may be assigned to.

    Returns:
        ``(staff_id, full_name)`` pairs, by name.
    """
    with ctx.store.read() as session:
        rows = session.execute(
            select(Staff.id, Staff.full_name)
            .where(Staff.active.is_(True), Staff.deleted_at.is_(None))
            .order_by(Staff.full_name, Staff.username)
        ).all()
    return [(r.id, r.full_name) for r in rows]


# Recording ---------------------------------------------------------------------------------------
def _assignee_in(session: Session, key: str) -> str | None:
    key = (key or "").strip()
    if not key:
        return None
    staff_id = session.scalars(
        select(Staff.id)
        .where(
            or_(Staff.id == key, (Staff.username == key.lower()) & this_branch_staff()),
            Staff.active.is_(True),
            Staff.deleted_at.is_(None),
        )
        .limit(1)
    ).first()
    if staff_id is None:
        raise ValidationError("assigned_to", N_("must be an active staff member"))
    return staff_id


def _due_on(raw: str, kind: FeedbackKind, today: dt.date) -> dt.date | None:
    if not (raw or "").strip():
        return default_due_on(kind, today)
    day = to_riyadh(parse_iso_datetime(raw, "due_on")).date()
    if day < today:
        raise ValidationError("due_on", N_("cannot be in the past"))
    return day


def record_feedback(
    ctx: AppContext,
    actor: Actor,
    *,
    kind: str,
    channel: str,
    text: str,
    beneficiary_id: str = "",
    assigned_to: str = "",
    due_on: str = "",
) -> FeedbackView:
    """Record a suggestion, complaint or thanks received on one of the eight channels.

    Args:
        ctx: The application context.
        actor: The staff member who received it (any role but the committee).
        kind: ``suggestion``, ``complaint`` or ``thanks``.
        channel: The channel it came on (``interview``, ``phone``, ...).
        text: What the beneficiary said or wrote.
        beneficiary_id: The family file (id, file number or national ID); empty when the person
            gave no file or wished to stay unnamed.
        assigned_to: Who answers it (staff id or username); empty: not assigned yet.
        due_on: ``YYYY-MM-DD``; empty: 3 days for a complaint, 7 for a suggestion, none for
            thanks.

    Returns:
        The new item, ``open``.

    Raises:
        PermissionDeniedError: The role may not record feedback.
        ValidationError: A bad kind or channel, no text, an assignee who is not an active staff
            member, a due date in the past.
        NotFoundError: No such beneficiary. Nothing is stored on any error.
    """
    authorize(actor.role, Action.RECORD_FEEDBACK)
    now = ctx.now()
    today = riyadh_today(now)
    kind_ = FeedbackKind.parse(kind, "feedback_kind")
    channel_ = Channel.parse(channel, "channel")
    body = clean_text(
        text, "feedback_text", max_len=MAX_FEEDBACK_TEXT, required=True, multiline=True
    )
    due = _due_on(due_on, kind_, today)
    rec = ctx.recorder
    with ctx.store.write() as session:
        ben_id = find_beneficiary(session, beneficiary_id).id if beneficiary_id.strip() else None
        row = Feedback(
            kind=kind_.value,
            channel=channel_.value,
            beneficiary_id=ben_id,
            received_at=now,
            text=body,
            assigned_to=_assignee_in(session, assigned_to),
            due_on=due,
            status=FeedbackStatus.OPEN.value,
        )
        rec.stamp_new(row, branch_id=actor.branch_id, actor_id=actor.staff_id)
        session.add(row)
        rec.record(
            session,
            row,
            action="feedback.create",
            actor_id=actor.staff_id,
            details={"kind": row.kind, "channel": row.channel, "assigned_to": row.assigned_to},
        )
        return feedback_view_in(session, ctx, row.id)


def _guarded(session: Session, actor: Actor, feedback_id: str) -> Feedback:
    row = load_feedback(session, feedback_id)
    check_may_answer(actor.role, actor_id=actor.staff_id, assigned_to=row.assigned_to)
    return row


def answer_feedback(ctx: AppContext, actor: Actor, feedback_id: str, answer: str) -> FeedbackView:
    """Record the answer given to the beneficiary; the item becomes ``answered``.

    Args:
        ctx: The application context.
        actor: The staff member it is assigned to, a supervisor or an administrator.
        feedback_id: The item (id or the start of it).
        answer: What the beneficiary was told.

    Raises:
        PermissionDeniedError: Neither the assignee nor a supervisor or administrator.
        ValidationError: No answer; the item is already answered or closed.
        NotFoundError: No such item. Nothing is stored on any error.
    """
    body = clean_text(answer, "answer", max_len=MAX_ANSWER, required=True, multiline=True)
    rec = ctx.recorder
    with ctx.store.write() as session:
        row = _guarded(session, actor, feedback_id)
        check_answerable(row.status)
        row.answer = body
        row.answered_at = ctx.now()
        row.answered_by = actor.staff_id
        row.status = FeedbackStatus.ANSWERED.value
        base = rec.stamp_update(row, actor_id=actor.staff_id)
        rec.record(
            session, row, action="feedback.answer", actor_id=actor.staff_id, base_version=base
        )
        return feedback_view_in(session, ctx, row.id)


def close_feedback(ctx: AppContext, actor: Actor, feedback_id: str) -> FeedbackView:
    """Close an answered item (nothing more to do); thanks may be closed unanswered.

    Raises:
        PermissionDeniedError: Neither the assignee nor a supervisor or administrator.
        ValidationError: Already closed, or a suggestion or complaint not answered yet.
        NotFoundError: No such item. Nothing is stored on any error.
    """
    rec = ctx.recorder
    with ctx.store.write() as session:
        row = _guarded(session, actor, feedback_id)
        check_closable(row.kind, row.status)
        previous = row.status
        row.status = FeedbackStatus.CLOSED.value
        base = rec.stamp_update(row, actor_id=actor.staff_id)
        rec.record(
            session,
            row,
            action="feedback.close",
            actor_id=actor.staff_id,
            details={"from": previous},
            base_version=base,
        )
        return feedback_view_in(session, ctx, row.id)


# Figures and the dashboard ----------------------------------------------------------------------
def feedback_stats_in(session: Session, start_utc: dt.datetime, end_utc: dt.datetime) -> dict:
    """:func:`feedback_stats`, read in an open session."""
    live = Feedback.deleted_at.is_(None)
    received = dict(
        session.execute(
            select(Feedback.kind, func.count())
            .where(live, Feedback.received_at >= start_utc, Feedback.received_at < end_utc)
            .group_by(Feedback.kind)
        ).all()
    )
    answered_rows = session.execute(
        select(Feedback.answered_at, Feedback.due_on).where(
            live, Feedback.answered_at >= start_utc, Feedback.answered_at < end_utc
        )
    ).all()
    # Late: answered on a Riyadh day after the due date (compared in Python: portable SQL).
    late = sum(1 for at, due in answered_rows if due is not None and to_riyadh(at).date() > due)
    still_open = session.execute(
        select(func.count())
        .select_from(Feedback)
        .where(
            live, Feedback.status.in_([s.value for s in WAITING]), Feedback.received_at < end_utc
        )
    ).scalar_one()
    return {
        "received": {k.value: received.get(k.value, 0) for k in FeedbackKind},
        "received_total": sum(received.values()),
        "answered": len(answered_rows),
        "answered_late": late,
        "still_open": still_open,
    }


def feedback_stats(ctx: AppContext, start_utc: dt.datetime, end_utc: dt.datetime) -> dict:
    """Suggestions, complaints and thanks in a period, for the whole branch.

    Args:
        ctx: The application context.
        start_utc: Start of the period (inclusive), aware UTC.
        end_utc: End of the period (exclusive).

    Returns:
        ``received`` per kind (every kind, zeros included) and ``received_total``; ``answered``
        in the period, of which ``answered_late`` after their due date; ``still_open``:
        received before the end of the period and open *now* (not as it stood at the end of
        the period).
    """
    with ctx.store.read() as session:
        return feedback_stats_in(session, start_utc, end_utc)
