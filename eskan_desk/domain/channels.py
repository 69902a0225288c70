"""Details that belong to one contact channel: call duration, visit place, letter, platform.

A phone call may record its duration; an interview or a branch representative's visit its
location; a letter must carry its reference number (and may carry its date); a social-media
contact must name the platform. A detail given for a channel that does not have it is refused
rather than dropped, so a form bug never loses what the user typed without saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.enums import Channel, SocialPlatform
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import clean_text, remove_invisible

MAX_CALL_SECONDS = 4 * 3600
VISIT_LOCATION_MAX_LEN = 120
LETTER_REF_MAX_LEN = 40

CHANNEL_FIELDS: dict[Channel, tuple[str, ...]] = {
    **{channel: () for channel in Channel},
    Channel.PHONE: ("call_duration",),
    Channel.INTERVIEW: ("visit_location",),
    Channel.BRANCH_REP: ("visit_location",),
    Channel.LETTER: ("letter_ref", "letter_date"),
    Channel.SOCIAL: ("social_platform",),
}

_SECONDS = re.compile(r"([0-9]+)")
_MINUTES = re.compile(r"([0-9]+) ?m(?:in)?")
_MIN_SEC = re.compile(r"([0-9]{1,3}):([0-5][0-9])")
_HOUR_MIN_SEC = re.compile(r"([0-9]{1,2}):([0-5][0-9]):([0-5][0-9])")


@dataclass(frozen=True)
class ChannelDetails:
    """The validated channel-specific details of a contact; ``None`` where not given."""

    call_duration_s: int | None = None
    visit_location: str | None = None
    letter_ref: str | None = None
    letter_date: date | None = None
    social_platform: SocialPlatform | None = None


def _duration_seconds(value: int | str) -> int | None:
    if isinstance(value, int):
        return value
    text = to_latin_digits(remove_invisible(value)).strip().casefold()
    if m := _SECONDS.fullmatch(text):
        return int(m[1])
    if m := _MINUTES.fullmatch(text):
        return int(m[1]) * 60
    if m := _MIN_SEC.fullmatch(text):
        return int(m[1]) * 60 + int(m[2])
    if m := _HOUR_MIN_SEC.fullmatch(text):
        return int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])
    return None


def parse_call_duration(value: int | str, field: str = "call_duration") -> int:
    """Read a call duration: seconds, ``m:ss``, ``mm:ss``, ``h:mm:ss`` or minutes as ``12m``.

    Args:
        value: Seconds as an int, or text in one of the forms above (Arabic digits accepted).
        field: Field code reported in a :class:`ValidationError`.

    Returns:
        The duration in seconds.

    Raises:
        ValidationError: Not a duration, zero, or longer than four hours.
    """
    seconds = None if isinstance(value, bool) else _duration_seconds(value)
    if seconds is None:
        raise ValidationError(field, N_("must be a duration like 12:30 (minutes:seconds) or 12m"))
    if not 0 < seconds <= MAX_CALL_SECONDS:
        raise ValidationError(
            field,
            N_("must be more than zero and at most {hours} hours"),
            {"hours": MAX_CALL_SECONDS // 3600},
        )
    return seconds


def format_duration(seconds: int) -> str:
    """Format a duration as ``m:ss``, or ``h:mm:ss`` from one hour up.

    Args:
        seconds: A non-negative number of seconds.

    Returns:
        For example ``"12:05"`` or ``"1:02:03"``.
    """
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _letter_date(value: date | str, today: date) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(to_latin_digits(remove_invisible(value)).strip())
        except ValueError as exc:
            raise ValidationError("letter_date", N_("must be a date like 2026-11-20")) from exc
    if value > today:
        raise ValidationError("letter_date", N_("cannot be in the future"))
    return value


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not remove_invisible(value).strip())


def _refuse_foreign_fields(channel: Channel, given: dict[str, Any]) -> None:
    for field, value in given.items():
        if not _is_blank(value) and field not in CHANNEL_FIELDS[channel]:
            raise ValidationError(
                field, N_("does not apply to the {channel} channel"), {"channel": channel}
            )


def validate_channel_details(
    channel: Channel | str,
    *,
    today: date,
    call_duration: int | str | None = None,
    visit_location: str | None = None,
    letter_ref: str | None = None,
    letter_date: date | str | None = None,
    social_platform: SocialPlatform | str | None = None,
) -> ChannelDetails:
    """Validate the channel-specific details of a contact.

    Blank values (``None`` or empty text) count as not given.

    Args:
        channel: The contact's channel (a member or its code).
        today: Today's date in Riyadh (a letter cannot be dated after it).
        call_duration: Phone only: seconds, or text such as ``"12:30"`` or ``"12m"``.
        visit_location: Interview and branch representative only: where the meeting took place.
        letter_ref: Letter only, required: the letter's reference number (up to 40 characters).
        letter_date: Letter only, optional: a date or ISO text, not in the future.
        social_platform: Social only, required: the platform's code.

    Returns:
        The validated details.

    Raises:
        ValidationError: Named by the detail's field: a detail that does not apply to the
            channel, a required detail missing, or a malformed value.
    """
    channel = Channel.parse(channel, "channel")
    given = {
        "call_duration": call_duration,
        "visit_location": visit_location,
        "letter_ref": letter_ref,
        "letter_date": letter_date,
        "social_platform": social_platform,
    }
    _refuse_foreign_fields(channel, given)
    is_letter = channel is Channel.LETTER
    return ChannelDetails(
        call_duration_s=None if _is_blank(call_duration) else parse_call_duration(call_duration),
        visit_location=clean_text(visit_location, "visit_location", max_len=VISIT_LOCATION_MAX_LEN),
        letter_ref=clean_text(
            letter_ref, "letter_ref", max_len=LETTER_REF_MAX_LEN, required=is_letter
        ),
        letter_date=None if _is_blank(letter_date) else _letter_date(letter_date, today),
        social_platform=(
            SocialPlatform.parse(social_platform, "social_platform")
            if channel is Channel.SOCIAL
            else None
        ),
    )
