"""Referrals to the social research officer (مسؤول البحث الاجتماعي)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eskan_desk.models.base import ID, Base, Synced


class Referral(Synced, Base):
    """A beneficiary referred to a researcher, and where the referral stands.

    ``created_by`` is the staff member who made the referral. ``status_reason`` is why the last
    move was made: required for a rejection, the outcome for ``done``, optional for a revocation.
    """

    __tablename__ = "referrals"
    # The researcher's inbox: their referrals by status, oldest first.
    __table_args__ = (
        Index("ix_referrals_researcher_status", "researcher_id", "status", "created_at"),
    )

    beneficiary_id: Mapped[str] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    request_id: Mapped[str | None] = mapped_column(ForeignKey("support_requests.id"))
    reason: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    # Staff ids are not foreign keys (as contacts.staff_id): staff rows travel on their own.
    researcher_id: Mapped[str] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(12))
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[dt.datetime | None]
    status_changed_by: Mapped[str | None] = mapped_column(ID)
