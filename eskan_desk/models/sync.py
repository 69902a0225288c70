"""What sync brings back from HQ besides other devices' rows: conflicts and duplicate alerts.

Both are ordinary synced rows, so they travel both ways: HQ creates them, the branch sees them
by pull, and a supervisor's resolution goes back to HQ by push.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eskan_desk.models.base import ID, Base, Synced


class SyncConflict(Synced, Base):
    """A field changed on both sides since the common base: both values kept until resolved.

    ``branch_id`` is the branch the record belongs to (whose supervisor resolves it). Values are
    canonical JSON text so any column type fits.
    """

    __tablename__ = "sync_conflicts"
    __table_args__ = (Index("ix_sync_conflicts_open", "status", "created_at"),)

    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(ID, index=True)
    field: Mapped[str] = mapped_column(String(40))
    base_value: Mapped[str | None] = mapped_column(Text)
    kept_value: Mapped[str | None] = mapped_column(Text)  # in the record now (written first)
    other_value: Mapped[str | None] = mapped_column(Text)  # the concurrent value set aside
    kept_device: Mapped[str | None] = mapped_column(String(80))
    other_device: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | resolved
    chosen: Mapped[str | None] = mapped_column(String(6))  # kept | other
    resolved_by: Mapped[str | None] = mapped_column(ID)
    resolved_at: Mapped[dt.datetime | None]


class DuplicateAlert(Synced, Base):
    """The same national ID has a family file at another branch (one alert per branch)."""

    __tablename__ = "duplicate_alerts"

    national_id: Mapped[str] = mapped_column(String(10), index=True)
    beneficiary_id: Mapped[str] = mapped_column(ID)  # this branch's file
    file_no: Mapped[str] = mapped_column(String(24))
    other_branch_code: Mapped[str] = mapped_column(String(8))
    other_branch_name: Mapped[str] = mapped_column(String(120))
    other_file_no: Mapped[str] = mapped_column(String(24))
    other_beneficiary_id: Mapped[str] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | reviewed
    reviewed_by: Mapped[str | None] = mapped_column(ID)
    reviewed_at: Mapped[dt.datetime | None]
