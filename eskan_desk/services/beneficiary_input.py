"""Validation of the family file as typed: every field checked, every error kept.

The form shows each error beside its field; the CLI prints the first. Nothing is stored until
:func:`clean_beneficiary` returns without errors.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from eskan_desk.domain.address import validate_national_address
from eskan_desk.domain.dates import parse_birth_date
from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.enums import (
    BuildingCondition,
    Category,
    Gender,
    HousingType,
    IncomeKind,
    MaritalStatus,
    NeedTier,
    Occupation,
    Relation,
)
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.iban import normalize_iban
from eskan_desk.domain.markers import N_
from eskan_desk.domain.national_id import normalize_national_id
from eskan_desk.domain.phone import normalize_mobile
from eskan_desk.domain.text import clean_text, validate_full_name_parts, validate_name_part

MAX_NOTES = 2000
MAX_AMOUNT = Decimal("1000000")
_EJAR = re.compile(r"^\d{6,20}$")


@dataclass
class MemberInput:
    name: str = ""
    relation: str = ""
    national_id: str = ""
    gender: str = ""
    birth_date: str = ""
    occupation: str = ""
    has_disability: bool = False
    has_chronic_illness: bool = False


@dataclass
class IncomeInput:
    kind: str = ""
    monthly_amount: str = ""


@dataclass
class BeneficiaryInput:
    """The family file as typed into the form or given on the command line (all text)."""

    national_id: str = ""
    first_name: str = ""
    father_name: str = ""
    grandfather_name: str = ""
    family_name: str = ""
    mobile: str = ""
    gender: str = ""
    birth_date: str = ""
    marital_status: str = ""
    category: str = ""
    need_tier: str = ""
    building_no: str = ""
    street: str = ""
    district: str = ""
    city: str = ""
    postal_code: str = ""
    additional_no: str = ""
    unit_no: str = ""
    short_address: str = ""
    iban: str = ""
    housing_type: str = ""
    rent_amount: str = ""
    ejar_no: str = ""
    rooms: str = ""
    building_condition: str = ""
    has_arrears: bool = False
    notes: str = ""
    members: list[MemberInput] = field(default_factory=list)
    incomes: list[IncomeInput] = field(default_factory=list)


def _opt_enum(enum: Any, raw: str, name: str) -> str | None:
    raw = (raw or "").strip()
    return enum.parse(raw, name).value if raw else None


def parse_amount(raw: str, name: str) -> Decimal | None:
    """A money amount in riyals: digits (Latin or Arabic-Indic), optional decimals, ≥ 0."""
    text = to_latin_digits((raw or "").strip()).replace(",", "").replace("٫", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(name, N_("must be an amount in riyals, e.g. 1500")) from exc
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise ValidationError(
            name, N_("must be between 0 and {max} riyals"), {"max": int(MAX_AMOUNT)}
        )
    return value.quantize(Decimal("0.01"))


def _rooms(raw: str) -> int | None:
    text = to_latin_digits((raw or "").strip())
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 30:  # not "²"
        raise ValidationError("rooms", N_("must be a whole number from 0 to 30"))
    return int(text)


def _ejar(raw: str) -> str | None:
    text = to_latin_digits((raw or "").strip()).replace(" ", "")
    if not text:
        return None
    if not _EJAR.match(text):
        raise ValidationError("ejar_no", N_("must be the contract number: 6 to 20 digits"))
    return text


class _Collector:
    """Runs validators, keeping each value or the error it raised."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.errors: list[ValidationError] = []

    def take(self, key: str, fn: Callable[[], Any]) -> None:
        try:
            self.values[key] = fn()
        except ValidationError as err:
            self.errors.append(err)


