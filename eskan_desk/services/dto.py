"""Plain data returned by the services: no widget or command ever holds an ORM row."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


class JsonMixin:
    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; the keys are the CLI's documented ``--json`` fields."""
        return _jsonable(asdict(self))  # type: ignore[call-overload]


@dataclass(frozen=True)
class BeneficiarySummary(JsonMixin):
    id: str
    file_no: str
    national_id: str
    full_name: str
    mobile: str | None
    gender: str | None
    category: str | None
    city: str | None
    district: str | None
    registration_status: str


@dataclass(frozen=True)
class MemberView(JsonMixin):
    id: str
    name: str
    relation: str
    national_id: str | None
    gender: str | None
    birth_date: dt.date | None
    occupation: str | None
    has_disability: bool
    has_chronic_illness: bool


@dataclass(frozen=True)
class IncomeView(JsonMixin):
    id: str
    kind: str
    monthly_amount: Decimal


@dataclass(frozen=True)
class ContactView(JsonMixin):
    id: str
    beneficiary_id: str | None
    channel: str
    direction: str
    at: dt.datetime
    topic: str
    summary: str
    outcome: str | None
    follow_up_on: dt.date | None
    staff_id: str | None
    staff_name: str | None
    caller_name: str | None
    call_duration_s: int | None
    visit_location: str | None
    letter_ref: str | None
    letter_date: dt.date | None
    social_platform: str | None
    back_entered: bool


@dataclass(frozen=True)
class BeneficiaryFile(JsonMixin):
    """The whole family file, as the beneficiary screen and ``beneficiaries show`` present it."""

    id: str
    file_no: str
    national_id: str
    id_kind: str
    full_name: str
    first_name: str
    father_name: str
    grandfather_name: str
    family_name: str
    gender: str | None
    birth_date: dt.date | None
    birth_calendar: str | None
    birth_precision: str | None
    mobile: str | None
    marital_status: str | None
    category: str | None
    need_tier: str | None
    address: dict[str, str | None]
    iban: str | None
    housing_type: str | None
    rent_amount: Decimal | None
    ejar_no: str | None
    rooms: int | None
    building_condition: str | None
    has_arrears: bool
    notes: str | None
    registration_status: str
    verified_by: str | None
    verified_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    members: list[MemberView] = field(default_factory=list)
    incomes: list[IncomeView] = field(default_factory=list)
    contacts: list[ContactView] = field(default_factory=list)
