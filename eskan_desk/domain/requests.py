"""The support request (طلب دعم مستفيد): its types, its state machine, the 14-day rule, and the
documents each type asks for.

Pure values and rules, no I/O. The services enforce them on every write:

* a transition must be in :data:`TRANSITIONS`, and the acting role among the roles it allows;
* the research committee (لجنة البحث) answers "within a period of not less than two weeks"
  (POLICY.md, step 5): no decision before :func:`earliest_decision_date`, the Riyadh calendar date
  of submission plus 14 days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import LabeledEnum, Role
from eskan_desk.domain.errors import FIELD_LABELS, PermissionDeniedError, ValidationError
from eskan_desk.domain.markers import N_

DECISION_WAIT_DAYS = 14
# The version of the printed declaration (إقرار) text; a declaration records the one it signed.
DECLARATION_FORM_VERSION = "2026.1"


class _RequestEnum(LabeledEnum):
    @property
    def label(self) -> str:
        """The member's English label (a catalog msgid; translate it to show it)."""
        return REQUEST_LABELS[type(self)][self]


class RequestType(_RequestEnum):
    """The services a housing charity gives (DOMAIN-NOTES.md)."""

    RENT = "rent"
    REPAIR = "repair"  # ترميم
    HOUSING_UNIT = "housing_unit"
    FURNISHING = "furnishing"  # تأثيث، أجهزة
    UTILITIES = "utilities"
    OTHER = "other"


