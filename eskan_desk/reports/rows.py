"""The weekly summary as labelled tables: one list of sections every export and the screen share.

Each :class:`Section` has a stable ``key`` (sheet and CSV codes), a title and column headers in
the language asked for, and rows of typed values: ``int`` counts, :class:`Score` averages out of 5,
:class:`Ratio` shares (0..1, shown as percentages), ``date`` dates, ``str`` text, ``None`` for a
figure that does not exist (no answers, nothing offered). Writers format by type, so a count stays
a number in a spreadsheet and a percentage stays a percentage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eskan_desk import i18n
from eskan_desk.domain.dates import format_gregorian, format_hijri, has_hijri, to_riyadh
from eskan_desk.domain.enums import Channel, Direction
from eskan_desk.domain.markers import N_
from eskan_desk.domain.requests import RequestStatus
from eskan_desk.reports.summary import WeeklySummary

DASH = "—"


class Score(float):
    """An average score out of 5 (courtesy, speed, clarity, overall)."""


class Ratio(float):
    """A share between 0 and 1, shown as a percentage."""


Value = int | float | dt.date | str | None


@dataclass(frozen=True)
class Row:
    key: str  # stable code: a channel, a status, a figure's name, a staff id, a week's date
    label: str
    values: tuple[Value, ...]
    emphasis: bool = False  # set apart: a totals line, or the summary's own week in a trend


@dataclass(frozen=True)
class Section:
    key: str  # stable code: sheet and CSV section id
    title: str
    label_header: str  # the header of the labels' column
    columns: tuple[tuple[str, str], ...]  # (code, header) of each value column
    rows: tuple[Row, ...]
    note: str = ""


# Fixed texts -------------------------------------------------------------------------------------
TITLE = N_("Weekly summary")
TITLE_ALL_BRANCHES = N_("Weekly summary of all branches")
ALL_BRANCHES = N_("All branches")
HIJRI = N_("Hijri")
GREGORIAN = N_("Gregorian")
WEEK_IN_PROGRESS = N_("Week in progress: figures up to {time}")
WEEK_COMPLETE = N_("Complete week")
ITEM = N_("Item")
VALUE = N_("Value")
TOTAL = N_("Total")
THIS_WEEK = N_("Summary week")  # the trend's point for the week summarised
RESPONSES_CAPTION = N_("{n} responses")
NO_STAFF = N_("Not recorded against a staff member")
UNKNOWN_STAFF = N_("Staff member not on this device")
WORKLOAD_NOTE = N_(
    "Listed by name. Counts of work recorded, to plan the team's work: not a ranking, "
    "and not for punishment or shaming."
)
FEEDBACK_KINDS = {
    "suggestion": N_("Suggestion"),
    "complaint": N_("Complaint"),
    "thanks": N_("Thanks"),
}

Translate = Callable[[str], str]


def translator(lang: str | None) -> Translate:
    """``gettext`` in ``lang`` (None: the language in force), whatever the UI's language."""
    if lang is None or lang == i18n.current_language():
        return i18n.gettext
    return i18n._catalog(lang).gettext


def title(s: WeeklySummary, lang: str | None = None) -> str:
    """The summary's title: "Weekly summary", or "... of all branches" at HQ."""
    return translator(lang)(TITLE_ALL_BRANCHES if s.all_branches else TITLE)


def scope_name(s: WeeklySummary, lang: str | None = None) -> str:
    """What the summary covers: the branch's name, or "All branches" at HQ."""
    return translator(lang)(ALL_BRANCHES) if s.all_branches else s.branch_name


def week_lines(s: WeeklySummary, lang: str | None = None) -> tuple[str, str]:
    """The week in the Hijri calendar and in the Gregorian calendar, one line each."""
    lang = lang or i18n.current_language()
    gregorian = f"{format_gregorian(s.week_start, lang)} – {format_gregorian(s.week_end, lang)}"
    if not (has_hijri(s.week_start) and has_hijri(s.week_end)):
        return "", gregorian
    return f"{format_hijri(s.week_start, lang)} – {format_hijri(s.week_end, lang)}", gregorian


