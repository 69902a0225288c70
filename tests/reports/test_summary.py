"""The weekly summary on a week where every figure is known in advance."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from eskan_desk.domain.errors import ValidationError
from eskan_desk.reports.summary import compute_summary, last_full_week, parse_week
from eskan_desk.services.contacts import ContactInput, log_contact

from .known_week import ADMIN_NAME, EXPECTED, SARA, SATURDAY, SUNDAY, WEEK, riyadh


@pytest.fixture
def summary(known):
    return compute_summary(known, WEEK)


def test_the_week_runs_sunday_to_saturday_and_is_complete(summary):
    assert (summary.week_start, summary.week_end) == (SUNDAY, SATURDAY)
    assert summary.as_of == riyadh("2026-11-22T00:00")  # the end of Saturday, Riyadh time
    assert summary.complete
    assert (summary.branch_code, summary.branch_name) == ("KMS", "فرع خميس مشيط")


def test_any_day_of_the_week_gives_the_same_week(known, summary):
    for day in (SUNDAY, SATURDAY, WEEK):
        other = compute_summary(known, day)
        assert dataclasses.replace(other, generated_at=summary.generated_at) == summary


def test_contacts_by_channel_and_direction(summary):
    c = summary.contacts
    # Saturday 14 at 23:59 and Sunday 22 at 00:00 (Riyadh) fall outside; Sunday 15 at 00:00 and
    # Saturday 21 at 23:59 inside; the letter typed on the 26th counts on the 17th it happened.
    assert c.total == EXPECTED["contacts_total"]
    assert c.by_channel == EXPECTED["contacts_by_channel"]
    assert list(c.by_channel) == list(EXPECTED["contacts_by_channel"])  # the enum's order
    assert c.by_direction == EXPECTED["by_direction"]
    assert c.back_entered == EXPECTED["back_entered"]
    assert c.by_channel_direction["phone"] == {"in": 1, "out": 3}
    assert c.by_channel_direction["interview"] == {"in": 1, "out": 0}


def test_registrations(summary):
    assert summary.registrations.new_files == EXPECTED["new_beneficiaries"]
    assert summary.registrations.completed == EXPECTED["completed"]


def test_requests(summary):
    q = summary.requests
    assert q.submitted == EXPECTED["requests_submitted"]
    assert q.decisions == EXPECTED["decisions_made"]
    assert q.decisions_by_outcome == {"accepted": 1, "rejected": 0, "needs_info": 0}
    assert q.communicated == EXPECTED["communicated"]
    assert q.overdue == EXPECTED["overdue"]
    assert {k: v for k, v in q.by_status.items() if v} == EXPECTED["by_status"]
    assert "draft" not in q.by_status and "closed" not in q.by_status
    assert (q.closed, q.withdrawn) == (0, 0)


def test_referrals_feedback_and_follow_ups(summary):
    assert dataclasses.asdict(summary.referrals) == EXPECTED["referrals"]
    f = summary.feedback
    assert (f.received, f.answered, f.open_at_end) == tuple(EXPECTED["feedback"].values())
    assert f.by_kind == {"suggestion": 1, "complaint": 1, "thanks": 1}
    assert dataclasses.asdict(summary.follow_ups) == EXPECTED["follow_ups"]


def test_satisfaction_averages_response_rate_and_trend(summary):
    s, want = summary.satisfaction, EXPECTED["satisfaction"]
    assert (s.responses, s.offers, s.answered_offers) == (3, 3, 2)
    assert s.response_rate == pytest.approx(2 / 3)
    for key in ("courtesy_avg", "speed_avg", "clarity_avg", "overall_avg"):
        assert getattr(s, key) == pytest.approx(want[key])
    assert [w.week_start for w in s.trend] == [
        dt.date(2026, 10, 18) + dt.timedelta(weeks=i) for i in range(4)
    ]
    assert [w.overall_avg for w in s.trend] == want["trend"]
    assert [w.responses for w in s.trend] == [1, 2, 0, 1]


def test_workload_is_by_name_never_by_count(summary):
    lines = [
        (w.name, w.contacts, w.files_registered, w.requests_submitted) for w in summary.workload
    ]
    assert lines == EXPECTED["workload"]
    # Sara logged fewer contacts and still comes first: the order is the name's
    assert lines[0][0] == SARA and lines[1][0] == ADMIN_NAME


def test_json_has_the_contract_keys(summary):
    data = summary.to_json()
    assert data["week_start"] == "2026-11-15" and data["week_end"] == "2026-11-21"
    assert data["contacts_total"] == 6
    assert data["contacts_by_channel"] == EXPECTED["contacts_by_channel"]
    assert data["new_beneficiaries"] == 2
    assert data["requests_submitted"] == 2
    assert data["decisions_made"] == 1
    assert data["satisfaction"]["overall_avg"] == 4.0
    assert data["satisfaction"]["responses"] == 3
    assert data["satisfaction"]["response_rate"] == pytest.approx(0.6667)
    assert data["week_start_hijri"] == "1448-06-05"
    assert [w["overall_avg"] for w in data["satisfaction"]["trend"]] == [5.0, 3.5, None, 2.0]
    assert data["workload"][0]["name"] == SARA


def test_the_week_in_progress_counts_up_to_now(known, clock, admin):
    now = compute_summary(known, dt.date(2026, 11, 26))
    assert not now.complete and now.as_of == clock()
    assert now.contacts.total == 1  # Sunday 22 at 00:00; the paper ones belong to other weeks
    assert now.contacts.by_channel["website"] == 1
    clock.advance(minutes=1)
    log_contact(known, admin, ContactInput(channel="volunteer", summary="تطوع"))
    assert compute_summary(known, dt.date(2026, 11, 26)).contacts.total == 2


def test_an_empty_branch_is_a_summary_of_zeros(ctx):
    s = compute_summary(ctx, WEEK)
    assert s.contacts.total == 0 and set(s.contacts.by_channel.values()) == {0}
    assert len(s.contacts.by_channel) == 8
    assert (s.registrations.new_files, s.registrations.completed) == (0, 0)
    assert s.requests.submitted == s.requests.decisions == s.requests.overdue == 0
    assert set(s.requests.by_status.values()) == {0}
    assert s.satisfaction.responses == 0 and s.satisfaction.overall_avg is None
    assert s.satisfaction.response_rate is None  # nothing offered: no rate, not 0 %
    assert [w.overall_avg for w in s.satisfaction.trend] == [None] * 4
    assert s.workload == ()
    assert s.to_json()["satisfaction"]["overall_avg"] is None
    assert s.to_json()["satisfaction"]["response_rate"] is None


def test_a_week_in_the_future_is_refused(ctx):
    with pytest.raises(ValidationError) as info:
        compute_summary(ctx, dt.date(2026, 11, 29))  # next Sunday
    assert info.value.field == "week"
    compute_summary(ctx, dt.date(2026, 11, 28))  # this week's Saturday: the week has begun


@pytest.mark.parametrize(
    ("raw", "sunday"),
    [
        ("2026-11-18", SUNDAY),
        ("2026-11-15", SUNDAY),
        ("2026-11-21", SUNDAY),
        ("٢٠٢٦-١١-١٨", SUNDAY),  # Arabic-Indic digits
        (" 2026-11-28 ", dt.date(2026, 11, 22)),
    ],
)
def test_parse_week(raw, sunday):
    assert parse_week(raw, today=dt.date(2026, 11, 26)) == sunday


@pytest.mark.parametrize("raw", ["", "next week", "2026-13-01", "2026-02-30", "18/11"])
def test_parse_week_refuses_what_is_not_a_date(raw):
    with pytest.raises(ValidationError) as info:
        parse_week(raw, today=dt.date(2026, 11, 26))
    assert info.value.field == "week"


def test_parse_week_refuses_the_future():
    with pytest.raises(ValidationError) as info:
        parse_week("2026-12-01", today=dt.date(2026, 11, 26))
    assert "future" in info.value.message


def test_last_full_week():
    assert last_full_week(dt.date(2026, 11, 26)) == SUNDAY
    assert last_full_week(dt.date(2026, 11, 22)) == SUNDAY  # on Sunday, the week just ended


def test_only_supervisors_and_admins_see_the_summary(ctx, admin):
    import datetime as dt

    import pytest

    from eskan_desk.domain.errors import PermissionDeniedError
    from eskan_desk.reports.summary import summary_for
    from eskan_desk.services.auth import add_staff, sign_in

    add_staff(
        ctx,
        admin,
        username="huda.r",
        full_name="هدى",
        role="receptionist",
        password="reception-2026",
    )
    add_staff(
        ctx,
        admin,
        username="salem.s",
        full_name="سالم",
        role="supervisor",
        password="supervisor-2026",
    )
    week = dt.date(2026, 11, 15)
    with pytest.raises(PermissionDeniedError):
        summary_for(ctx, sign_in(ctx, "huda.r", "reception-2026"), week)
    assert summary_for(ctx, sign_in(ctx, "salem.s", "supervisor-2026"), week).week_start == week
