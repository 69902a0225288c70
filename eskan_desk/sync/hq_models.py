"""HQ's own bookkeeping, beside every branch's rows (which use the branch models unchanged)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eskan_desk.models.base import ID, NAMING_CONVENTION, UTCDateTime


class HQBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}  # noqa: RUF012


class Device(HQBase):
    """An enrolled branch PC (or the committee's HQ device) and its shared signing key."""

    __tablename__ = "hq_devices"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    branch_id: Mapped[str] = mapped_column(ID, index=True)
    branch_code: Mapped[str] = mapped_column(String(8))
    branch_name: Mapped[str] = mapped_column(String(120))
    is_hq: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(64))  # base64 HMAC key; HQ must know it to check
    enrolled_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_batch_at: Mapped[dt.datetime | None]
    last_pull_at: Mapped[dt.datetime | None]
    last_pull_cursor: Mapped[int] = mapped_column(BigInteger, default=0)


class Enrollment(HQBase):
    """A one-time code printed by ``eskan-hq enroll``; only its hash is kept."""

    __tablename__ = "hq_enrollments"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    branch_code: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    device_id: Mapped[str | None] = mapped_column(ID)


class BatchRecord(HQBase):
    """(device, seq) applied: the primary key is what makes a batch apply exactly once."""

    __tablename__ = "hq_batches"

    device_id: Mapped[str] = mapped_column(ID, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[dt.datetime]
    changes: Mapped[int] = mapped_column(Integer)
    ack: Mapped[str] = mapped_column(Text)  # the acknowledgement, returned again on a replay


class ChangeRecord(HQBase):
    """Every change applied at HQ, in order: the change-id ledger and the pull feed in one.

    ``audience`` is the branch id that must see the row by pull, or ``*`` for every branch; the
    HQ device sees everything. ``device_id`` is who wrote it (``hq`` for a merge made here), so a
    device is not sent its own changes back.
    """

    __tablename__ = "hq_changes"
    __table_args__ = (
        Index("ix_hq_changes_audience_seq", "audience", "seq"),
        Index("ix_hq_changes_entity_seq", "entity_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    change_id: Mapped[str] = mapped_column(ID, unique=True)
    device_id: Mapped[str] = mapped_column(ID)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(ID)
    audience: Mapped[str] = mapped_column(ID)
    content_hash: Mapped[str] = mapped_column(String(32))
    # The row version this change produced (None: nothing was written). Pull sends that version,
    # so rows arrive in the order they were written: never before a row they refer to.
    version: Mapped[int | None] = mapped_column(BigInteger)


class RowVersion(HQBase):
    """Each version of a mutable row as HQ applied it: the base for a field-by-field merge."""

    __tablename__ = "hq_row_versions"

    entity_id: Mapped[str] = mapped_column(ID, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
