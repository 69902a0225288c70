"""The weekly summary of a branch: one Sunday-Saturday week (Asia/Riyadh), every figure counted.

Every figure is read in one read transaction (a consistent snapshot) by
:mod:`eskan_desk.reports.summary_queries`; each query is a half-open UTC range on an indexed time
column, derived from the Riyadh week (Riyadh keeps no daylight saving: a week is 7 x 24 hours).

What "in the week" means, figure by figure:

* contacts count by the time they happened (``at``): a contact back-entered from paper counts in
  the week it took place, not the week it was typed;
* a state "at the end of the week" (requests by status, decisions overdue, referrals and feedback
  still open, follow-ups missed) is taken at the end of the week, or now for the week in progress;
* the summary never ranks people (POLICY.md: "not for punishment or shaming"): the workload lists
  staff members by name, with counts, and no order by count anywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import RIYADH, riyadh_today, to_hijri, to_riyadh, week_bounds
from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import FIELD_LABELS, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.text import remove_invisible
from eskan_desk.services.dashboard import week_utc_range
from eskan_desk.services.staff import Actor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from eskan_desk.reports.summary_queries import Window

TREND_WEEKS = 4  # the satisfaction trend: the four weeks before the summary's week

FIELD_LABELS.setdefault("week", N_("Week"))
FIELD_LABELS.setdefault("format", N_("File format"))
FIELD_LABELS.setdefault("out", N_("Output file"))


@dataclass(frozen=True)
class ContactFigures:
    """Contacts that took place in the week (tombstoned ones left out)."""

    total: int
    by_channel: dict[str, int]  # every channel code, in the Channel enum's order, zeros included
    by_direction: dict[str, int]  # "in", "out"
    by_channel_direction: dict[str, dict[str, int]]  # channel -> {"in": n, "out": n}
    back_entered: int  # entered afterwards from a paper record


@dataclass(frozen=True)
class RegistrationFigures:
    new_files: int  # family files opened in the week
    completed: int  # registrations completed (data verified, file complete) in the week


@dataclass(frozen=True)
class RequestFigures:
    submitted: int  # submitted in the week (a paper request counts on its submission date)
    decisions: int  # committee decisions recorded in the week
    decisions_by_outcome: dict[str, int]  # accepted, rejected, needs_info
    communicated: int  # decisions communicated to the beneficiary in the week
    overdue: int  # at the end of the week: past the earliest decision date, no decision yet
    by_status: dict[str, int]  # open requests (not draft, closed, withdrawn) at the end
    closed: int  # closed in the week
    withdrawn: int  # withdrawn in the week


@dataclass(frozen=True)
class ReferralFigures:
    opened: int  # referrals to the social research officer made in the week
    done: int  # marked done in the week
    open_at_end: int  # open or accepted at the end of the week


@dataclass(frozen=True)
class WeekAverage:
    week_start: dt.date
    overall_avg: float | None  # None: no answers that week
    responses: int


@dataclass(frozen=True)
class SatisfactionFigures:
    """Survey answers in the week. They name no employee: the averages are the branch's."""

    responses: int  # surveys answered in the week (with or without an offer)
    offers: int  # surveys offered in the week
    answered_offers: int  # of those offers, how many were answered
    response_rate: float | None  # answered_offers / offers, 0..1; None when nothing was offered
    courtesy_avg: float | None
    speed_avg: float | None
    clarity_avg: float | None
    overall_avg: float | None
    trend: tuple[WeekAverage, ...]  # the four previous weeks, oldest first


@dataclass(frozen=True)
class FeedbackFigures:
    received: int
    by_kind: dict[str, int]  # suggestion, complaint, thanks
    answered: int  # answered in the week (whenever received)
    open_at_end: int  # received by the end of the week and not answered by then


@dataclass(frozen=True)
class FollowUpFigures:
    due: int  # follow-ups whose date falls in the week
    done: int  # of those, marked done by the end of the week
    missed: int  # of those, due date passed and not done by the end of the week


@dataclass(frozen=True)
class StaffWorkload:
    """What one staff member recorded in the week: a workload, never a score."""

    staff_id: str | None  # None: records that name no staff member
    name: str
    contacts: int
    files_registered: int
    requests_submitted: int


@dataclass(frozen=True)
class BranchFigures:
    """One branch's line in the summary of all branches (HQ)."""

    branch_id: str
    code: str
    name: str
    contacts_total: int
    new_beneficiaries: int
    requests_submitted: int
    decisions_made: int

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "contacts_total": self.contacts_total,
            "new_beneficiaries": self.new_beneficiaries,
            "requests_submitted": self.requests_submitted,
            "decisions_made": self.decisions_made,
        }


