"""The pending-changes count in the status bar equals the outbox rows not yet acknowledged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eskan_desk.models import OutboxChange, SyncState
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.sync_status import ACKED_KEY, pending_changes

from .helpers import VALID_IDS, applicant


def outbox_rows_after(ctx, acked: int) -> int:
    with ctx.store.read() as s:
        return s.execute(
            select(func.count()).select_from(OutboxChange).where(OutboxChange.seq > acked)
        ).scalar_one()


def test_pending_equals_rows_after_the_acknowledged_seq(ctx, admin, monkeypatch):
    for nid in VALID_IDS[:3]:
        register_beneficiary(ctx, admin, applicant(national_id=nid))
    # A write that fails after its outbox insert leaves no gap in seq.
    monkeypatch.setattr(ctx.recorder, "_save_clock", lambda *a: (_ for _ in ()).throw(OSError()))
    with pytest.raises(OSError):
        register_beneficiary(ctx, admin, applicant(national_id=VALID_IDS[3]))
    monkeypatch.undo()
    register_beneficiary(ctx, admin, applicant(national_id=VALID_IDS[4]))
    assert pending_changes(ctx) == outbox_rows_after(ctx, 0)
    with ctx.store.write() as s:
        s.merge(SyncState(key=ACKED_KEY, value="2"))
    assert pending_changes(ctx) == outbox_rows_after(ctx, 2)
