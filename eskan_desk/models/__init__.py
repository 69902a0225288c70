"""SQLAlchemy 2 models, the engine and the Alembic migrations shipped in the package."""

from eskan_desk.models.audit import AuditEvent, OutboxChange, SyncState
from eskan_desk.models.base import Base
from eskan_desk.models.contacts import Contact
from eskan_desk.models.local import Draft, Setting
from eskan_desk.models.registry import (
    Beneficiary,
    Branch,
    Counter,
    HouseholdMember,
    IncomeSource,
    Staff,
)

__all__ = [
    "AuditEvent",
    "Base",
    "Beneficiary",
    "Branch",
    "Contact",
    "Counter",
    "Draft",
    "HouseholdMember",
    "IncomeSource",
    "OutboxChange",
    "Setting",
    "Staff",
    "SyncState",
]