@dataclass(frozen=True)
class WeeklySummary:
    """The branch's week in figures. Built by :func:`compute_summary`; read-only.

    At HQ (:mod:`eskan_desk.reports.hq_summary`) the same figures cover every branch's rows;
    ``branches`` then holds one line per branch (None in a branch's own summary).
    """

    branch_code: str
    branch_name: str
    week_start: dt.date  # Sunday
    week_end: dt.date  # Saturday
    as_of: dt.datetime  # UTC: the end of the week, or the moment it was computed if earlier
    generated_at: dt.datetime  # UTC
    contacts: ContactFigures
    registrations: RegistrationFigures
    requests: RequestFigures
    referrals: ReferralFigures
    satisfaction: SatisfactionFigures
    feedback: FeedbackFigures
    follow_ups: FollowUpFigures
    workload: tuple[StaffWorkload, ...] = field(default=())  # sorted by name, never by count
    branches: tuple[BranchFigures, ...] | None = None  # HQ: every branch, by code

    @property
    def all_branches(self) -> bool:
        """True for HQ's summary of every branch."""
        return self.branches is not None

    @property
    def complete(self) -> bool:
        """True once the week is over (False for the week in progress)."""
        return self.as_of >= week_utc_range(self.week_start)[1]

    def to_json(self) -> dict[str, Any]:
        """DESIGN.md's keys (week_start, week_end, contacts_total, contacts_by_channel,
        new_beneficiaries, requests_submitted, decisions_made, satisfaction {overall_avg,
        responses}) first, then every section in full."""
        s = self.satisfaction
        satisfaction = {
            "overall_avg": _round(s.overall_avg),
            "responses": s.responses,
            "courtesy_avg": _round(s.courtesy_avg),
            "speed_avg": _round(s.speed_avg),
            "clarity_avg": _round(s.clarity_avg),
            "offers": s.offers,
            "answered_offers": s.answered_offers,
            "response_rate": _round(s.response_rate, 4),
            "trend": [
                {
                    "week_start": w.week_start.isoformat(),
                    "overall_avg": _round(w.overall_avg),
                    "responses": w.responses,
                }
                for w in s.trend
            ],
        }
        out: dict[str, Any] = {
            "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(),
            "week_start_hijri": _hijri_iso(self.week_start),
            "week_end_hijri": _hijri_iso(self.week_end),
            "branch": (
                None if self.all_branches else {"code": self.branch_code, "name": self.branch_name}
            ),
            "as_of": _utc_text(self.as_of),
            "complete": self.complete,
            "generated_at": _utc_text(self.generated_at),
            "contacts_total": self.contacts.total,
            "contacts_by_channel": dict(self.contacts.by_channel),
            "new_beneficiaries": self.registrations.new_files,
            "requests_submitted": self.requests.submitted,
            "decisions_made": self.requests.decisions,
            "satisfaction": satisfaction,
            "contacts": asdict(self.contacts),
            "registrations": asdict(self.registrations),
            "requests": asdict(self.requests),
            "referrals": asdict(self.referrals),
            "feedback": asdict(self.feedback),
            "follow_ups": asdict(self.follow_ups),
            "workload": [asdict(w) for w in self.workload],
        }
        if self.branches is not None:
            out["all_branches"] = True
            out["branches"] = [b.to_json() for b in self.branches]
        return out


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _utc_text(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _hijri_iso(d: dt.date) -> str | None:
    try:
        year, month, day = to_hijri(d)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# The week ----------------------------------------------------------------------------------------
def parse_week(raw: str | None, *, today: dt.date) -> dt.date:
    """Read the week asked for: any date in it, as ``YYYY-MM-DD`` (Arabic-Indic digits too).

    Args:
        raw: The date as typed.
        today: Today's Riyadh date: a week that starts after it is refused.

    Returns:
        The Sunday that starts the week holding the date.

    Raises:
        ValidationError: On field ``week``: empty, not a date, or a week in the future.
    """
    text = to_latin_digits(remove_invisible(raw or "")).strip()
    if not text:
        raise ValidationError("week", N_("is required"))
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError("week", N_("must be a date like 2026-11-22")) from exc
    return check_week(day, today=today)


EARLIEST_WEEK = dt.date(1900, 1, 7)  # a Sunday, long before any record


def check_week(day: dt.date, *, today: dt.date) -> dt.date:
    """The Sunday of the week holding ``day``; a week that starts after ``today`` is refused.

    Raises:
        ValidationError: On field ``week``: the week is in the future.
    """
    if day > today + dt.timedelta(days=6):  # a later week; first: 9999-12-31 has no Saturday
        raise ValidationError("week", N_("is in the future: its figures do not exist yet"))
    if day < EARLIEST_WEEK:
        raise ValidationError(
            "week",
            N_("must be between {low} and {high}"),
            {"low": EARLIEST_WEEK.isoformat(), "high": today.isoformat()},
        )
    sunday, _saturday = week_bounds(day)
    if sunday > today:
        raise ValidationError("week", N_("is in the future: its figures do not exist yet"))
    return sunday


def last_full_week(today: dt.date) -> dt.date:
    """The Sunday of the last week that is over (the week before the one holding ``today``)."""
    return week_bounds(today)[0] - dt.timedelta(days=7)


def summary_for(
    ctx: AppContext, actor: Actor, week_of: dt.date, *, today: dt.date | None = None
) -> WeeklySummary:
    """The weekly summary, for a staff member whose role may see it (supervisor, admin).

    Raises:
        PermissionDeniedError: another role.
        ValidationError: a week in the future.
    """
    authorize(actor.role, Action.VIEW_SUMMARY)
    return compute_summary(ctx, week_of, today=today)


def compute_summary(
    ctx: AppContext, week_of: dt.date, *, today: dt.date | None = None
) -> WeeklySummary:
    """Compute the branch's summary of the Sunday-Saturday week holding ``week_of``.

    Args:
        ctx: The application context.
        week_of: Any date of the week.
        today: The Riyadh date the summary is taken on (defaults to today by ``ctx.now``); for a
            week not yet over, states are taken at that moment instead of the week's end.

    Returns:
        The figures. A branch with nothing recorded gets a summary of zeros, not an error.

    Raises:
        ValidationError: On field ``week``: the week starts after ``today``.
    """
    from eskan_desk.services.staff import current_branch

    now = ctx.now()
    window = summary_window(week_of, now=now, today=today)
    branch = current_branch(ctx)
    with ctx.store.read() as session:
        figures = compute_figures(session, window)
    return WeeklySummary(
        branch_code=branch.code,
        branch_name=branch.name,
        week_start=window.sunday,
        week_end=window.saturday,
        as_of=window.as_of,
        generated_at=now,
        **figures,
    )


def summary_window(week_of: dt.date, *, now: dt.datetime, today: dt.date | None = None) -> Window:
    """The week holding ``week_of`` as the queries need it.

    Args:
        week_of: Any date of the week.
        now: The moment the summary is computed (aware UTC).
        today: The Riyadh date the summary is taken on (defaults to today by ``now``).

    Raises:
        ValidationError: On field ``week``: the week starts after ``today``.
    """
    from eskan_desk.reports import summary_queries as q

    real_today = riyadh_today(now)
    today = today or real_today
    sunday = check_week(week_of, today=today)
    start, end = week_utc_range(sunday)
    if today == real_today:
        as_of = min(end, now)
    else:  # a summary taken "as on" another day: at the end of that day
        day_end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=RIYADH)
        as_of = min(end, day_end.astimezone(dt.UTC))
    return q.Window(start=start, end=end, as_of=as_of, as_of_date=_as_of_date(as_of))


