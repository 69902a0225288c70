from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eskan_desk.domain.channels import (
    CHANNEL_FIELDS,
    MAX_CALL_SECONDS,
    ChannelDetails,
    format_duration,
    parse_call_duration,
    validate_channel_details,
)
from eskan_desk.domain.enums import Channel, SocialPlatform
from eskan_desk.domain.errors import ValidationError

TODAY = date(2026, 11, 27)
NOT_A_DURATION = "must be a duration like 12:30 (minutes:seconds) or 12m"
OUT_OF_RANGE = "must be more than zero and at most {hours} hours"
FUTURE = "cannot be in the future"
NOT_A_DATE = "must be a date like 2026-11-20"


def rule_of(channel, **kwargs):
    with pytest.raises(ValidationError) as info:
        validate_channel_details(channel, today=TODAY, **kwargs)
    return info.value


def test_fields_per_channel():
    assert set(CHANNEL_FIELDS) == set(Channel)
    assert CHANNEL_FIELDS[Channel.PHONE] == ("call_duration",)
    assert (
        CHANNEL_FIELDS[Channel.INTERVIEW]
        == CHANNEL_FIELDS[Channel.BRANCH_REP]
        == ("visit_location",)
    )
    assert CHANNEL_FIELDS[Channel.LETTER] == ("letter_ref", "letter_date")
    assert CHANNEL_FIELDS[Channel.SOCIAL] == ("social_platform",)
    for channel in (Channel.HELP_REQUEST, Channel.VOLUNTEER, Channel.WEBSITE):
        assert CHANNEL_FIELDS[channel] == ()


def test_phone_with_duration():
    details = validate_channel_details("phone", today=TODAY, call_duration="12:30")
    assert details == ChannelDetails(call_duration_s=750)
    assert validate_channel_details(Channel.PHONE, today=TODAY) == ChannelDetails()


def test_visit_location():
    details = validate_channel_details("branch_rep", today=TODAY, visit_location=" منزل المستفيد ")
    assert details.visit_location == "منزل المستفيد"


def test_letter():
    details = validate_channel_details(
        "letter", today=TODAY, letter_ref="1448/ص/123", letter_date="٢٠٢٦-١١-٢٠"
    )
    assert details.letter_ref == "1448/ص/123" and details.letter_date == date(2026, 11, 20)
    details = validate_channel_details("letter", today=TODAY, letter_ref="7", letter_date=TODAY)
    assert details.letter_date == TODAY
    dt = datetime(2026, 11, 1, 9, 0)
    assert validate_channel_details(
        "letter", today=TODAY, letter_ref="7", letter_date=dt
    ).letter_date == date(2026, 11, 1)


def test_social():
    details = validate_channel_details("social", today=TODAY, social_platform="WhatsApp")
    assert details.social_platform is SocialPlatform.WHATSAPP


def test_blank_values_count_as_not_given():
    assert (
        validate_channel_details("website", today=TODAY, call_duration="", letter_ref=" ")
        == ChannelDetails()
    )


@pytest.mark.parametrize(
    ("channel", "kwargs", "field", "message"),
    [
        ("letter", {}, "letter_ref", "is required"),
        ("letter", {"letter_ref": "ر" * 41}, "letter_ref", "must be at most {max} characters"),
        ("letter", {"letter_ref": "1", "letter_date": "2026-11-28"}, "letter_date", FUTURE),
        ("letter", {"letter_ref": "1", "letter_date": "28/11/2026"}, "letter_date", NOT_A_DATE),
        ("social", {}, "social_platform", "is required"),
        ("social", {"social_platform": "telegram"}, "social_platform", "must be one of: {choices}"),
        ("phone", {"call_duration": "abc"}, "call_duration", NOT_A_DURATION),
        ("phone", {"call_duration": 0}, "call_duration", OUT_OF_RANGE),
        ("phone", {"call_duration": MAX_CALL_SECONDS + 1}, "call_duration", OUT_OF_RANGE),
        ("fax", {}, "channel", "must be one of: {choices}"),
    ],
)
def test_rules(channel, kwargs, field, message):
    err = rule_of(channel, **kwargs)
    assert (err.field, err.message) == (field, message)


@pytest.mark.parametrize(
    ("channel", "kwargs", "field"),
    [
        ("phone", {"letter_ref": "12"}, "letter_ref"),
        ("interview", {"call_duration": 60}, "call_duration"),
        ("letter", {"letter_ref": "1", "social_platform": "x"}, "social_platform"),
        ("website", {"visit_location": "الفرع"}, "visit_location"),
        ("social", {"social_platform": "x", "letter_date": TODAY}, "letter_date"),
    ],
)
def test_a_detail_of_another_channel_is_refused(channel, kwargs, field):
    err = rule_of(channel, **kwargs)
    assert (err.field, err.message) == (field, "does not apply to the {channel} channel")
    assert err.params == {"channel": channel}


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        (90, 90),
        ("90", 90),
        ("1:30", 90),
        ("01:30", 90),
        ("12m", 720),
        ("12 min", 720),
        ("١٢:٠٥", 725),
        ("1:02:03", 3723),
        ("4:00:00", 14400),
    ],
)
def test_duration_forms(raw, seconds):
    assert parse_call_duration(raw) == seconds


@pytest.mark.parametrize("raw", ["1:60", "1:2:3", "m12", "", "-5", "1.5", True])
def test_duration_refused(raw):
    with pytest.raises(ValidationError):
        parse_call_duration(raw)


def test_format_duration():
    assert format_duration(5) == "0:05"
    assert format_duration(750) == "12:30"
    assert format_duration(3723) == "1:02:03"


@given(st.integers(min_value=1, max_value=MAX_CALL_SECONDS))
def test_format_then_parse_round_trips(seconds):
    assert parse_call_duration(format_duration(seconds)) == seconds
