"""Where the committee sits: at HQ once a branch is enrolled, unless a setting keeps it local."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eskan_desk.domain.errors import PermissionDeniedError
from eskan_desk.models import Staff, SupportRequest
from eskan_desk.services.demo import generate_demo
from eskan_desk.services.request_workflow import record_decision
from eskan_desk.services.settings import load_settings, save_settings
from eskan_desk.services.staff import resolve_actor
from eskan_desk.services.sync_status import committee_at_hq
from tests.sync.conftest import enroll_local


def _in_committee(ctx) -> tuple[str, object]:
    """A request before the committee and a committee member, from the demo casework."""
    with ctx.store.read() as session:
        req = session.scalars(
            select(SupportRequest)
            .where(SupportRequest.status == "in_committee")
            .order_by(SupportRequest.earliest_decision_date)
        ).first()
        member = session.scalars(select(Staff).where(Staff.role == "committee")).first()
    assert req is not None and member is not None
    return req.id, resolve_actor(ctx, member.username)


def test_an_enrolled_branch_leaves_decisions_to_hq(make_branch, hq):
    kms = make_branch("KMS")
    generate_demo(kms, resolve_actor(kms, "admin"), beneficiaries=40, contacts=40, seed=7)
    request_id, member = _in_committee(kms)
    assert not committee_at_hq(kms)  # not enrolled: a single office decides itself
    enroll_local(kms, hq)
    assert committee_at_hq(kms)
    with pytest.raises(PermissionDeniedError) as refused:
        record_decision(kms, member, request_id, outcome="accepted", reason="مستوفٍ للشروط")
    assert "HQ" in str(refused.value)
    save_settings(kms, load_settings(kms).__class__(committee_local=True))
    assert not committee_at_hq(kms)
    view = record_decision(kms, member, request_id, outcome="accepted", reason="مستوفٍ للشروط")
    assert view.status == "accepted"


def test_the_hq_device_decides(make_branch, hq):
    hq_store = make_branch("HQ")
    enroll_local(hq_store, hq)
    assert not committee_at_hq(hq_store)
