"""Errors raised by the domain and services.

Every user-facing error names a field (a stable code such as ``national_id``) and a rule (an
English catalog message with ``{placeholders}``). Nothing here translates: the CLI and the UI
render the error in the user's language with :func:`eskan_desk.i18n.render_error`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eskan_desk.domain.markers import N_

# Human labels for field codes; the UI and CLI translate them when they render an error.
FIELD_LABELS: dict[str, str] = {
    "national_id": N_("National ID"),
    "mobile": N_("Mobile number"),
    "first_name": N_("First name"),
    "father_name": N_("Father's name"),
    "grandfather_name": N_("Grandfather's name"),
    "family_name": N_("Family name"),
    "full_name": N_("Full name"),
    "gender": N_("Gender"),
    "birth_date": N_("Birth date"),
    "iban": N_("IBAN"),
    "building_no": N_("Building number"),
    "street": N_("Street"),
    "district": N_("District"),
    "city": N_("City"),
    "postal_code": N_("Postal code"),
    "additional_no": N_("Additional number"),
    "unit_no": N_("Unit number"),
    "short_address": N_("Short address"),
    "category": N_("Category"),
    "need_tier": N_("Need tier"),
    "marital_status": N_("Marital status"),
    "housing_type": N_("Housing"),
    "rent_amount": N_("Annual rent (riyals)"),
    "ejar_no": N_("Ejar contract number"),
    "rooms": N_("Number of rooms"),
    "building_condition": N_("Building condition"),
    "notes": N_("Notes"),
    "members": N_("Household members"),
    "relation": N_("Relation"),
    "income": N_("Income sources"),
    "income_kind": N_("Income source"),
    "amount": N_("Amount"),
    "channel": N_("Channel"),
    "direction": N_("Direction"),
    "at": N_("Time of contact"),
    "summary": N_("Summary"),
    "outcome": N_("Outcome"),
    "topic": N_("Topic"),
    "follow_up_on": N_("Follow-up date"),
    "call_duration": N_("Call duration"),
    "visit_location": N_("Visit location"),
    "letter_ref": N_("Letter reference number"),
    "letter_date": N_("Letter date"),
    "social_platform": N_("Social platform"),
    "caller_name": N_("Caller's name"),
    "beneficiary": N_("Beneficiary"),
    "branch": N_("Branch"),
    "port": N_("Port"),
    "ssl_certfile": N_("HTTPS certificate"),
    "ssl_keyfile": N_("HTTPS private key"),
    "branch_code": N_("Branch code"),
    "branch_name": N_("Branch name"),
    "username": N_("Username"),
    "password": N_("Password"),
    "query": N_("Search text"),
    "limit": N_("Limit"),
    "seed": N_("Seed"),
    "store": N_("Data store"),
    "language": N_("Language"),
    "idle_lock_minutes": N_("Lock after idle minutes"),
    "digits": N_("Digits"),
    "beneficiaries": N_("Number of beneficiaries"),
    "contacts": N_("Number of contacts"),
    "role": N_("Role"),
    "request": N_("Request"),
    "kind": N_("Form"),
    "file": N_("File"),
    "choice": N_("Choice"),
}


class EskanError(Exception):
    """Base of every error the application reports to a user."""

    def __init__(self, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.params: dict[str, Any] = dict(params or {})

    def __str__(self) -> str:  # English fallback, for logs and tracebacks
        return self.message.format(**self.params) if self.params else self.message


class ValidationError(EskanError):
    """A value broke a rule. ``field`` is a code from :data:`FIELD_LABELS`."""

    def __init__(self, field: str, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, params)
        self.field = field

    def __str__(self) -> str:
        label = FIELD_LABELS.get(self.field, self.field)
        return f"{label}: {super().__str__()}"


class NotFoundError(EskanError):
    """A record the user named does not exist."""


class ConflictError(EskanError):
    """The write would break a uniqueness rule, e.g. a national ID already registered."""

    def __init__(self, field: str, message: str, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, params)
        self.field = field

    def __str__(self) -> str:
        label = FIELD_LABELS.get(self.field, self.field)
        return f"{label}: {super().__str__()}"


class PermissionDeniedError(EskanError):
    """The signed-in staff member's role may not do this."""


class OutputError(EskanError):
    """A file the user asked for (a PDF, an export, a backup) cannot be written there: no such
    folder, a folder in its place, no space. Refused like a field (exit 1); the store is fine."""


class StoreError(EskanError):
    """The data store cannot be opened or written (missing, locked, full, corrupt)."""


class SyncError(EskanError):
    """Sync with HQ failed. ``code`` is stable (``unreachable``, ``signature``, ``gap``…);
    ``retry`` says whether trying again later may succeed (HQ down, link dropped)."""

    def __init__(
        self,
        code: str,
        message: str,
        params: Mapping[str, Any] | None = None,
        *,
        retry: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message, params)
        self.code = code
        self.retry = retry
        self.status = status
