"""The weekly summary's queries, each run in the caller's read session.

Every query is a half-open range on an indexed time column (``contacts.at``,
``beneficiaries.created_at``/``verified_at``, ``survey_offers.offered_at``,
``satisfaction_surveys.answered_at``, ``feedback.received_at``, ``contacts.follow_up_on``) and
aggregates in SQL: at a million contacts nothing is loaded row by row. The contacts of a week are
read in a single pass over ``ix_contacts_week_summary`` (migration 0007), which holds every column
that pass needs, so the table itself is never touched.

The same queries run at HQ over every branch's rows (SQLite or PostgreSQL): nothing here is
SQLite's own SQL, and :attr:`Window.branch_id` narrows every query to one branch's rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from eskan_desk.domain.arabic import normalize_for_search
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import Channel, Direction, RegistrationStatus
from eskan_desk.domain.referrals import ACTIVE as ACTIVE_REFERRALS
from eskan_desk.domain.referrals import ReferralStatus
from eskan_desk.domain.requests import AWAITING_DECISION, DECISION_OUTCOMES, RequestStatus
from eskan_desk.models import (
    Beneficiary,
    Contact,
    Feedback,
    Referral,
    RequestEvent,
    SatisfactionSurvey,
    Staff,
    SupportRequest,
    SurveyOffer,
)
from eskan_desk.reports.summary import (
    ContactFigures,
    FeedbackFigures,
    FollowUpFigures,
    ReferralFigures,
    RegistrationFigures,
    RequestFigures,
    SatisfactionFigures,
    StaffWorkload,
    WeekAverage,
)

FEEDBACK_KINDS = ("suggestion", "complaint", "thanks")
# Requests still in progress at the end of a week, in the order of the workflow.
OPEN_STATUSES = tuple(
    s
    for s in RequestStatus
    if s not in {RequestStatus.DRAFT, RequestStatus.CLOSED, RequestStatus.WITHDRAWN}
)
_DECISIONS = tuple(s.value for s in RequestStatus if s in DECISION_OUTCOMES)
_AWAITING = tuple(s.value for s in AWAITING_DECISION)

StaffCounts = Counter[str | None]


@dataclass(frozen=True)
class Window:
    """The week as the queries need it."""

    start: dt.datetime  # UTC, Sunday 00:00 Riyadh
    end: dt.datetime  # UTC, the next Sunday 00:00 Riyadh (excluded)
    as_of: dt.datetime  # UTC: states are taken at this moment (end, or now in a running week)
    as_of_date: dt.date  # the first Riyadh date not over at ``as_of``
    branch_id: str | None = None  # only this branch's rows; None: every row (a branch's store)

    @property
    def sunday(self) -> dt.date:
        return to_riyadh(self.start).date()

    @property
    def saturday(self) -> dt.date:
        return self.sunday + dt.timedelta(days=6)

    def holds(self, column):
        return and_(column >= self.start, column < self.end)

    def only(self, branch_id: str | None) -> Window:
        """The same week, narrowed to one branch's rows (None: every row)."""
        return replace(self, branch_id=branch_id)

    def mine(self, *models) -> list:
        """Conditions keeping the rows of :attr:`branch_id` (none when it is None)."""
        if self.branch_id is None:
            return []
        return [model.branch_id == self.branch_id for model in models]


def _count(session: Session, query) -> int:
    return int(session.execute(query).scalar_one() or 0)


