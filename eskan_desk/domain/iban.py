"""Saudi IBANs (ISO 13616): ``SA`` + 2 check digits + 2-digit bank code + 18 account characters.

24 characters in all; the check digits make the ISO 7064 mod-97 remainder equal 1. Input may
carry spaces, lower case, invisible bidi marks and Arabic-Indic digits.
"""

from __future__ import annotations

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import remove_invisible

FIELD = "iban"
COUNTRY = "SA"
LENGTH = 24
ACCOUNT_LENGTH = 18
_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _mod97(iban: str) -> int:
    """ISO 7064 mod-97 of an IBAN: first four characters moved to the end, letters as 10..35."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97


def normalize_iban(raw: str | None) -> str:
    """Validate a Saudi IBAN as typed and return it compact and upper-case.

    Args:
        raw: The IBAN as typed, e.g. ``"sa03 8000 0000 6080 1016 7519"``.

    Returns:
        The 24-character IBAN, e.g. ``"SA0380000000608010167519"``.

    Raises:
        ValidationError: On field ``iban``, one message per rule: required, characters, country,
            length, bank code, check digits.
    """
    iban = to_latin_digits(remove_invisible(raw or "")).replace(" ", "").upper()
    if not iban:
        raise ValidationError(FIELD, N_("is required"))
    if not set(iban) <= _ALPHANUMERIC:
        raise ValidationError(FIELD, N_("may contain only Latin letters and digits"))
    if not iban.startswith(COUNTRY):
        raise ValidationError(FIELD, N_("must be a Saudi IBAN starting with SA"))
    if len(iban) != LENGTH:
        raise ValidationError(
            FIELD,
            N_("must be 24 characters: SA and 22 digits/letters"),
            {"length": len(iban)},
        )
    if not iban[4:6].isdigit():
        raise ValidationError(FIELD, N_("the bank code (characters 5 and 6) must be digits"))
    if not iban[2:4].isdigit() or _mod97(iban) != 1:
        raise ValidationError(FIELD, N_("check digits are wrong (mod-97)"))
    return iban


def format_iban(iban: str) -> str:
    """Group an IBAN in blocks of four for display and print.

    Args:
        iban: A Saudi IBAN in any accepted input form.

    Returns:
        For example ``"SA03 8000 0000 6080 1016 7519"``.

    Raises:
        ValidationError: The IBAN is not valid.
    """
    compact = normalize_iban(iban)
    return " ".join(compact[i : i + 4] for i in range(0, LENGTH, 4))


def make_iban(bank_code: str, account18: str) -> str:
    """Build a valid Saudi IBAN from a bank code and account number (for demo data and tests).

    Args:
        bank_code: Two digits, e.g. ``"80"`` (Al Rajhi).
        account18: Eighteen Latin letters or digits.

    Returns:
        The 24-character IBAN with correct check digits.

    Raises:
        ValueError: ``bank_code`` or ``account18`` is malformed.
    """
    account = account18.upper()
    if len(bank_code) != 2 or not bank_code.isascii() or not bank_code.isdigit():
        raise ValueError(f"bank code must be 2 digits, got {bank_code!r}")
    if len(account) != ACCOUNT_LENGTH or not set(account) <= _ALPHANUMERIC:
        raise ValueError(f"account must be 18 letters or digits, got {account18!r}")
    bban = bank_code + account
    check = 98 - _mod97(COUNTRY + "00" + bban)
    return f"{COUNTRY}{check:02d}{bban}"