def state_line(s: WeeklySummary, lang: str | None = None) -> str:
    """ "Complete week", or up to when the figures of a week in progress go."""
    t = translator(lang)
    if s.complete:
        return t(WEEK_COMPLETE)
    local = to_riyadh(s.as_of)
    when = f"{format_gregorian(local.date(), lang or i18n.current_language())} {local:%H:%M}"
    return t(WEEK_IN_PROGRESS).format(time=when)


def display(value: Value, lang: str | None = None) -> str:
    """A value as text for the screen and the PDF: ``1,234``, ``4.25``, ``60%``, ``—``."""
    if value is None:
        return DASH
    if isinstance(value, Ratio):
        return f"{value * 100:.0f}%"
    if isinstance(value, Score):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return format_gregorian(value, lang or i18n.current_language())
    return str(value)


def _score(value: float | None) -> Score | None:
    return None if value is None else Score(value)


def _figures(
    t: Translate, key: str, title: str, items: Sequence[tuple[str, str, Value]], note: str = ""
) -> Section:
    return Section(
        key=key,
        title=t(title),
        label_header=t(ITEM),
        columns=(("value", t(VALUE)),),
        rows=tuple(Row(code, t(label), (value,)) for code, label, value in items),
        note=t(note) if note else "",
    )


# Sections ----------------------------------------------------------------------------------------
def summary_sections(s: WeeklySummary, lang: str | None = None) -> list[Section]:
    """Every section of the summary, in reading order, labelled in ``lang``."""
    t = translator(lang)
    return [
        _about(s, t, lang),
        _overview(s, t),
        *([_branches(s, t)] if s.branches is not None else []),
        _contacts(s, t),
        _registrations(s, t),
        _requests(s, t),
        _request_status(s, t),
        _referrals(s, t),
        _satisfaction(s, t),
        _trend(s, t, lang),
        _feedback(s, t),
        _follow_ups(s, t),
        _workload(s, t),
    ]


def _about(s: WeeklySummary, t: Translate, lang: str | None) -> Section:
    hijri, _gregorian = week_lines(s, lang)
    return _figures(
        t,
        "week",
        N_("About this summary"),
        [
            ("branch", N_("Branch"), scope_name(s, lang)),
            ("week_start", N_("Week starts (Sunday)"), s.week_start),
            ("week_end", N_("Week ends (Saturday)"), s.week_end),
            ("week_hijri", N_("The week in the Hijri calendar"), hijri or None),
            ("state", N_("State"), state_line(s, lang)),
            ("generated_on", N_("Prepared on"), to_riyadh(s.generated_at).date()),
        ],
    )


def _overview(s: WeeklySummary, t: Translate) -> Section:
    c, r, q, sat = s.contacts, s.registrations, s.requests, s.satisfaction
    return _figures(
        t,
        "overview",
        N_("Key figures"),
        [
            ("contacts_total", N_("Contacts with beneficiaries"), c.total),
            ("contacts_back_entered", N_("Of which entered afterwards from paper"), c.back_entered),
            ("new_beneficiaries", N_("New family files"), r.new_files),
            ("completed_registrations", N_("Registrations completed"), r.completed),
            ("requests_submitted", N_("Support requests submitted"), q.submitted),
            ("decisions_made", N_("Committee decisions"), q.decisions),
            ("decisions_communicated", N_("Decisions communicated"), q.communicated),
            ("decisions_overdue", N_("Waiting past the earliest decision date"), q.overdue),
            (
                "referrals_open",
                N_("Referrals open at the end of the week"),
                s.referrals.open_at_end,
            ),
            (
                "satisfaction_overall",
                N_("Overall satisfaction (out of 5)"),
                _score(sat.overall_avg),
            ),
            ("satisfaction_responses", N_("Survey responses"), sat.responses),
            ("response_rate", N_("Survey response rate"), _rate(sat.response_rate)),
            (
                "feedback_received",
                N_("Suggestions, complaints and thanks received"),
                s.feedback.received,
            ),
            ("follow_ups_missed", N_("Follow-ups missed"), s.follow_ups.missed),
        ],
    )


def _rate(value: float | None) -> Ratio | None:
    return None if value is None else Ratio(value)


