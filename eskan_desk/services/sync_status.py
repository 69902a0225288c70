"""What the status bar shows about sync: changes written here and not yet acknowledged by HQ."""

from __future__ import annotations

from sqlalchemy import text

from eskan_desk.app import AppContext

ACKED_KEY = "outbox_acked_seq"


def pending_changes(ctx: AppContext) -> int:
    """Outbox changes after the last one HQ acknowledged (a range scan on the primary key)."""
    with ctx.store.read() as session:
        acked = session.execute(
            text("SELECT value FROM sync_state WHERE key = :k"), {"k": ACKED_KEY}
        ).scalar_one_or_none()
        return session.execute(
            text("SELECT count(*) FROM sync_outbox WHERE seq > :a"), {"a": int(acked or 0)}
        ).scalar_one()
