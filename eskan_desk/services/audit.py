"""Checking the hash-chained audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from eskan_desk.app import AppContext
from eskan_desk.models import AuditEvent
from eskan_desk.services.changes import GENESIS_HASH, audit_body, audit_hash

CHUNK = 5000


def verify_audit_chain(ctx: AppContext) -> dict[str, Any]:
    """Recompute every event's hash in order; report the first break, if any.

    Returns:
        ``{"ok": bool, "events": n, "broken_at": seq | None}``.
    """
    prev = GENESIS_HASH
    count = 0
    last_seq = 0
    with ctx.store.read() as session:
        while True:
            events = session.scalars(
                select(AuditEvent)
                .where(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq)
                .limit(CHUNK)
            ).all()
            if not events:
                return {"ok": True, "events": count, "broken_at": None}
            for ev in events:
                if ev.prev_hash != prev or audit_hash(prev, audit_body(ev)) != ev.hash:
                    return {"ok": False, "events": count, "broken_at": ev.seq}
                prev = ev.hash
                count += 1
                last_seq = ev.seq
            session.expunge_all()