def _branches(s: WeeklySummary, t: Translate) -> Section:
    """HQ: the key figures branch by branch, and their total (the summary's own figures)."""
    rows = [
        Row(
            b.code,
            f"{b.name} · {b.code}" if b.name else b.code,
            (b.contacts_total, b.new_beneficiaries, b.requests_submitted, b.decisions_made),
        )
        for b in s.branches or ()
    ]
    rows.append(
        Row(
            "total",
            t(TOTAL),
            (
                s.contacts.total,
                s.registrations.new_files,
                s.requests.submitted,
                s.requests.decisions,
            ),
            emphasis=True,
        )
    )
    return Section(
        key="branches",
        title=t(N_("Branches")),
        label_header=t(N_("Branch")),
        columns=(
            ("contacts_total", t(N_("Contacts with beneficiaries"))),
            ("new_beneficiaries", t(N_("New family files"))),
            ("requests_submitted", t(N_("Support requests submitted"))),
            ("decisions_made", t(N_("Committee decisions"))),
        ),
        rows=tuple(rows),
    )


def _contacts(s: WeeklySummary, t: Translate) -> Section:
    c = s.contacts
    rows = [
        Row(code, _channel(t, code), (cell.get("in", 0), cell.get("out", 0), sum(cell.values())))
        for code, cell in c.by_channel_direction.items()
    ]
    rows.append(
        Row(
            "total",
            t(TOTAL),
            (c.by_direction.get("in", 0), c.by_direction.get("out", 0), c.total),
            emphasis=True,
        )
    )
    return Section(
        key="contacts",
        title=t(N_("Contacts by channel and direction")),
        label_header=t(N_("Channel")),
        columns=(
            ("in", t(Direction.IN.label)),
            ("out", t(Direction.OUT.label)),
            ("total", t(TOTAL)),
        ),
        rows=tuple(rows),
    )


def _channel(t: Translate, code: str) -> str:
    try:
        return t(Channel(code).label)
    except ValueError:  # a channel this version does not know (synced from a newer one)
        return code


def _registrations(s: WeeklySummary, t: Translate) -> Section:
    r = s.registrations
    return _figures(
        t,
        "registrations",
        N_("Beneficiaries"),
        [
            ("new_files", N_("New family files"), r.new_files),
            ("completed", N_("Registrations completed"), r.completed),
        ],
    )


def _requests(s: WeeklySummary, t: Translate) -> Section:
    q = s.requests
    by = q.decisions_by_outcome
    return _figures(
        t,
        "requests",
        N_("Support requests"),
        [
            ("submitted", N_("Submitted"), q.submitted),
            ("decisions", N_("Committee decisions"), q.decisions),
            ("accepted", N_("Accepted"), by.get("accepted", 0)),
            ("rejected", N_("Rejected"), by.get("rejected", 0)),
            ("needs_info", N_("Needs information"), by.get("needs_info", 0)),
            ("communicated", N_("Decisions communicated"), q.communicated),
            ("overdue", N_("Waiting past the earliest decision date"), q.overdue),
            ("closed", N_("Closed"), q.closed),
            ("withdrawn", N_("Withdrawn"), q.withdrawn),
        ],
        note=N_(
            "Waiting past the earliest decision date: requests still before the committee at "
            "the end of the week, after the first day it may decide them. The policy sets a "
            "minimum wait of two weeks, not a deadline."
        ),
    )


def _request_status(s: WeeklySummary, t: Translate) -> Section:
    rows = [
        Row(code, t(RequestStatus(code).label), (n,)) for code, n in s.requests.by_status.items()
    ]
    rows.append(Row("total", t(TOTAL), (sum(s.requests.by_status.values()),), emphasis=True))
    return Section(
        key="request_status",
        # Accepted, rejected and delivered requests stay open until the beneficiary is told
        # and a supervisor closes them: the title says "not yet closed", not "in progress".
        title=t(N_("Requests not yet closed at the end of the week, by status")),
        label_header=t(N_("Status")),
        columns=(("requests", t(N_("Requests"))),),
        rows=tuple(rows),
    )


