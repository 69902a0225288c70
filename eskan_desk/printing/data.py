"""What the printed documents show: plain values, already translated where they are labels.

The services build these from the store and the UI or CLI hands them to the renderers; nothing
here knows the database. Labels (gender, category, relation, request type...) arrive translated
by the caller; the documents' own fixed texts are translated when they are rendered.

``lang`` on a document is the language it is printed in; ``None`` means the language in force
(:func:`eskan_desk.i18n.current_language`, Arabic unless switched).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple


@dataclass(frozen=True)
class Charity:
    """The association as its letterhead names it."""

    name_ar: str
    name_en: str
    licence: str
    branch_name: str


@dataclass(frozen=True)
class Address:
    """The Saudi national address (any part may be missing)."""

    building_no: str | None = None
    street: str | None = None
    district: str | None = None
    city: str | None = None
    postal_code: str | None = None
    additional_no: str | None = None
    short_address: str | None = None


class Member(NamedTuple):
    """One household member; a plain 4-tuple in this order works too."""

    name: str
    relation: str
    national_id: str | None = None
    birth_date: date | None = None


class Income(NamedTuple):
    """One income source; a plain ``(kind, monthly_amount)`` tuple works too."""

    kind: str
    monthly_amount: Decimal


class DocumentItem(NamedTuple):
    """One line of the documents checklist; a plain ``(label, received)`` tuple works too
    (a required document, then)."""

    label: str
    received: bool
    required: bool = True


@dataclass(frozen=True)
class Person:
    """The applicant's data as recorded in the family file."""

    file_no: str
    full_name: str
    national_id: str
    id_kind: str = "citizen"  # "citizen" or "resident"
    gender: str | None = None
    birth_date: date | None = None
    birth_precision: str = "day"  # "day" or "year"
    birth_calendar: str | None = None  # "hijri" or "gregorian": how a year alone was given
    mobile: str | None = None  # E.164, +9665XXXXXXXX
    marital_status: str | None = None
    category: str | None = None
    need_tier: str | None = None
    address: Address = field(default_factory=Address)
    iban: str | None = None
    housing: str | None = None
    annual_rent: Decimal | None = None
    ejar_no: str | None = None
    members: Sequence[Member] = ()
    incomes: Sequence[Income] = ()


@dataclass(frozen=True)
class RequestInfo:
    """The support request the document is about."""

    number: str
    type_label: str
    amount: Decimal | None = None
    description: str = ""
    submitted_at: datetime | None = None
    earliest_decision_date: date | None = None
    decision_label: str | None = None  # the committee's decision, once made ("Accepted")
    decided_on: date | None = None  # its Riyadh date


@dataclass(frozen=True)
class DeclarationDoc:
    """The declaration (إقرار) the applicant signs: the data is correct, they answer for it."""

    charity: Charity
    person: Person
    request: RequestInfo
    printed_at: datetime
    attested_hash: str
    form_version: str
    signature_png: bytes | None = None
    lang: str | None = None


@dataclass(frozen=True)
class RequestFormDoc:
    """The beneficiary support request form (طلب دعم مستفيد) with its documents checklist."""

    charity: Charity
    person: Person
    request: RequestInfo
    documents: Sequence[DocumentItem]
    printed_at: datetime
    lang: str | None = None


@dataclass(frozen=True)
class ReceiptDoc:
    """The receipt handed over on submission: number, dates, when the answer comes."""

    charity: Charity
    person: Person
    request: RequestInfo
    printed_at: datetime
    lang: str | None = None
