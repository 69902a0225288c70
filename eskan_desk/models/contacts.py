"""The contact log: every interaction with a beneficiary on one of the eight channels."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from eskan_desk.models.base import ID, Base, Synced


class Contact(Synced, Base):
    """Append-only: a contact is never edited after it syncs, only annotated."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_beneficiary_at", "beneficiary_id", "at"),
        Index("ix_contacts_at", "at"),
        Index("ix_contacts_follow_up_on", "follow_up_on"),
        # The dashboard's week by channel reads this index alone, never the table.
        Index("ix_contacts_at_channel", "at", "channel", "deleted_at"),
        # The weekly summary's one pass over a week of contacts reads this index alone.
        Index(
            "ix_contacts_week_summary",
            "at",
            "channel",
            "direction",
            "staff_id",
            "back_entered",
            "deleted_at",
        ),
        # Follow-ups not done yet: a small slice of a million contacts.
        Index(
            "ix_contacts_open_follow_ups",
            "follow_up_on",
            "at",
            sqlite_where=text("follow_up_done_at IS NULL AND deleted_at IS NULL"),
            postgresql_where=text("follow_up_done_at IS NULL AND deleted_at IS NULL"),
        ),
    )

    # None for an anonymous inquiry (a caller who gave no ID still counts).
    beneficiary_id: Mapped[str | None] = mapped_column(ForeignKey("beneficiaries.id"))
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(3))
    at: Mapped[dt.datetime]
    staff_id: Mapped[str | None] = mapped_column(ID)
    topic: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_done_at: Mapped[dt.datetime | None]
    caller_name: Mapped[str | None] = mapped_column(String(160))
    caller_mobile: Mapped[str | None] = mapped_column(String(16))
    # Channel-specific details
    call_duration_s: Mapped[int | None] = mapped_column(Integer)
    visit_location: Mapped[str | None] = mapped_column(String(120))
    letter_ref: Mapped[str | None] = mapped_column(String(40))
    letter_date: Mapped[dt.date | None] = mapped_column(Date)
    social_platform: Mapped[str | None] = mapped_column(String(12))
    # True when entered after the fact from a paper record (``--at``).
    back_entered: Mapped[bool] = mapped_column(default=False)