def compute_figures(
    session: Session, window: Window, branch_id: str | None = None
) -> dict[str, Any]:
    """Every section of the summary, read in ``session`` (SQLite or PostgreSQL, any engine).

    Args:
        session: An open session; run it in one read transaction for a consistent snapshot.
        window: From :func:`summary_window`.
        branch_id: Count only this branch's rows (None: every row in the database).

    Returns:
        The keyword arguments of :class:`WeeklySummary` that hold figures.
    """
    from eskan_desk.reports import summary_queries as q

    w = window.only(branch_id)
    contacts, contact_staff = q.contact_figures(session, w)
    registrations, file_staff = q.registration_figures(session, w)
    requests, request_staff = q.request_figures(session, w)
    return {
        "contacts": contacts,
        "registrations": registrations,
        "requests": requests,
        "referrals": q.referral_figures(session, w),
        "satisfaction": q.satisfaction_figures(session, w, TREND_WEEKS),
        "feedback": q.feedback_figures(session, w),
        "follow_ups": q.follow_up_figures(session, w),
        "workload": q.workload(session, contact_staff, file_staff, request_staff),
    }


def _as_of_date(as_of: dt.datetime) -> dt.date:
    """The first Riyadh date not yet over at ``as_of`` (a due date before it has passed)."""
    return to_riyadh(as_of).date()