class RequestStatus(_RequestEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_RESEARCH = "in_research"
    IN_COMMITTEE = "in_committee"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NEEDS_INFO = "needs_info"  # deferred until the information is complete
    DELIVERED = "delivered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class DeclarationMethod(_RequestEnum):
    PAD = "pad"  # signed on the on-screen pad
    PAPER = "paper"  # printed, signed by hand, optionally scanned


REQUEST_LABELS: dict[type[LabeledEnum], dict[LabeledEnum, str]] = {
    RequestType: {
        RequestType.RENT: N_("Rent support"),
        RequestType.REPAIR: N_("Restoration and repair"),
        RequestType.HOUSING_UNIT: N_("Housing unit"),
        RequestType.FURNISHING: N_("Furnishing and appliances"),
        RequestType.UTILITIES: N_("Utility bills"),
        RequestType.OTHER: N_("Other support"),
    },
    RequestStatus: {
        RequestStatus.DRAFT: N_("Draft"),
        RequestStatus.SUBMITTED: N_("Submitted"),
        RequestStatus.IN_RESEARCH: N_("In social research"),
        RequestStatus.IN_COMMITTEE: N_("Before the committee"),
        RequestStatus.ACCEPTED: N_("Accepted"),
        RequestStatus.REJECTED: N_("Rejected"),
        RequestStatus.NEEDS_INFO: N_("Needs information"),
        RequestStatus.DELIVERED: N_("Service delivered"),
        RequestStatus.CLOSED: N_("Closed"),
        RequestStatus.WITHDRAWN: N_("Withdrawn"),
    },
    DeclarationMethod: {
        DeclarationMethod.PAD: N_("Signed on the screen"),
        DeclarationMethod.PAPER: N_("Signed on paper"),
    },
}

_S = RequestStatus
_FRONT = frozenset({Role.RECEPTIONIST, Role.REPRESENTATIVE, Role.SUPERVISOR, Role.ADMIN})
_RESEARCH = frozenset({Role.RESEARCHER, Role.SUPERVISOR, Role.ADMIN})
_SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
# The policy gives the decision to the research committee alone: not even an administrator may
# record one (an admin who sits on the committee signs in with a committee account).
_COMMITTEE = frozenset({Role.COMMITTEE})
_DELIVERY = frozenset({Role.REPRESENTATIVE, Role.SUPERVISOR, Role.ADMIN})

# (from, to) -> the roles that may make the move. Anything not here is out of order.
TRANSITIONS: dict[tuple[RequestStatus, RequestStatus], frozenset[Role]] = {
    (_S.DRAFT, _S.SUBMITTED): _FRONT,
    (_S.SUBMITTED, _S.IN_RESEARCH): _RESEARCH,
    (_S.SUBMITTED, _S.IN_COMMITTEE): _SUPERVISORS,
    (_S.IN_RESEARCH, _S.IN_COMMITTEE): _RESEARCH,
    (_S.NEEDS_INFO, _S.IN_COMMITTEE): _RESEARCH,
    (_S.IN_COMMITTEE, _S.ACCEPTED): _COMMITTEE,
    (_S.IN_COMMITTEE, _S.REJECTED): _COMMITTEE,
    (_S.IN_COMMITTEE, _S.NEEDS_INFO): _COMMITTEE,
    (_S.ACCEPTED, _S.DELIVERED): _DELIVERY,
    (_S.DELIVERED, _S.CLOSED): _SUPERVISORS,
    (_S.REJECTED, _S.CLOSED): _SUPERVISORS,
    (_S.DRAFT, _S.WITHDRAWN): _FRONT,
    (_S.SUBMITTED, _S.WITHDRAWN): _FRONT,
    (_S.IN_RESEARCH, _S.WITHDRAWN): _FRONT,
    (_S.NEEDS_INFO, _S.WITHDRAWN): _FRONT,
}

DECISION_OUTCOMES = frozenset({_S.ACCEPTED, _S.REJECTED, _S.NEEDS_INFO})
# Decisions that end the case: closing waits until the beneficiary has been told.
FINAL_DECISIONS = frozenset({_S.ACCEPTED, _S.REJECTED})
# Submitted and not yet decided: the committee's two weeks are running.
AWAITING_DECISION = frozenset({_S.SUBMITTED, _S.IN_RESEARCH, _S.IN_COMMITTEE})
# The documents checklist and the declaration can change only before the committee has the file.
OPEN_FOR_PAPERWORK = frozenset({_S.DRAFT, _S.SUBMITTED, _S.IN_RESEARCH, _S.NEEDS_INFO})
TERMINAL = frozenset({_S.CLOSED, _S.WITHDRAWN})


def check_transition(
    current: RequestStatus | str, target: RequestStatus | str, role: Role | str
) -> None:
    """Refuse a move the state machine does not have, or one the role may not make.

    Args:
        current: The request's status now.
        target: The status asked for.
        role: The acting staff member's role.

    Raises:
        ValidationError: On field ``status``: the move is out of order (not in the table).
        PermissionDeniedError: The move exists but ``role`` may not make it.
    """
    cur, to = RequestStatus(current), RequestStatus.parse(target, "status")
    roles = TRANSITIONS.get((cur, to))
    if roles is None:
        raise ValidationError(
            "status",
            N_("A request that is {current} cannot become {target}."),
            {"current": cur, "target": to},
        )
    if role not in roles:
        shown = Role(role) if role in set(Role) else role
        raise PermissionDeniedError(
            N_("Your role ({role}) may not move a request from {current} to {target}."),
            {"role": shown, "current": cur, "target": to},
        )


def allowed_targets(current: RequestStatus | str, role: Role | str) -> list[RequestStatus]:
    """The statuses ``role`` may move a request to from ``current`` (for buttons and menus).

    Args:
        current: The request's status now.
        role: The acting staff member's role.

    Returns:
        The targets in :class:`RequestStatus` order; rules beyond the role (documents, the
        14-day wait, communication) are checked by the services when the move is made.
    """
    cur = RequestStatus(current)
    return [to for to in RequestStatus if role in TRANSITIONS.get((cur, to), ())]


def earliest_decision_date(submitted_at: datetime) -> date:
    """The first day the committee may decide: the Riyadh calendar date of submission + 14 days.

    Args:
        submitted_at: When the request was submitted (aware; a naive value is taken as UTC).

    Returns:
        The date, in Asia/Riyadh calendar days: a request submitted at 23:59 Riyadh time counts
        that day, one submitted a minute later counts the next.
    """
    return to_riyadh(submitted_at).date() + timedelta(days=DECISION_WAIT_DAYS)


def check_decision_date(today: date, earliest: date | None) -> None:
    """Refuse a committee decision before the earliest decision date.

    Args:
        today: Today's date in Riyadh.
        earliest: The request's earliest decision date (None when never submitted).

    Raises:
        ValidationError: On field ``decision``; ``params["date"]`` is the earliest date (a
            :class:`datetime.date`, rendered in Hijri and Gregorian by the i18n layer).
    """
    if earliest is None:
        raise ValidationError("decision", N_("cannot be recorded before the request is submitted"))
    if today < earliest:
        raise ValidationError(
            "decision", N_("the committee may decide on or after {date}"), {"date": earliest}
        )


# The documents checklist --------------------------------------------------------------------
DOCUMENT_LABELS: dict[str, str] = {
    "national_id_copy": N_("National ID copy (head of household)"),
    "family_card": N_("Family card"),
    "income_proof": N_("Income statement (no older than 3 months)"),
    "iban_letter": N_("IBAN letter"),
    "lease_contract": N_("Lease contract (Ejar)"),
    "enforcement_judgment": N_("Enforcement judgment"),
    "ownership_deed": N_("Ownership deed or hujjat istihkam"),
    "repair_quotation": N_("Repair quotation"),
    "electricity_bill": N_("Latest electricity bill (proof of residence)"),
    "medical_report": N_("Medical reports"),
    "price_quotation": N_("Price quotation"),
}


def _docs(*items: tuple[str, bool]) -> tuple[tuple[str, str, bool], ...]:
    return tuple((code, DOCUMENT_LABELS[code], required) for code, required in items)


_IDENTITY = (("national_id_copy", True), ("family_card", True), ("income_proof", True))

# (code, English label, required) per type: what the applicant is asked to bring. An administrator
# may change a type's list (services.requirements); these are the starting point.
DEFAULT_DOCUMENTS: dict[RequestType, tuple[tuple[str, str, bool], ...]] = {
    RequestType.RENT: _docs(
        *_IDENTITY,
        ("iban_letter", True),
        ("lease_contract", True),
        ("enforcement_judgment", False),
    ),
    RequestType.REPAIR: _docs(
        *_IDENTITY,
        ("iban_letter", True),
        ("ownership_deed", True),  # only owners qualify for restoration
        ("repair_quotation", False),
    ),
    RequestType.HOUSING_UNIT: _docs(
        *_IDENTITY,
        ("iban_letter", True),
        ("electricity_bill", True),
        ("medical_report", False),
    ),
    RequestType.FURNISHING: _docs(
        *_IDENTITY,
        ("electricity_bill", True),
        ("price_quotation", False),
    ),
    RequestType.UTILITIES: _docs(
        *_IDENTITY,
        ("electricity_bill", True),
        ("iban_letter", False),
    ),
    RequestType.OTHER: _docs(*_IDENTITY),
}


def missing_documents(documents: Iterable[tuple[str, bool, bool]]) -> list[str]:
    """The codes of required documents not yet received.

    Args:
        documents: ``(code, required, received)`` for each line of a request's checklist.

    Returns:
        The missing codes, in checklist order.
    """
    return [code for code, required, received in documents if required and not received]


# Field codes these rules report; registered beside the others so errors name them.
REQUEST_FIELD_LABELS: dict[str, str] = {
    "status": N_("Request status"),
    "request": N_("Request"),
    "request_type": N_("Request type"),
    "description": N_("Description"),
    "decision": N_("Committee decision"),
    "reason": N_("Reason for the decision"),
    "documents": N_("Required documents"),
    "document": N_("Document"),
    "declaration": N_("Declaration"),
    "signature": N_("Signature"),
    "attachment": N_("Attachment"),
    "submitted_at": N_("Submission time"),
    "printed_at": N_("Printing time"),
    "method": N_("Signing method"),
    "requirements": N_("Documents checklist"),
    "note": N_("Note"),
}
for _code, _label in REQUEST_FIELD_LABELS.items():
    FIELD_LABELS.setdefault(_code, _label)
