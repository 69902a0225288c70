"""Saudi national ID (citizens) and iqama (residents) numbers.

A number has 10 digits: the first is 1 for a citizen, 2 for a resident; the tenth is a Luhn check
digit over the first nine. Counting positions from 0, the digits at even positions are doubled
(a two-digit product counts as the sum of its digits), the odd ones count as they are, and the check
digit brings the total to a multiple of 10. Example: ``100000000`` sums to 2, so its check digit is
8 and ``1000000008`` is a valid number.
"""

from __future__ import annotations

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.enums import IdKind
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import remove_invisible

FIELD = "national_id"
LENGTH = 10
_KIND_BY_DIGIT = {"1": IdKind.CITIZEN, "2": IdKind.RESIDENT}


def _luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d  # same as adding the two digits of the product
        total += d
    return total


def check_digit(first9: str) -> str:
    """Compute the check digit of a national ID or iqama number.

    Args:
        first9: The first nine digits (Latin).

    Returns:
        The tenth digit, as a one-character string.

    Raises:
        ValueError: ``first9`` is not exactly nine Latin digits.
    """
    if len(first9) != LENGTH - 1 or not first9.isascii() or not first9.isdigit():
        raise ValueError(f"expected 9 digits, got {first9!r}")
    return str((10 - _luhn_sum(first9) % 10) % 10)


def normalize_national_id(raw: str | None) -> str:
    """Validate a national ID or iqama number as typed and return its 10 Latin digits.

    Spaces, bidi marks and zero-width characters are dropped; Arabic-Indic digits are accepted.

    Args:
        raw: The number as typed or pasted.

    Returns:
        The 10-digit number.

    Raises:
        ValidationError: On field ``national_id``, with one message per rule: required,
            digits only, length, first digit, check digit.
    """
    nid = to_latin_digits(remove_invisible(raw or "")).replace(" ", "")
    if not nid:
        raise ValidationError(FIELD, N_("is required"))
    if not nid.isascii() or not nid.isdigit():
        raise ValidationError(FIELD, N_("must contain digits only"))
    if len(nid) != LENGTH:
        raise ValidationError(FIELD, N_("must be 10 digits, got {length}"), {"length": len(nid)})
    if nid[0] not in _KIND_BY_DIGIT:
        raise ValidationError(FIELD, N_("must start with 1 (citizen) or 2 (resident)"))
    if check_digit(nid[:9]) != nid[9]:
        raise ValidationError(FIELD, N_("check digit is wrong: this is not a valid ID number"))
    return nid


def is_valid_national_id(raw: str | None) -> bool:
    """Tell whether ``raw`` is a valid national ID or iqama number (never raises).

    Args:
        raw: The number as typed.

    Returns:
        True when :func:`normalize_national_id` accepts it.
    """
    try:
        normalize_national_id(raw)
    except ValidationError:
        return False
    return True


def id_kind(nid: str) -> IdKind:
    """Tell whether a number is a citizen's national ID or a resident's iqama.

    Args:
        nid: A national ID or iqama number (validated here).

    Returns:
        :attr:`IdKind.CITIZEN` for a number starting with 1, :attr:`IdKind.RESIDENT` for 2.

    Raises:
        ValidationError: The number is not valid.
    """
    return _KIND_BY_DIGIT[normalize_national_id(nid)[0]]


def make_national_id(kind_digit: str, body8: str) -> str:
    """Build a valid number from its kind digit and eight body digits (for demo data and tests).

    Args:
        kind_digit: ``"1"`` (citizen) or ``"2"`` (resident).
        body8: Eight Latin digits.

    Returns:
        The 10-digit number with its check digit.

    Raises:
        ValueError: ``kind_digit`` or ``body8`` is malformed.
    """
    if kind_digit not in _KIND_BY_DIGIT:
        raise ValueError(f"kind digit must be 1 or 2, got {kind_digit!r}")
    if len(body8) != LENGTH - 2 or not body8.isascii() or not body8.isdigit():
        raise ValueError(f"expected 8 digits, got {body8!r}")
    first9 = kind_digit + body8
    return first9 + check_digit(first9)
