"""Branches, staff and the beneficiary's family file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eskan_desk.models.base import ID, Base, Synced


class Branch(Synced, Base):
    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str | None] = mapped_column(String(80))


class Staff(Synced, Base):
    __tablename__ = "staff"
    # Usernames are unique within a branch: every branch has its own "admin", and HQ (and an HQ
    # device, which sees every branch) holds them all side by side.
    __table_args__ = (UniqueConstraint("branch_id", "username"),)
    # Lockout bookkeeping belongs to this device; it never travels in a sync payload.
    __local_columns__ = ("failed_attempts", "locked_until")

    username: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Local-only lockout bookkeeping (not synced: attempts are per device).
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]


class Beneficiary(Synced, Base):
    """The head of a household's family file (ملف الأسرة)."""

    __tablename__ = "beneficiaries"
    __table_args__ = (
        UniqueConstraint("branch_id", "file_no"),
        # One file per national ID per branch (a tombstoned file is restored, not re-made); the
        # same ID at another branch is allowed: HQ raises a duplicate alert instead.
        UniqueConstraint("branch_id", "national_id"),
        Index("ix_beneficiaries_mobile", "mobile"),
        Index("ix_beneficiaries_national_id", "national_id"),
        Index("ix_beneficiaries_file_no", "file_no"),  # the registry pages by file number
        # The weekly summary: files opened (and by whom), registrations completed, in a week.
        Index("ix_beneficiaries_created_at", "created_at", "created_by", "deleted_at"),
        Index("ix_beneficiaries_verified_at", "verified_at", "registration_status", "deleted_at"),
        # Files registered and not verified yet (the dashboard's "waiting for you").
        Index(
            "ix_beneficiaries_unverified",
            "created_at",
            "file_no",
            sqlite_where=text(
                "verified_at IS NULL AND deleted_at IS NULL AND registration_status = 'incomplete'"
            ),
            postgresql_where=text(
                "verified_at IS NULL AND deleted_at IS NULL AND registration_status = 'incomplete'"
            ),
        ),
    )

    file_no: Mapped[str] = mapped_column(String(24))
    national_id: Mapped[str] = mapped_column(String(10))
    first_name: Mapped[str] = mapped_column(String(40))
    father_name: Mapped[str] = mapped_column(String(40))
    grandfather_name: Mapped[str] = mapped_column(String(40))
    family_name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_calendar: Mapped[str | None] = mapped_column(String(10))
    birth_precision: Mapped[str | None] = mapped_column(String(5))
    mobile: Mapped[str | None] = mapped_column(String(16))
    marital_status: Mapped[str | None] = mapped_column(String(12))
    category: Mapped[str | None] = mapped_column(String(20))
    need_tier: Mapped[str | None] = mapped_column(String(1))
    # National address (العنوان الوطني)
    building_no: Mapped[str | None] = mapped_column(String(4))
    street: Mapped[str | None] = mapped_column(String(80))
    district: Mapped[str | None] = mapped_column(String(80))
    city: Mapped[str | None] = mapped_column(String(80))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    additional_no: Mapped[str | None] = mapped_column(String(4))
    unit_no: Mapped[str | None] = mapped_column(String(4))
    short_address: Mapped[str | None] = mapped_column(String(8))
    iban: Mapped[str | None] = mapped_column(String(24))
    # Housing
    housing_type: Mapped[str | None] = mapped_column(String(10))
    rent_amount: Mapped[Decimal | None]
    ejar_no: Mapped[str | None] = mapped_column(String(20))
    rooms: Mapped[int | None] = mapped_column(Integer)
    building_condition: Mapped[str | None] = mapped_column(String(8))
    has_arrears: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    registration_status: Mapped[str] = mapped_column(String(12), default="incomplete")
    verified_by: Mapped[str | None] = mapped_column(ID)
    verified_at: Mapped[dt.datetime | None]

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="beneficiary", order_by="HouseholdMember.created_at"
    )
    incomes: Mapped[list[IncomeSource]] = relationship(
        back_populates="beneficiary", order_by="IncomeSource.created_at"
    )

    @property
    def full_name(self) -> str:
        return " ".join(
            (self.first_name, self.father_name, self.grandfather_name, self.family_name)
        )


class HouseholdMember(Synced, Base):
    __tablename__ = "household_members"

    beneficiary_id: Mapped[str] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    national_id: Mapped[str | None] = mapped_column(String(10))
    relation: Mapped[str] = mapped_column(String(12))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    occupation: Mapped[str | None] = mapped_column(String(12))
    has_disability: Mapped[bool] = mapped_column(Boolean, default=False)
    has_chronic_illness: Mapped[bool] = mapped_column(Boolean, default=False)

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="members")


class IncomeSource(Synced, Base):
    __tablename__ = "income_sources"

    beneficiary_id: Mapped[str] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    monthly_amount: Mapped[Decimal]

    beneficiary: Mapped[Beneficiary] = relationship(back_populates="incomes")


class Counter(Base):
    """Per-branch, per-kind, per-year sequence for human numbers on paper; never reused."""

    __tablename__ = "counters"

    branch_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
