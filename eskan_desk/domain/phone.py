"""Saudi mobile numbers.

Stored in E.164 form, ``+9665XXXXXXXX``: country code 966 and a 9-digit national number that
starts with 5. Input accepts every form people type -- ``05XXXXXXXX``, ``5XXXXXXXX``,
``+9665XXXXXXXX``, ``009665XXXXXXXX``, ``9665XXXXXXXX`` -- with spaces, dashes, dots or parentheses
between the digits, Arabic-Indic digits, and invisible bidi marks around it. A trunk ``0`` typed
after the country code (``+966 05...``) is forgiven.
"""

from __future__ import annotations

import re

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import remove_invisible

FIELD = "mobile"
COUNTRY_CODE = "966"
NATIONAL_LENGTH = 9
_ALLOWED = re.compile(r"\+?[0-9 ().-]*")
_SEPARATORS = re.compile(r"[ ().-]")


def _national_number(digits: str, international: bool) -> str:
    """Strip the country code and trunk prefix from ``digits``; refuse foreign numbers."""
    if international:
        if not digits.startswith(COUNTRY_CODE):
            raise ValidationError(FIELD, N_("must be a Saudi number (+966)"))
        digits = digits[len(COUNTRY_CODE) :]
    elif digits.startswith(COUNTRY_CODE):
        digits = digits[len(COUNTRY_CODE) :]
    return digits.removeprefix("0")


def normalize_mobile(raw: str | None) -> str:
    """Validate a Saudi mobile number as typed and return it in E.164 form.

    Args:
        raw: The number as typed or pasted.

    Returns:
        ``"+9665XXXXXXXX"``.

    Raises:
        ValidationError: On field ``mobile``, one message per rule: required, characters,
            foreign country code, not a mobile (does not start with 5), length.
    """
    text = to_latin_digits(remove_invisible(raw or "")).strip()
    if not text:
        raise ValidationError(FIELD, N_("is required"))
    if not _ALLOWED.fullmatch(text):
        raise ValidationError(FIELD, N_("may contain only digits, spaces, dashes and a leading +"))
    digits = _SEPARATORS.sub("", text)
    international = digits.startswith(("+", "00"))
    digits = digits.removeprefix("+").removeprefix("00") if international else digits
    national = _national_number(digits, international)
    if national and not national.startswith("5"):
        raise ValidationError(FIELD, N_("must be a mobile number starting with 05"))
    if len(national) != NATIONAL_LENGTH:
        raise ValidationError(
            FIELD,
            N_("must have 10 digits in the form 05XXXXXXXX"),
            {"length": len(national) + 1},
        )
    return f"+{COUNTRY_CODE}{national}"


def format_mobile_local(e164: str) -> str:
    """Format a mobile number the way Saudis write it: ``05X XXX XXXX``.

    Args:
        e164: The number in E.164 form (any accepted input form works too).

    Returns:
        For example ``"050 123 4567"``.

    Raises:
        ValidationError: The number is not a valid Saudi mobile.
    """
    local = "0" + normalize_mobile(e164)[len(COUNTRY_CODE) + 1 :]
    return f"{local[:3]} {local[3:6]} {local[6:]}"


def mobile_search_key(raw: str | None) -> str | None:
    """Return the E.164 form of ``raw`` if it is a Saudi mobile number, else ``None``.

    Used by search to recognise a mobile number in the query; never raises.

    Args:
        raw: Any text.

    Returns:
        ``"+9665XXXXXXXX"`` or ``None``.
    """
    try:
        return normalize_mobile(raw)
    except ValidationError:
        return None
