"""Append-only, hash-chained audit trail and the sync bookkeeping tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eskan_desk.models.base import ID, Base


class AuditEvent(Base):
    """Who did what, when. ``hash`` = SHA-256(prev_hash + canonical JSON of the event)."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(ID, unique=True)
    branch_id: Mapped[str | None] = mapped_column(ID)
    at: Mapped[dt.datetime]
    actor_id: Mapped[str | None] = mapped_column(ID)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(ID)
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class OutboxChange(Base):
    """One change waiting to travel to HQ, written in the same transaction as the change itself."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index("ix_sync_outbox_pending", "batch_seq", "seq"),
        # "Has this row a change HQ has not acknowledged?" (a seq above the acknowledged one)
        # when a pulled row arrives.
        Index("ix_sync_outbox_entity_seq", "entity_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(ID, unique=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(ID)
    op: Mapped[str] = mapped_column(String(8))  # upsert | delete
    version: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON of the row
    base_version: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime]
    # Set when cut into a batch. The changes HQ has acknowledged are the prefix up to
    # sync_state's ``outbox_acked_seq`` (batches are acknowledged in order).
    batch_seq: Mapped[int | None] = mapped_column(Integer)


class SyncState(Base):
    """Key/value bookkeeping of this device: device id, HLC high-water mark, cursors."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