# Contacts ----------------------------------------------------------------------------------------
def contact_figures(session: Session, w: Window) -> tuple[ContactFigures, StaffCounts]:
    """Contacts by channel and direction, back-entered ones, and each staff member's count."""
    rows = session.execute(
        select(
            Contact.channel,
            Contact.direction,
            Contact.staff_id,
            Contact.back_entered,
            func.count(),
        )
        .where(w.holds(Contact.at), Contact.deleted_at.is_(None), *w.mine(Contact))
        .group_by(Contact.channel, Contact.direction, Contact.staff_id, Contact.back_entered)
    ).all()
    directions = [d.value for d in Direction]
    matrix = {c.value: dict.fromkeys(directions, 0) for c in Channel}
    staff: StaffCounts = Counter()
    back_entered = 0
    for channel, direction, staff_id, back, n in rows:
        cell = matrix.setdefault(channel, dict.fromkeys(directions, 0))
        cell[direction] = cell.get(direction, 0) + n
        staff[staff_id] += n
        back_entered += n if back else 0
    by_direction = {d: sum(cell.get(d, 0) for cell in matrix.values()) for d in directions}
    figures = ContactFigures(
        total=sum(by_direction.values()),
        by_channel={code: sum(cell.values()) for code, cell in matrix.items()},
        by_direction=by_direction,
        by_channel_direction=matrix,
        back_entered=back_entered,
    )
    return figures, staff


# Registrations -----------------------------------------------------------------------------------
def registration_figures(session: Session, w: Window) -> tuple[RegistrationFigures, StaffCounts]:
    """Files opened in the week (and by whom), and registrations completed in the week."""
    rows = session.execute(
        select(Beneficiary.created_by, func.count())
        .where(
            w.holds(Beneficiary.created_at),
            Beneficiary.deleted_at.is_(None),
            *w.mine(Beneficiary),
        )
        .group_by(Beneficiary.created_by)
    ).all()
    staff: StaffCounts = Counter({staff_id: n for staff_id, n in rows})
    completed = _count(
        session,
        select(func.count())
        .select_from(Beneficiary)
        .where(
            w.holds(Beneficiary.verified_at),
            Beneficiary.registration_status == RegistrationStatus.COMPLETE.value,
            Beneficiary.deleted_at.is_(None),
            *w.mine(Beneficiary),
        ),
    )
    return RegistrationFigures(new_files=sum(staff.values()), completed=completed), staff


# Requests ----------------------------------------------------------------------------------------
def request_figures(session: Session, w: Window) -> tuple[RequestFigures, StaffCounts]:
    """Submissions, decisions, communications, and where requests stand at the end of the week."""
    live = and_(SupportRequest.deleted_at.is_(None), *w.mine(SupportRequest))
    submitted = session.execute(
        select(RequestEvent.actor_id, func.count())
        .join(SupportRequest, SupportRequest.id == RequestEvent.request_id)
        .where(
            w.holds(SupportRequest.submitted_at),
            live,
            RequestEvent.to_status == RequestStatus.SUBMITTED.value,
            RequestEvent.deleted_at.is_(None),
        )
        .group_by(RequestEvent.actor_id)
    ).all()
    staff: StaffCounts = Counter({actor_id: n for actor_id, n in submitted})
    moves = dict(
        session.execute(
            select(RequestEvent.to_status, func.count())
            .join(SupportRequest, SupportRequest.id == RequestEvent.request_id)
            .where(
                w.holds(RequestEvent.at),
                RequestEvent.deleted_at.is_(None),
                live,
                RequestEvent.from_status.is_not(None),
            )
            .group_by(RequestEvent.to_status)
        ).all()
    )
    communicated = _count(
        session,
        select(func.count())
        .select_from(SupportRequest)
        .where(w.holds(SupportRequest.communicated_at), live),
    )
    by_status, overdue = _standing(session, w)
    figures = RequestFigures(
        submitted=sum(staff.values()),
        decisions=sum(moves.get(code, 0) for code in _DECISIONS),
        decisions_by_outcome={code: moves.get(code, 0) for code in _DECISIONS},
        communicated=communicated,
        overdue=overdue,
        by_status=by_status,
        closed=moves.get(RequestStatus.CLOSED.value, 0),
        withdrawn=moves.get(RequestStatus.WITHDRAWN.value, 0),
    )
    return figures, staff


