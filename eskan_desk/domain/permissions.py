"""Who may do what: the actions the services guard and the roles allowed to perform each.

The services call :func:`authorize` first thing, so a role is refused even when a screen forgets
to hide a button (hiding it is a convenience, this is the protection).
"""

from __future__ import annotations

from eskan_desk.domain.enums import LabeledEnum, Role
from eskan_desk.domain.errors import PermissionDeniedError
from eskan_desk.domain.markers import N_


class Action(LabeledEnum):
    """A use case guarded by role. Values are stable codes (audit, logs)."""

    REGISTER_BENEFICIARY = "register_beneficiary"
    EDIT_BENEFICIARY = "edit_beneficiary"
    VERIFY_BENEFICIARY = "verify_beneficiary"
    LOG_CONTACT = "log_contact"
    MANAGE_STAFF = "manage_staff"
    GENERATE_DEMO = "generate_demo"
    CHANGE_SETTINGS = "change_settings"
    VIEW_REGISTRY = "view_registry"
    CREATE_REQUEST = "create_request"
    SUBMIT_REQUEST = "submit_request"
    MANAGE_DOCUMENTS = "manage_documents"
    DECIDE_REQUEST = "decide_request"
    COMMUNICATE_DECISION = "communicate_decision"
    EDIT_DOCUMENT_REQUIREMENTS = "edit_document_requirements"
    VIEW_REQUESTS = "view_requests"
    REFER_TO_RESEARCHER = "refer_to_researcher"
    WORK_REFERRALS = "work_referrals"
    OFFER_SURVEY = "offer_survey"
    RECORD_FEEDBACK = "record_feedback"
    ANSWER_FEEDBACK = "answer_feedback"
    SET_KIOSK_PIN = "set_kiosk_pin"
    VIEW_SUMMARY = "view_summary"
    SYNC = "sync"
    RESOLVE_CONFLICTS = "resolve_conflicts"
    ENROLL_DEVICE = "enroll_device"

    @property
    def label(self) -> str:
        """The action as a verb phrase, in English (a catalog msgid; translate it to show it)."""
        return ACTION_LABELS[self]


# Verb phrases: they complete "Your role (...) may not ...".
ACTION_LABELS: dict[Action, str] = {
    Action.REGISTER_BENEFICIARY: N_("register beneficiaries"),
    Action.EDIT_BENEFICIARY: N_("edit beneficiary files"),
    Action.VERIFY_BENEFICIARY: N_("verify beneficiary data"),
    Action.LOG_CONTACT: N_("log contacts"),
    Action.MANAGE_STAFF: N_("manage staff accounts"),
    Action.GENERATE_DEMO: N_("generate demo data"),
    Action.CHANGE_SETTINGS: N_("change the settings"),
    Action.VIEW_REGISTRY: N_("view the registry"),
    Action.CREATE_REQUEST: N_("open support requests"),
    Action.SUBMIT_REQUEST: N_("submit support requests"),
    Action.MANAGE_DOCUMENTS: N_("manage a request's documents"),
    Action.DECIDE_REQUEST: N_("record committee decisions"),
    Action.COMMUNICATE_DECISION: N_("communicate decisions to beneficiaries"),
    Action.EDIT_DOCUMENT_REQUIREMENTS: N_("edit the documents checklists"),
    Action.VIEW_REQUESTS: N_("view support requests"),
    Action.REFER_TO_RESEARCHER: N_("refer beneficiaries to the social research officer"),
    Action.WORK_REFERRALS: N_("work on referrals to the social research officer"),
    Action.OFFER_SURVEY: N_("offer satisfaction surveys"),
    Action.RECORD_FEEDBACK: N_("record suggestions, complaints and thanks"),
    Action.ANSWER_FEEDBACK: N_("answer suggestions and complaints assigned to others"),
    Action.SET_KIOSK_PIN: N_("set the survey kiosk PIN"),
    Action.VIEW_SUMMARY: N_("see the weekly summary"),
    Action.SYNC: N_("sync with HQ"),
    Action.RESOLVE_CONFLICTS: N_("resolve sync conflicts and duplicate alerts"),
    Action.ENROLL_DEVICE: N_("enroll this PC with HQ"),
}

