"""What the status bar shows about sync: changes written here and not yet acknowledged by HQ."""

from __future__ import annotations

from eskan_desk.app import AppContext

ACKED_KEY = "outbox_acked_seq"
IDENTITY_FILE = "sync-device.json"  # this PC's enrollment with HQ (eskan_desk.sync.client)
HQ_BRANCH_CODE = "HQ"


def is_enrolled(ctx: AppContext) -> bool:
    return (ctx.data_dir / IDENTITY_FILE).exists()


def committee_at_hq(ctx: AppContext) -> bool:
    """Whether committee decisions for this store are made at HQ and arrive by sync.

    True for a branch store enrolled with HQ, unless its settings keep the committee local; a
    store that is not enrolled (a single office, a trial) and the HQ device itself decide here.
    """
    from eskan_desk.services.settings import load_settings
    from eskan_desk.services.staff import current_branch

    if not is_enrolled(ctx) or current_branch(ctx).code == HQ_BRANCH_CODE:
        return False
    return not load_settings(ctx).committee_local


def pending_changes(ctx: AppContext) -> int:
    """Outbox changes after the last one HQ acknowledged, in constant time.

    ``seq`` is SQLite's rowid (no AUTOINCREMENT): a new change takes max + 1 and a rolled-back
    insert leaves no gap. Batches are runs of the oldest changes, acknowledged in order, so
    the acknowledged changes are the prefix up to ``ACKED_KEY`` and the pending count is the
    newest seq minus that one. Counting rows took over a second at a million changes.

    The outbox is never pruned. Pruning would have to keep the newest row (or the table
    take AUTOINCREMENT): an emptied table numbers from 1 again, below ``ACKED_KEY``, and new
    changes would count as acknowledged.
    """
    rows = ctx.store.fetch(
        "SELECT (SELECT coalesce(max(seq), 0) FROM sync_outbox), "
        "(SELECT value FROM sync_state WHERE key = ?)",
        (ACKED_KEY,),
    )
    newest, acked = rows[0]
    return max(0, newest - int(acked or 0))
