"""The audit trail is hash-chained: any edit of a past event is detected."""

from __future__ import annotations

from sqlalchemy import text

from eskan_desk.services.audit import verify_audit_chain
from eskan_desk.services.beneficiaries import register_beneficiary

from .helpers import VALID_IDS, applicant


def test_chain_verifies_and_detects_tampering(ctx, admin):
    for nid in VALID_IDS[:3]:
        register_beneficiary(ctx, admin, applicant(national_id=nid))
    report = verify_audit_chain(ctx)
    assert report["ok"] and report["events"] >= 5
    with ctx.store.write() as s:
        seq = s.execute(
            text(
                "SELECT seq FROM audit_events WHERE action='beneficiary.register' "
                "ORDER BY seq LIMIT 1"
            )
        ).scalar_one()
        s.execute(
            text("UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = :s"), {"s": seq}
        )
    report = verify_audit_chain(ctx)
    assert not report["ok"] and report["broken_at"] == seq
