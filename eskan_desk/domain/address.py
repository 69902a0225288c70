"""The Saudi national address (العنوان الوطني).

Either the full address -- building number (4 digits), street, district, city, postal code
(5 digits), additional number (4 digits), optional unit -- or the short address (4 Latin letters
and 4 digits, e.g. ``RRRD2929``), or both. Once any part of the full address is given, building
number, district, city and postal code are all required (the street is optional: many houses
stand on unnamed streets). An address left wholly empty is accepted here; the service decides
whether a record needs one.
"""

from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields

from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import clean_text, remove_invisible

TEXT_MAX_LEN = 80
_SHORT_ADDRESS = re.compile(r"[A-Z]{4}[0-9]{4}")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class NationalAddress:
    """A validated national address; every part may be ``None``."""

    building_no: str | None = None
    street: str | None = None
    district: str | None = None
    city: str | None = None
    postal_code: str | None = None
    additional_no: str | None = None
    unit_no: str | None = None
    short_address: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when no part of the address is given."""
        return all(part is None for part in astuple(self))


def _compact(value: str | None) -> str:
    """Latin digits, no invisible characters, no spaces at all."""
    return to_latin_digits(remove_invisible(value or "")).replace(" ", "")


def _digits(value: str | None, field: str, count: int) -> str | None:
    text = _compact(value)
    if not text:
        return None
    if len(text) != count or not _DIGITS.fullmatch(text):
        raise ValidationError(field, N_("must be exactly {count} digits"), {"count": count})
    return text


def _unit_no(value: str | None) -> str | None:
    text = _compact(value)
    if not text:
        return None
    if len(text) > 4 or not _DIGITS.fullmatch(text):
        raise ValidationError("unit_no", N_("must be 1 to 4 digits"))
    return text


def _short_address(value: str | None) -> str | None:
    text = _compact(value).upper()
    if not text:
        return None
    if not _SHORT_ADDRESS.fullmatch(text):
        raise ValidationError(
            "short_address", N_("must be 4 Latin letters and 4 digits, like RRRD2929")
        )
    return text


def _require_full_address(address: NationalAddress) -> None:
    """Refuse a partial full address: each required part missing is named by its field."""
    full = (
        address.building_no,
        address.street,
        address.district,
        address.city,
        address.postal_code,
    )
    full_given = any(part is not None for part in full)
    # An additional or unit number alone locates nothing: it needs the full address with it.
    extras_alone = (address.additional_no or address.unit_no) and not address.short_address
    if not (full_given or extras_alone):
        return
    for field in ("building_no", "district", "city", "postal_code"):
        if getattr(address, field) is None:
            raise ValidationError(field, N_("is required"))


def validate_national_address(
    *,
    building_no: str | None = None,
    street: str | None = None,
    district: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    additional_no: str | None = None,
    unit_no: str | None = None,
    short_address: str | None = None,
) -> NationalAddress:
    """Validate a national address as typed.

    Args:
        building_no: Building number, 4 digits.
        street: Street name (free text, up to 80 characters).
        district: District name (free text, up to 80 characters).
        city: City name (free text, up to 80 characters).
        postal_code: Postal code, 5 digits.
        additional_no: Additional number, 4 digits.
        unit_no: Unit number, 1 to 4 digits.
        short_address: Short address, 4 Latin letters + 4 digits (case and spaces ignored).

    Returns:
        The cleaned address; all parts ``None`` if nothing was given.

    Raises:
        ValidationError: Named by the field that breaks a rule (format of a part, or a required
            part of a full address missing).
    """
    address = NationalAddress(
        building_no=_digits(building_no, "building_no", 4),
        street=clean_text(street, "street", max_len=TEXT_MAX_LEN),
        district=clean_text(district, "district", max_len=TEXT_MAX_LEN),
        city=clean_text(city, "city", max_len=TEXT_MAX_LEN),
        postal_code=_digits(postal_code, "postal_code", 5),
        additional_no=_digits(additional_no, "additional_no", 4),
        unit_no=_unit_no(unit_no),
        short_address=_short_address(short_address),
    )
    _require_full_address(address)
    return address


# The national address's parts, in the order a form shows them.
ADDRESS_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(NationalAddress))
