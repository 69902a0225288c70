"""The dashboard: follow-ups due and overdue, recent contacts, the week by channel, waiting work."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from eskan_desk.domain.enums import Channel, Role
from eskan_desk.domain.errors import NotFoundError, ValidationError
from eskan_desk.models import AuditEvent, OutboxChange
from eskan_desk.services.audit import verify_audit_chain
from eskan_desk.services.beneficiaries import register_beneficiary, verify_beneficiary_data
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.dashboard import (
    follow_ups,
    load_dashboard,
    mark_follow_up_done,
    recent_contacts,
    waiting_for_role,
    week_channel_counts,
    week_utc_range,
)

from .helpers import VALID_IDS, applicant, counts

TODAY = dt.date(2026, 11, 26)  # the clock fixture's Thursday


def riyadh(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+03:00").astimezone(dt.UTC)


def contact(ctx, actor, **fields: str):
    fields.setdefault("channel", "phone")
    fields.setdefault("summary", "متابعة طلب دعم الإيجار")
    return log_contact(ctx, actor, ContactInput(**fields))


def with_role(actor, role: Role):
    from dataclasses import replace

    return replace(actor, role=role)


@pytest.fixture
def family(ctx, admin):
    return register_beneficiary(ctx, admin, applicant())


def test_due_today_overdue_future_and_done_are_told_apart(ctx, admin, clock, family):
    clock.value = riyadh("2026-11-20T09:00")  # follow-ups cannot be set in the past
    older = contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-22")
    old = contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-24")
    clock.value = riyadh("2026-11-26T10:00")
    due = contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-26")
    contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-30")  # future
    done = contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-26")
    contact(ctx, admin, beneficiary_id=family.id)  # no follow-up at all
    mark_follow_up_done(ctx, admin, done.id)

    found = follow_ups(ctx)
    assert [f.contact_id for f in found.due_today] == [due.id]
    assert [f.contact_id for f in found.overdue] == [older.id, old.id]  # oldest first
    item = found.due_today[0]
    assert item.beneficiary_name == "فاطمة عبدالله سعيد الشهري"
    assert (item.file_no, item.mobile) == (family.file_no, "+966551234567")
    assert (item.channel, item.topic, item.follow_up_on) == ("phone", "inquiry", TODAY)
    assert item.staff_name == admin.full_name
    # A later day: today's follow-up becomes overdue.
    later = follow_ups(ctx, today=dt.date(2026, 11, 27))
    assert [f.contact_id for f in later.overdue] == [older.id, old.id, due.id]
    assert later.due_today == []


def test_mark_follow_up_done_is_audited_and_queued_for_sync(ctx, admin, family):
    c = contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-26")
    before = counts(ctx)
    mark_follow_up_done(ctx, admin, c.id)
    after = counts(ctx)
    assert after["sync_outbox"] == before["sync_outbox"] + 1
    assert after["audit_events"] == before["audit_events"] + 1
    assert after["contacts"] == before["contacts"]
    with ctx.store.read() as s:
        change = s.execute(
            select(OutboxChange).where(OutboxChange.entity_id == c.id).order_by(OutboxChange.seq)
        ).scalars()
        first, last = list(change)
        event = s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).scalar_one()
    assert last.base_version == first.version and last.version > first.version
    assert json.loads(last.payload)["follow_up_done_at"].startswith("2026-11-26")
    assert (event.action, event.entity_id, event.actor_id) == (
        "contact.follow_up_done",
        c.id,
        admin.staff_id,
    )
    assert verify_audit_chain(ctx)["ok"]
    assert follow_ups(ctx).due_today == []
    mark_follow_up_done(ctx, admin, c.id)  # twice: nothing more is written
    assert counts(ctx) == after


def test_mark_follow_up_done_refuses_unknown_contacts_and_contacts_without_follow_up(
    ctx, admin, family
):
    with pytest.raises(NotFoundError):
        mark_follow_up_done(ctx, admin, "no-such-contact")
    plain = contact(ctx, admin, beneficiary_id=family.id)
    before = counts(ctx)
    with pytest.raises(ValidationError) as err:
        mark_follow_up_done(ctx, admin, plain.id)
    assert err.value.field == "follow_up_on"
    assert counts(ctx) == before


def test_anonymous_contacts_show_the_callers_name(ctx, admin):
    c = contact(
        ctx,
        admin,
        caller_name="أبو فهد",
        caller_mobile="0559876543",
        follow_up_on="2026-11-26",
    )
    [item] = follow_ups(ctx).due_today
    assert (item.contact_id, item.beneficiary_id, item.file_no) == (c.id, None, None)
    assert (item.beneficiary_name, item.mobile) == ("أبو فهد", "+966559876543")
    [recent] = recent_contacts(ctx)
    assert (recent.beneficiary_name, recent.file_no) == ("أبو فهد", None)
    assert contact(ctx, admin).summary  # no caller name either: an empty name, not an error
    assert recent_contacts(ctx)[0].beneficiary_name == ""


def test_recent_contacts_are_newest_first_with_names(ctx, admin, clock, family):
    first = contact(ctx, admin, beneficiary_id=family.id, at="2026-11-25T09:00")
    second = contact(
        ctx, admin, beneficiary_id=family.id, channel="website", summary="طلب عبر الموقع"
    )
    back = contact(ctx, admin, beneficiary_id=family.id, at="2026-11-01T08:00")
    rows = recent_contacts(ctx)
    assert [r.contact_id for r in rows] == [second.id, first.id, back.id]
    assert rows[0].beneficiary_name == "فاطمة عبدالله سعيد الشهري"
    assert (rows[0].file_no, rows[0].channel, rows[0].staff_name) == (
        family.file_no,
        "website",
        admin.full_name,
    )
    assert [r.contact_id for r in recent_contacts(ctx, limit=1)] == [second.id]


def test_every_channel_is_counted_with_zeros_in_enum_order(ctx, admin):
    contact(ctx, admin, channel="website")
    contact(ctx, admin, channel="website")
    contact(ctx, admin, channel="volunteer")
    got = week_channel_counts(ctx)
    assert list(got) == [c.value for c in Channel]
    assert got == {c.value: 0 for c in Channel} | {"website": 2, "volunteer": 1}


def test_the_week_runs_sunday_to_saturday_in_riyadh(ctx, admin, clock):
    contact(ctx, admin, at="2026-11-21T23:59")  # Saturday night: last week
    contact(ctx, admin, at="2026-11-22T00:00")  # Sunday midnight: this week
    assert week_channel_counts(ctx)["phone"] == 1
    assert week_channel_counts(ctx, today=dt.date(2026, 11, 21))["phone"] == 1
    clock.value = riyadh("2026-11-29T01:00")  # the next Sunday, so both can be entered
    contact(ctx, admin, at="2026-11-28T23:59")  # Saturday: still the week of the 26th
    contact(ctx, admin, at="2026-11-29T00:00")  # Sunday: a new week
    assert week_channel_counts(ctx, today=TODAY)["phone"] == 2
    assert week_channel_counts(ctx)["phone"] == 1
    start, end = week_utc_range(TODAY)
    assert (start, end) == (riyadh("2026-11-22T00:00"), riyadh("2026-11-29T00:00"))
    assert start.tzinfo is dt.UTC and start.hour == 21  # Saturday 21:00 UTC


def test_unverified_files_wait_for_the_receptionist_until_verified(ctx, admin, family):
    receptionist = with_role(admin, Role.RECEPTIONIST)
    second = register_beneficiary(ctx, admin, applicant(national_id=VALID_IDS[1]))
    [item] = waiting_for_role(ctx, receptionist)
    assert (item.kind, item.count) == ("unverified_files", 2)
    assert item.label == "Files registered but not verified"
    assert [f.beneficiary_id for f in item.items] == [family.id, second.id]  # oldest first
    assert item.items[0] == (family.id, family.file_no, "فاطمة عبدالله سعيد الشهري")
    verify_beneficiary_data(ctx, admin, family.id)
    verify_beneficiary_data(ctx, admin, second.id)
    assert waiting_for_role(ctx, receptionist) == []


def test_overdue_follow_ups_wait_for_supervisors_only(ctx, admin, clock, family):
    verify_beneficiary_data(ctx, admin, family.id)
    clock.value = riyadh("2026-11-20T09:00")
    c = contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-23")
    clock.value = riyadh("2026-11-26T10:00")
    for role in (Role.SUPERVISOR, Role.ADMIN):
        [item] = waiting_for_role(ctx, with_role(admin, role))
        assert (item.kind, item.count) == ("overdue_follow_ups", 1)
        assert item.items == [(family.id, family.file_no, "فاطمة عبدالله سعيد الشهري")]
    for role in (Role.RECEPTIONIST, Role.REPRESENTATIVE, Role.RESEARCHER, Role.COMMITTEE):
        assert waiting_for_role(ctx, with_role(admin, role)) == []
    mark_follow_up_done(ctx, admin, c.id)
    assert waiting_for_role(ctx, admin) == []


def test_load_dashboard_gathers_everything(ctx, admin, family):
    contact(ctx, admin, beneficiary_id=family.id, follow_up_on="2026-11-26")
    board = load_dashboard(ctx, admin)
    assert (board.today, board.week_start, board.week_end) == (
        TODAY,
        dt.date(2026, 11, 22),
        dt.date(2026, 11, 28),
    )
    assert len(board.follow_ups.due_today) == 1 and board.follow_ups.overdue == []
    assert len(board.recent) == 1 and board.week_counts["phone"] == 1
    assert [w.kind for w in board.waiting] == ["unverified_files"]
