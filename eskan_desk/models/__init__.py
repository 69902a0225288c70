"""SQLAlchemy 2 models, the engine and the Alembic migrations shipped in the package."""

from eskan_desk.models.audit import AuditEvent, OutboxChange, SyncState
from eskan_desk.models.base import Base
from eskan_desk.models.contacts import Contact
from eskan_desk.models.feedback import Feedback, SatisfactionSurvey, SurveyOffer
from eskan_desk.models.local import Draft, Setting
from eskan_desk.models.referrals import Referral
from eskan_desk.models.registry import (
    Beneficiary,
    Branch,
    Counter,
    HouseholdMember,
    IncomeSource,
    Staff,
)
from eskan_desk.models.requests import (
    Attachment,
    AttachmentBlob,
    Declaration,
    DocumentRequirement,
    RequestDocument,
    RequestEvent,
    SupportRequest,
)
from eskan_desk.models.sync import DuplicateAlert, SyncConflict

__all__ = [
    "Attachment",
    "AttachmentBlob",
    "AuditEvent",
    "Base",
    "Beneficiary",
    "Branch",
    "Contact",
    "Counter",
    "Declaration",
    "DocumentRequirement",
    "Draft",
    "DuplicateAlert",
    "Feedback",
    "HouseholdMember",
    "IncomeSource",
    "OutboxChange",
    "Referral",
    "RequestDocument",
    "RequestEvent",
    "SatisfactionSurvey",
    "Setting",
    "Staff",
    "SupportRequest",
    "SurveyOffer",
    "SyncConflict",
    "SyncState",
]