def _standing(session: Session, w: Window) -> tuple[dict[str, int], int]:
    """Each request's status at ``as_of`` (its last move before then, from the history), counted
    per status; and how many waited for a decision past their earliest decision date."""
    last = (
        select(
            RequestEvent.request_id,
            RequestEvent.to_status,
            func.row_number()
            .over(
                partition_by=RequestEvent.request_id,
                order_by=(RequestEvent.at.desc(), RequestEvent.version.desc()),
            )
            .label("nth"),
        )
        .where(RequestEvent.at < w.as_of, RequestEvent.deleted_at.is_(None), *w.mine(RequestEvent))
        .subquery()
    )
    late = case(
        (
            and_(
                last.c.to_status.in_(_AWAITING),
                SupportRequest.earliest_decision_date < w.as_of_date,
            ),
            1,
        ),
        else_=0,
    )
    rows = session.execute(
        select(last.c.to_status, func.count(), func.sum(late))
        .join(SupportRequest, SupportRequest.id == last.c.request_id)
        .where(last.c.nth == 1, SupportRequest.deleted_at.is_(None), *w.mine(SupportRequest))
        .group_by(last.c.to_status)
    ).all()
    counts = {status: n for status, n, _late in rows}
    overdue = sum(int(n_late or 0) for _status, _n, n_late in rows)
    return {s.value: counts.get(s.value, 0) for s in OPEN_STATUSES}, overdue


# Referrals ---------------------------------------------------------------------------------------
def referral_figures(session: Session, w: Window) -> ReferralFigures:
    """Referrals made and done in the week, and those still open or accepted at its end.

    Rejected, done and revoked are final: a referral in one of them was still active before
    ``status_changed_at``, so its state at the end of the week needs no history.
    """
    live = and_(Referral.deleted_at.is_(None), *w.mine(Referral))
    active = [s.value for s in ACTIVE_REFERRALS]
    opened = _count(
        session,
        select(func.count()).select_from(Referral).where(w.holds(Referral.created_at), live),
    )
    done = _count(
        session,
        select(func.count())
        .select_from(Referral)
        .where(
            Referral.status == ReferralStatus.DONE.value,
            w.holds(Referral.status_changed_at),
            live,
        ),
    )
    still_open = _count(
        session,
        select(func.count())
        .select_from(Referral)
        .where(
            Referral.created_at < w.as_of,
            or_(Referral.status.in_(active), Referral.status_changed_at >= w.as_of),
            live,
        ),
    )
    return ReferralFigures(opened=opened, done=done, open_at_end=still_open)


# Satisfaction ------------------------------------------------------------------------------------
def _survey_averages(session: Session, w: Window, start: dt.datetime, end: dt.datetime):
    s = SatisfactionSurvey
    return session.execute(
        select(
            func.count(),
            func.avg(s.courtesy),
            func.avg(s.speed),
            func.avg(s.clarity),
            func.avg(s.overall),
        ).where(s.answered_at >= start, s.answered_at < end, s.deleted_at.is_(None), *w.mine(s))
    ).one()


def satisfaction_figures(session: Session, w: Window, trend_weeks: int) -> SatisfactionFigures:
    """Averages per dimension, offers and the response rate, and the trend of the weeks before."""
    responses, courtesy, speed, clarity, overall = _survey_averages(session, w, w.start, w.end)
    offered = session.execute(
        select(
            func.count(),
            func.sum(case((SurveyOffer.status == "answered", 1), else_=0)),
        ).where(
            w.holds(SurveyOffer.offered_at),
            SurveyOffer.deleted_at.is_(None),
            *w.mine(SurveyOffer),
        )
    ).one()
    offers, answered_offers = int(offered[0] or 0), int(offered[1] or 0)
    trend = []
    for back in range(trend_weeks, 0, -1):
        start = w.start - dt.timedelta(days=7 * back)
        n, *_dims, avg = _survey_averages(session, w, start, start + dt.timedelta(days=7))
        trend.append(WeekAverage(w.sunday - dt.timedelta(days=7 * back), _float(avg), int(n)))
    return SatisfactionFigures(
        responses=int(responses),
        offers=offers,
        answered_offers=answered_offers,
        response_rate=answered_offers / offers if offers else None,
        courtesy_avg=_float(courtesy),
        speed_avg=_float(speed),
        clarity_avg=_float(clarity),
        overall_avg=_float(overall),
        trend=tuple(trend),
    )


