"""Every write goes through here: stamp the row, chain an audit event, queue an outbox change.

All three happen in the caller's transaction (DESIGN.md, sync guarantee 1): either the domain
write, its audit event and its outbox change all commit, or none of them does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eskan_desk.domain.hlc import HybridClock
from eskan_desk.domain.ids import uuid7
from eskan_desk.models import AuditEvent, OutboxChange, SyncState
from eskan_desk.models.base import Synced
from eskan_desk.services.serialize import canonical_json, row_dict

GENESIS_HASH = "0" * 64
HLC_KEY = "hlc"


def audit_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the event body."""
    return hashlib.sha256((prev_hash + canonical_json(body)).encode()).hexdigest()


def audit_body(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "branch_id": event.branch_id,
        "at": event.at,
        "actor_id": event.actor_id,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "details": event.details,
    }


class ChangeRecorder:
    """Stamps synced rows with ids, times and HLC versions, and records what changed."""

    def __init__(self, clock: HybridClock, *, now: Any = None) -> None:
        self.clock = clock
        self._now = now or (lambda: dt.datetime.now(dt.UTC))

    def now(self) -> dt.datetime:
        return self._now()

    def stamp_new(self, row: Synced, *, branch_id: str, actor_id: str | None) -> None:
        at = self.now()
        row.id = row.id or uuid7()
        row.branch_id = branch_id
        row.created_at = row.updated_at = at
        row.created_by = row.updated_by = actor_id
        row.version = self.clock.now()

    def stamp_update(self, row: Synced, *, actor_id: str | None) -> int:
        """Bump the row's version; returns the version it had (the merge base at HQ)."""
        base = row.version
        row.updated_at = self.now()
        row.updated_by = actor_id
        row.version = self.clock.now()
        return base

    def record(
        self,
        session: Session,
        row: Synced,
        *,
        action: str,
        actor_id: str | None,
        details: dict[str, Any] | None = None,
        base_version: int | None = None,
        sync: bool = True,
    ) -> None:
        """Append the audit event and (for synced kinds) the outbox change for ``row``."""
        session.flush()
        entity = type(row).__tablename__
        self.audit(
            session,
            action=action,
            entity=entity,
            entity_id=row.id,
            actor_id=actor_id,
            branch_id=row.branch_id,
            details=details or {},
        )
        if sync:
            op = "delete" if row.deleted_at is not None else "upsert"
            session.add(
                OutboxChange(
                    change_id=uuid7(),
                    entity=entity,
                    entity_id=row.id,
                    op=op,
                    version=row.version,
                    payload=canonical_json(row_dict(row)),
                    base_version=base_version,
                    created_at=self.now(),
                )
            )
        self._save_clock(session, row.version)

    def audit(
        self,
        session: Session,
        *,
        action: str,
        entity: str,
        entity_id: str,
        actor_id: str | None,
        branch_id: str | None,
        details: dict[str, Any],
    ) -> AuditEvent:
        prev = session.execute(
            select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).scalar_one_or_none()
        event = AuditEvent(
            id=uuid7(),
            branch_id=branch_id,
            at=self.now(),
            actor_id=actor_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=details,
            prev_hash=prev or GENESIS_HASH,
        )
        event.hash = audit_hash(event.prev_hash, audit_body(event))
        session.add(event)
        return event

    def _save_clock(self, session: Session, version: int) -> None:
        # The high-water mark survives restarts so versions never go back with the wall clock.
        session.merge(SyncState(key=HLC_KEY, value=str(version)))

    def restore_clock(self, session: Session) -> None:
        stored = session.execute(
            text("SELECT value FROM sync_state WHERE key = :k"), {"k": HLC_KEY}
        ).scalar_one_or_none()
        if stored:
            self.clock.update(int(stored))