def _referrals(s: WeeklySummary, t: Translate) -> Section:
    f = s.referrals
    return _figures(
        t,
        "referrals",
        N_("Referrals to the social research officer"),
        [
            ("opened", N_("Referrals made"), f.opened),
            ("done", N_("Referrals done"), f.done),
            ("open_at_end", N_("Open at the end of the week"), f.open_at_end),
        ],
    )


def _satisfaction(s: WeeklySummary, t: Translate) -> Section:
    f = s.satisfaction
    return _figures(
        t,
        "satisfaction",
        N_("Beneficiary satisfaction"),
        [
            ("courtesy", N_("Courtesy (out of 5)"), _score(f.courtesy_avg)),
            ("speed", N_("Speed (out of 5)"), _score(f.speed_avg)),
            ("clarity", N_("Clarity (out of 5)"), _score(f.clarity_avg)),
            ("overall", N_("Overall (out of 5)"), _score(f.overall_avg)),
            ("responses", N_("Survey responses"), f.responses),
            ("offers", N_("Surveys offered"), f.offers),
            ("answered_offers", N_("Offered surveys answered"), f.answered_offers),
            ("response_rate", N_("Survey response rate"), _rate(f.response_rate)),
        ],
        note=(
            N_("Surveys name no employee: these are the averages of all branches.")
            if s.all_branches
            else N_("Surveys name no employee: these are the branch's averages.")
        ),
    )


def trend_points(s: WeeklySummary) -> list[tuple[dt.date, float | None, int]]:
    """The four previous weeks and this one: (week start, overall average, responses)."""
    sat = s.satisfaction
    points = [(w.week_start, w.overall_avg, w.responses) for w in sat.trend]
    return [*points, (s.week_start, sat.overall_avg, sat.responses)]


def _trend(s: WeeklySummary, t: Translate, lang: str | None) -> Section:
    lang = lang or i18n.current_language()
    rows = []
    for start, avg, n in trend_points(s):
        label = format_hijri(start, lang) if has_hijri(start) else format_gregorian(start, lang)
        rows.append(
            Row(start.isoformat(), label, (start, _score(avg), n), emphasis=start == s.week_start)
        )
    return Section(
        key="satisfaction_trend",
        title=t(N_("Overall satisfaction, week by week")),
        label_header=t(N_("Week starting (Hijri)")),
        columns=(
            ("week_start", t(N_("Week starting"))),
            ("overall_avg", t(N_("Overall (out of 5)"))),
            ("responses", t(N_("Survey responses"))),
        ),
        rows=tuple(rows),
    )


def _feedback(s: WeeklySummary, t: Translate) -> Section:
    f = s.feedback
    items: list[tuple[str, str, Value]] = [
        (kind, FEEDBACK_KINDS.get(kind, kind), n) for kind, n in f.by_kind.items()
    ]
    items += [
        ("received", N_("Received in all"), f.received),
        ("answered", N_("Answered"), f.answered),
        ("open_at_end", N_("Not yet answered at the end of the week"), f.open_at_end),
    ]
    return _figures(t, "feedback", N_("Suggestions, complaints and thanks"), items)


def _follow_ups(s: WeeklySummary, t: Translate) -> Section:
    f = s.follow_ups
    return _figures(
        t,
        "follow_ups",
        N_("Follow-ups"),
        [
            ("due", N_("Due this week"), f.due),
            ("done", N_("Done"), f.done),
            ("missed", N_("Missed"), f.missed),
        ],
        note=N_(
            "Missed: the follow-up date has passed and it was not done by the end of the week."
        ),
    )


def _workload(s: WeeklySummary, t: Translate) -> Section:
    rows = []
    for w in s.workload:
        name = w.name or t(UNKNOWN_STAFF if w.staff_id else NO_STAFF)
        values = (w.contacts, w.files_registered, w.requests_submitted)
        rows.append(Row(w.staff_id or "none", name, values))
    return Section(
        key="workload",
        title=t(N_("Workload by staff member")),
        label_header=t(N_("Staff member")),
        columns=(
            ("contacts", t(N_("Contacts logged"))),
            ("files_registered", t(N_("Files registered"))),
            ("requests_submitted", t(N_("Requests submitted"))),
        ),
        rows=tuple(rows),
        note=t(WORKLOAD_NOTE),
    )
