"""Builders for service tests."""

from __future__ import annotations

from sqlalchemy import func, select

from eskan_desk.app import AppContext
from eskan_desk.models import AuditEvent, Beneficiary, Contact, OutboxChange
from eskan_desk.services.beneficiary_input import BeneficiaryInput

VALID_IDS = ("1000000008", "1010101010", "2000000006", "1122334459", "1234567897")


def counts(ctx: AppContext) -> dict[str, int]:
    """Row counts of the tables a write touches: nothing may change on a refused write."""
    with ctx.store.read() as s:
        return {
            m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Beneficiary, Contact, AuditEvent, OutboxChange)
        }


def applicant(**overrides: str) -> BeneficiaryInput:
    data = BeneficiaryInput(
        national_id="1000000008",
        first_name="فاطمة",
        father_name="عبدالله",
        grandfather_name="سعيد",
        family_name="الشهري",
        mobile="0551234567",
        gender="f",
        birth_date="1985-03-14",
        category="widow",
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return data
