"""Local-only tables: never synced, never leave this PC."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eskan_desk.models.base import ID, Base


class Draft(Base):
    """A form being filled in, saved as the user types so a crash or a killed app loses nothing.

    Kept in the store (not in loose files) so it is protected the same way as the store itself
    once the store is encrypted at rest.
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("staff_id", "form", "key"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID)
    form: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(40))  # "new" or the id of the record being edited
    payload: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime]


class Setting(Base):
    """A preference of this installation (language, idle lock minutes, digits)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
