"""The contact log on all eight channels."""

from __future__ import annotations

import datetime as dt

import pytest

from eskan_desk.domain.enums import Channel
from eskan_desk.domain.errors import NotFoundError, ValidationError
from eskan_desk.services.beneficiaries import get_beneficiary, register_beneficiary
from eskan_desk.services.contacts import ContactInput, log_contact, timeline

from .helpers import applicant, counts

CHANNEL_FIELDS = {
    "phone": {"call_duration": "4:30"},
    "interview": {"visit_location": "مقر الجمعية - الاستقبال"},
    "branch_rep": {"visit_location": "منزل المستفيد"},
    "letter": {"letter_ref": "1448/213", "letter_date": "2026-11-20"},
    "social": {"social_platform": "whatsapp"},
    "help_request": {},
    "volunteer": {},
    "website": {},
}


def test_every_policy_channel_has_a_case():
    assert set(CHANNEL_FIELDS) == {c.value for c in Channel}


@pytest.mark.parametrize("channel", sorted(CHANNEL_FIELDS))
def test_log_a_contact_on_each_channel_with_its_own_fields(ctx, admin, channel):
    ben = register_beneficiary(ctx, admin, applicant())
    c = log_contact(
        ctx,
        admin,
        ContactInput(
            channel=channel,
            summary="استفسار عن دعم الإيجار",
            beneficiary_id=ben.file_no,
            **CHANNEL_FIELDS[channel],
        ),
    )
    assert c.channel == channel and c.beneficiary_id == ben.id
    if channel == "phone":
        assert c.call_duration_s == 270
    if channel == "letter":
        assert (c.letter_ref, c.letter_date) == ("1448/213", dt.date(2026, 11, 20))
    if channel == "social":
        assert c.social_platform == "whatsapp"
    assert [t.id for t in timeline(ctx, ben.id)] == [c.id]


def test_anonymous_inquiry_counts(ctx, admin):
    before = counts(ctx)
    c = log_contact(
        ctx,
        admin,
        ContactInput(channel="phone", summary="سؤال عن شروط التسجيل", caller_name="أبو فهد"),
    )
    assert c.beneficiary_id is None and c.caller_name == "أبو فهد"
    assert counts(ctx)["contacts"] == before["contacts"] + 1
    assert counts(ctx)["sync_outbox"] == before["sync_outbox"] + 1


def test_back_entered_paper_record_keeps_its_time(ctx, admin, clock):
    ben = register_beneficiary(ctx, admin, applicant())
    c = log_contact(
        ctx,
        admin,
        ContactInput(
            channel="interview", summary="زيارة", beneficiary_id=ben.id, at="2026-11-20T09:15"
        ),
    )
    # Naive times are Riyadh local time (UTC+3).
    assert c.at == dt.datetime(2026, 11, 20, 6, 15, tzinfo=dt.UTC)
    assert c.back_entered


def test_timeline_is_newest_first(ctx, admin, clock):
    ben = register_beneficiary(ctx, admin, applicant())
    old = log_contact(
        ctx,
        admin,
        ContactInput(channel="phone", summary="أول", beneficiary_id=ben.id, at="2026-11-01T10:00"),
    )
    new = log_contact(
        ctx, admin, ContactInput(channel="phone", summary="ثاني", beneficiary_id=ben.id)
    )
    assert [c.id for c in get_beneficiary(ctx, ben.id).contacts] == [new.id, old.id]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"summary": "   "}, "summary"),
        ({"at": "2026-12-25T10:00"}, "at"),
        ({"at": "yesterday"}, "at"),
        ({"follow_up_on": "2026-01-01"}, "follow_up_on"),
        ({"channel": "letter"}, "letter_ref"),
        ({"channel": "social"}, "social_platform"),
        ({"channel": "website", "call_duration": "5:00"}, "call_duration"),
        ({"channel": "phone", "call_duration": "9:99:99"}, "call_duration"),
        ({"caller_mobile": "12345"}, "mobile"),
        ({"summary": "x" * 10_000}, "summary"),
    ],
)
def test_bad_contact_is_refused_and_stores_nothing(ctx, admin, fields, field):
    data = ContactInput(channel="phone", summary="استفسار")
    for key, value in fields.items():
        setattr(data, key, value)
    before = counts(ctx)
    with pytest.raises(ValidationError) as err:
        log_contact(ctx, admin, data)
    assert err.value.field == field
    assert counts(ctx) == before


def test_unknown_beneficiary_is_refused(ctx, admin):
    with pytest.raises(NotFoundError):
        log_contact(
            ctx, admin, ContactInput(channel="phone", summary="x", beneficiary_id="KMS-2026-000999")
        )