def check_beneficiary(
    data: BeneficiaryInput, *, today: dt.date
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[ValidationError]]:
    """Validate every field. Returns (clean values, members, incomes, errors)."""
    c = _Collector()
    c.take("national_id", lambda: normalize_national_id(data.national_id))
    c.take(
        "names",
        lambda: validate_full_name_parts(
            data.first_name, data.father_name, data.grandfather_name, data.family_name
        ),
    )
    c.take("mobile", lambda: normalize_mobile(data.mobile))
    c.take("gender", lambda: _opt_enum(Gender, data.gender, "gender"))
    c.take(
        "birth",
        lambda: (
            parse_birth_date(data.birth_date, today=today)
            if (data.birth_date or "").strip()
            else None
        ),
    )
    c.take(
        "marital_status", lambda: _opt_enum(MaritalStatus, data.marital_status, "marital_status")
    )
    c.take("category", lambda: _opt_enum(Category, data.category, "category"))
    c.take("need_tier", lambda: _opt_enum(NeedTier, (data.need_tier or "").upper(), "need_tier"))
    c.take(
        "address",
        lambda: validate_national_address(
            building_no=data.building_no,
            street=data.street,
            district=data.district,
            city=data.city,
            postal_code=data.postal_code,
            additional_no=data.additional_no,
            unit_no=data.unit_no,
            short_address=data.short_address,
        ),
    )
    c.take("iban", lambda: normalize_iban(data.iban) if (data.iban or "").strip() else None)
    c.take("housing_type", lambda: _opt_enum(HousingType, data.housing_type, "housing_type"))
    c.take("rent_amount", lambda: parse_amount(data.rent_amount, "rent_amount"))
    c.take("ejar_no", lambda: _ejar(data.ejar_no))
    c.take("rooms", lambda: _rooms(data.rooms))
    c.take(
        "building_condition",
        lambda: _opt_enum(BuildingCondition, data.building_condition, "building_condition"),
    )
    c.take("notes", lambda: clean_text(data.notes, "notes", max_len=MAX_NOTES, multiline=True))
    members = [_check_member(m, today, c) for m in data.members]
    incomes = [_check_income(i, c) for i in data.incomes]
    return _flatten(c.values), members, incomes, c.errors


def _check_member(m: MemberInput, today: dt.date, c: _Collector) -> dict[str, Any]:
    mc = _Collector()
    mc.take("name", lambda: validate_name_part(m.name, "members"))
    mc.take("relation", lambda: Relation.parse(m.relation, "relation").value)
    mc.take(
        "national_id",
        lambda: normalize_national_id(m.national_id) if (m.national_id or "").strip() else None,
    )
    mc.take("gender", lambda: _opt_enum(Gender, m.gender, "gender"))
    mc.take(
        "birth_date",
        lambda: (
            parse_birth_date(m.birth_date, today=today)[0] if (m.birth_date or "").strip() else None
        ),
    )
    mc.take("occupation", lambda: _opt_enum(Occupation, m.occupation, "members"))
    c.errors.extend(mc.errors)
    return {
        **mc.values,
        "has_disability": bool(m.has_disability),
        "has_chronic_illness": bool(m.has_chronic_illness),
    }


def _check_income(i: IncomeInput, c: _Collector) -> dict[str, Any]:
    ic = _Collector()
    ic.take("kind", lambda: IncomeKind.parse(i.kind, "income_kind").value)
    ic.take("monthly_amount", lambda: parse_amount(i.monthly_amount, "amount"))
    if "monthly_amount" in ic.values and ic.values["monthly_amount"] is None:
        ic.errors.append(ValidationError("amount", N_("is required")))
    c.errors.extend(ic.errors)
    return ic.values


def _flatten(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    names = out.pop("names", None)
    if names:
        out.update(
            zip(
                ("first_name", "father_name", "grandfather_name", "family_name"), names, strict=True
            )
        )
    birth = out.pop("birth", None)
    out["birth_date"], out["birth_calendar"], out["birth_precision"] = birth or (None, None, None)
    address = out.pop("address", None)
    if address is not None:
        out.update(asdict(address))
    return out


def clean_beneficiary(
    data: BeneficiaryInput, *, today: dt.date
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Validate and return clean values, or raise the first error.

    Raises:
        ValidationError: the first field that breaks a rule.
    """
    values, members, incomes, errors = check_beneficiary(data, today=today)
    if errors:
        raise errors[0]
    return values, members, incomes