def _float(value) -> float | None:
    return None if value is None else float(value)


# Feedback and follow-ups -------------------------------------------------------------------------
def feedback_figures(session: Session, w: Window) -> FeedbackFigures:
    """Suggestions, complaints and thanks received and answered, and those left open."""
    live = and_(Feedback.deleted_at.is_(None), *w.mine(Feedback))
    kinds = dict(
        session.execute(
            select(Feedback.kind, func.count())
            .where(w.holds(Feedback.received_at), live)
            .group_by(Feedback.kind)
        ).all()
    )
    answered = _count(
        session,
        select(func.count()).select_from(Feedback).where(w.holds(Feedback.answered_at), live),
    )
    still_open = _count(
        session,
        select(func.count())
        .select_from(Feedback)
        .where(
            Feedback.received_at < w.as_of,
            or_(
                Feedback.answered_at >= w.as_of,
                and_(Feedback.answered_at.is_(None), Feedback.status == "open"),
            ),
            live,
        ),
    )
    by_kind = {k: kinds.get(k, 0) for k in FEEDBACK_KINDS}
    for kind, n in kinds.items():  # a kind this version does not know still counts
        by_kind.setdefault(kind, n)
    return FeedbackFigures(
        received=sum(by_kind.values()), by_kind=by_kind, answered=answered, open_at_end=still_open
    )


def follow_up_figures(session: Session, w: Window) -> FollowUpFigures:
    """Follow-ups due in the week: done by its end, or missed (due date passed, not done)."""
    done_by_end = and_(Contact.follow_up_done_at.is_not(None), Contact.follow_up_done_at < w.as_of)
    row = session.execute(
        select(
            func.count(),
            func.sum(case((done_by_end, 1), else_=0)),
            func.sum(case((and_(Contact.follow_up_on < w.as_of_date, ~done_by_end), 1), else_=0)),
        ).where(
            Contact.follow_up_on >= w.sunday,
            Contact.follow_up_on <= w.saturday,
            Contact.deleted_at.is_(None),
            *w.mine(Contact),
        )
    ).one()
    return FollowUpFigures(due=int(row[0] or 0), done=int(row[1] or 0), missed=int(row[2] or 0))


# Workload ----------------------------------------------------------------------------------------
def workload(
    session: Session, contacts: StaffCounts, files: StaffCounts, requests: StaffCounts
) -> tuple[StaffWorkload, ...]:
    """One line per staff member who recorded anything, sorted by name (never by a count).

    Records that name no staff member come last, on a line of their own (``staff_id`` None).
    """
    ids = {k for k in (*contacts, *files, *requests) if k is not None}
    names = dict(
        session.execute(select(Staff.id, Staff.full_name).where(Staff.id.in_(ids))).all()
        if ids
        else []
    )
    lines = [
        StaffWorkload(
            staff_id=staff_id,
            name=names.get(staff_id, "") if staff_id else "",
            contacts=contacts.get(staff_id, 0),
            files_registered=files.get(staff_id, 0),
            requests_submitted=requests.get(staff_id, 0),
        )
        for staff_id in ids
    ]
    lines.sort(key=lambda s: (normalize_for_search(s.name), s.name, s.staff_id or ""))
    if None in contacts or None in files or None in requests:
        lines.append(
            StaffWorkload(
                staff_id=None,
                name="",
                contacts=contacts.get(None, 0),
                files_registered=files.get(None, 0),
                requests_submitted=requests.get(None, 0),
            )
        )
    return tuple(lines)