_EVERYONE = frozenset(Role)
_ADMIN_ONLY = frozenset({Role.ADMIN})
# The research committee decides on requests at HQ; it does not open or edit family files.
_FRONT_DESK = _EVERYONE - {Role.COMMITTEE}
# Who takes a request in and signs the applicant's declaration: the researcher reports on requests
# but does not submit them (the same roles as draft -> submitted in domain.requests.TRANSITIONS).
_INTAKE = frozenset({Role.RECEPTIONIST, Role.REPRESENTATIVE, Role.SUPERVISOR, Role.ADMIN})

ALLOWED: dict[Action, frozenset[Role]] = {
    Action.REGISTER_BENEFICIARY: _FRONT_DESK,
    Action.EDIT_BENEFICIARY: _FRONT_DESK,
    Action.VERIFY_BENEFICIARY: _FRONT_DESK,
    Action.LOG_CONTACT: _EVERYONE,
    Action.VIEW_REGISTRY: _EVERYONE,
    Action.MANAGE_STAFF: _ADMIN_ONLY,
    Action.GENERATE_DEMO: _ADMIN_ONLY,
    Action.CHANGE_SETTINGS: _ADMIN_ONLY,
    Action.CREATE_REQUEST: _FRONT_DESK,
    Action.SUBMIT_REQUEST: _INTAKE,
    Action.MANAGE_DOCUMENTS: _FRONT_DESK,
    # The policy gives decisions to the research committee alone.
    Action.DECIDE_REQUEST: frozenset({Role.COMMITTEE}),
    Action.COMMUNICATE_DECISION: _FRONT_DESK,
    Action.EDIT_DOCUMENT_REQUIREMENTS: _ADMIN_ONLY,
    Action.VIEW_REQUESTS: _EVERYONE,
    # POLICY.md step 3: the front desk refers; the researcher (and supervisors) work the inbox.
    Action.REFER_TO_RESEARCHER: frozenset(
        {Role.RECEPTIONIST, Role.REPRESENTATIVE, Role.SUPERVISOR, Role.ADMIN}
    ),
    Action.WORK_REFERRALS: frozenset({Role.RESEARCHER, Role.SUPERVISOR, Role.ADMIN}),
    # Whoever serves the beneficiary offers the survey and takes their suggestions down.
    Action.OFFER_SURVEY: _FRONT_DESK,
    Action.RECORD_FEEDBACK: _FRONT_DESK,
    # Any feedback; the staff member it is assigned to answers theirs whatever their role
    # (checked in services.feedback with domain.feedback.may_answer).
    Action.ANSWER_FEEDBACK: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.SET_KIOSK_PIN: _ADMIN_ONLY,
    Action.VIEW_SUMMARY: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # Anyone may send the day's work to HQ; enrollment binds the PC to HQ: administrators only.
    Action.SYNC: _EVERYONE,
    Action.RESOLVE_CONFLICTS: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.ENROLL_DEVICE: _ADMIN_ONLY,
}


def can(role: Role | str, action: Action) -> bool:
    """Whether ``role`` may perform ``action``.

    Args:
        role: A role member or its code.
        action: The guarded use case.

    Returns:
        True when the role is in the action's allowed set; False for unknown role codes.
    """
    try:
        member = Role(role)
    except ValueError:
        return False
    return member in ALLOWED[action]


def authorize(role: Role | str, action: Action) -> None:
    """Refuse ``action`` unless ``role`` may perform it.

    Args:
        role: The acting staff member's role.
        action: The guarded use case.

    Raises:
        PermissionDeniedError: The role may not perform the action; the message names both
            (rendered with their translated labels).
    """
    if not can(role, action):
        shown = Role(role) if role in set(Role) else role
        raise PermissionDeniedError(
            N_("Your role ({role}) may not {action}."), {"role": shown, "action": action}
        )
