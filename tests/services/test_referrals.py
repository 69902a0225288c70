"""Referrals to the social research officer: each move by the roles allowed and refused, the inbox
of each researcher, and one audit event and one outbox change per write (none on a refusal)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from eskan_desk.models import AuditEvent, OutboxChange
from eskan_desk.services import auth
from eskan_desk.services.audit import verify_audit_chain
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.dashboard import load_dashboard, waiting_for_role
from eskan_desk.services.referrals import (
    accept_referral,
    complete_referral,
    get_referral,
    list_researchers,
    refer_to_researcher,
    referrals_for_beneficiary,
    reject_referral,
    researcher_inbox,
    revoke_referral,
)
from eskan_desk.services.requests import create_request
from eskan_desk.services.staff import Actor

from .helpers import applicant
from .referral_helpers import build_team_store, copy_store, stored


@pytest.fixture(scope="module")
def team_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("referral_team")
    return dest, build_team_store(template_store, dest)


@pytest.fixture
def data_dir(team_store, tmp_path: Path) -> Path:
    return copy_store(team_store[0], tmp_path / "data")


@pytest.fixture
def team(team_store) -> dict[str, Actor]:
    return team_store[1]


@pytest.fixture
def ben(ctx: AppContext, team):
    return register_beneficiary(ctx, team["sara"], applicant())


@pytest.fixture
def other_ben(ctx: AppContext, team):
    return register_beneficiary(
        ctx,
        team["sara"],
        applicant(national_id="1010101010", first_name="نوال", mobile="0557654321"),
    )


def refer(ctx, team, ben, *, by="sara", to="noura", reason="unclear_procedures", **kw):
    return refer_to_researcher(
        ctx, team[by], beneficiary_id=ben.id, reason=reason, researcher_id=to, **kw
    )


def refused(ctx: AppContext, error: type[Exception], fn: Callable[[], Any]) -> Exception:
    """Run ``fn``, expect ``error``, and check that nothing at all was stored."""
    before = stored(ctx)
    with pytest.raises(error) as info:
        fn()
    assert stored(ctx) == before
    return info.value


def last_writes(ctx: AppContext, n: int) -> tuple[list[AuditEvent], list[OutboxChange]]:
    with ctx.store.read() as s:
        audit = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(n)).all()
        outbox = s.scalars(select(OutboxChange).order_by(OutboxChange.seq.desc()).limit(n)).all()
    return list(audit), list(outbox)


# Referring ---------------------------------------------------------------------------------------
def test_refer_opens_a_referral_with_one_audit_event_and_one_outbox_change(ctx, team, ben):
    before = stored(ctx)
    view = refer(ctx, team, ben, note="لم تفهم المستفيدة شروط دعم الإيجار")
    after = stored(ctx)
    assert after["referrals"] == before["referrals"] + 1
    assert after["audit"] == before["audit"] + 1
    assert after["outbox"] == before["outbox"] + 1
    assert view.status == "open" and view.reason == "unclear_procedures"
    assert view.beneficiary_id == ben.id and view.file_no == ben.file_no
    assert view.beneficiary_name == "فاطمة عبدالله سعيد الشهري"
    assert view.researcher_id == team["noura"].staff_id
    assert view.researcher_name == "نورة القحطاني"
    assert view.referred_by == team["sara"].staff_id
    assert view.referred_by_name == "سارة الشهري"
    assert view.note == "لم تفهم المستفيدة شروط دعم الإيجار"
    assert view.created_at == ctx.now()
    [event], [change] = last_writes(ctx, 1)
    assert (event.action, event.entity, event.entity_id) == (
        "referral.create",
        "referrals",
        view.id,
    )
    assert event.actor_id == team["sara"].staff_id
    assert event.details["researcher_id"] == team["noura"].staff_id
    assert (change.entity, change.entity_id, change.op) == ("referrals", view.id, "upsert")
    assert json.loads(change.payload)["status"] == "open"
    assert view.to_json()["created_at"].endswith("Z")


@pytest.mark.parametrize("role_user", ["sara", "fahad", "saad", "admin"])
def test_front_desk_supervisor_and_admin_refer(ctx, team, ben, role_user):
    view = refer(ctx, team, ben, by=role_user, reason="needs_research")
    assert view.status == "open" and view.referred_by == team[role_user].staff_id


@pytest.mark.parametrize("role_user", ["noura", "omar"])
def test_researcher_and_committee_may_not_refer(ctx, team, ben, role_user):
    refused(ctx, PermissionDeniedError, lambda: refer(ctx, team, ben, by=role_user))


@pytest.mark.parametrize("to", ["sara", "saad", "admin", "nobody", ""])
def test_the_researcher_must_be_a_researcher(ctx, team, ben, to):
    err = refused(ctx, ValidationError, lambda: refer(ctx, team, ben, to=to))
    assert err.field == "researcher"


def test_an_inactive_researcher_is_refused(ctx, team, ben):
    auth.set_active(ctx, team["admin"], team["hind"].staff_id, False)
    err = refused(ctx, ValidationError, lambda: refer(ctx, team, ben, to="hind"))
    assert err.field == "researcher"
    assert [name for _id, name in list_researchers(ctx)] == ["نورة القحطاني"]


def test_researcher_by_staff_id_or_username(ctx, team, ben):
    by_id = refer(ctx, team, ben, to=team["hind"].staff_id)
    by_name = refer(ctx, team, ben, to=" Hind ")
    assert by_id.researcher_id == by_name.researcher_id == team["hind"].staff_id


def test_unknown_beneficiary_and_bad_reason(ctx, team, ben):
    refused(
        ctx,
        NotFoundError,
        lambda: refer_to_researcher(
            ctx,
            team["sara"],
            beneficiary_id="KMS-2026-999999",
            reason="needs_research",
            researcher_id="noura",
        ),
    )
    err = refused(ctx, ValidationError, lambda: refer(ctx, team, ben, reason="curiosity"))
    assert err.field == "referral_reason"
    err = refused(ctx, ValidationError, lambda: refer(ctx, team, ben, reason=""))
    assert err.field == "referral_reason"


def test_other_reason_needs_a_note(ctx, team, ben):
    err = refused(ctx, ValidationError, lambda: refer(ctx, team, ben, reason="other"))
    assert err.field == "note"
    view = refer(ctx, team, ben, reason="other", note="تطلب مقابلة الباحثة شخصيًا")
    assert view.reason == "other"


def test_a_referral_about_a_request_of_the_same_beneficiary(ctx, team, ben, other_ben):
    req = create_request(ctx, team["sara"], beneficiary_id=ben.id, type="rent")
    view = refer(ctx, team, ben, request_id=req.number)
    assert (view.request_id, view.request_number) == (req.id, req.number)
    err = refused(ctx, ValidationError, lambda: refer(ctx, team, other_ben, request_id=req.id))
    assert err.field == "request"
    refused(ctx, NotFoundError, lambda: refer(ctx, team, ben, request_id="KMS-REQ-2026-999999"))


# Moves -------------------------------------------------------------------------------------------
def test_accept_then_done_by_the_assigned_researcher(ctx, team, ben, clock):
    ref = refer(ctx, team, ben)
    before = stored(ctx)
    accepted = accept_referral(ctx, team["noura"], ref.id)
    assert accepted.status == "accepted"
    assert accepted.status_changed_by == team["noura"].staff_id
    assert accepted.status_changed_by_name == "نورة القحطاني"
    assert accepted.status_changed_at == ctx.now()
    clock.advance(days=2)
    done = complete_referral(
        ctx, team["noura"], ref.id, "شرحت لها الإجراءات وسلمتها قائمة المستندات"
    )
    assert done.status == "done"
    assert done.status_reason == "شرحت لها الإجراءات وسلمتها قائمة المستندات"
    assert done.version > accepted.version > ref.version
    after = stored(ctx)
    assert after["referrals"] == before["referrals"]
    assert (after["audit"], after["outbox"]) == (before["audit"] + 2, before["outbox"] + 2)
    events, changes = last_writes(ctx, 2)
    assert [e.action for e in events] == ["referral.done", "referral.accepted"]
    assert events[0].details == {"from": "accepted", "to": "done"}
    assert [c.base_version for c in changes] == [accepted.version, ref.version]
    assert verify_audit_chain(ctx)["ok"]


@pytest.mark.parametrize("user", ["saad", "admin"])
def test_supervisor_and_admin_may_do_the_researchers_moves(ctx, team, ben, user):
    ref = refer(ctx, team, ben)
    assert accept_referral(ctx, team[user], ref.id).status == "accepted"
    assert complete_referral(ctx, team[user], ref.id).status == "done"
    other = refer(ctx, team, ben)
    assert reject_referral(ctx, team[user], other.id, "خارج الاختصاص").status == "rejected"


@pytest.mark.parametrize("user", ["hind", "sara", "maha", "fahad", "omar"])
def test_others_may_not_accept_reject_or_complete(ctx, team, ben, user):
    ref = refer(ctx, team, ben)
    refused(ctx, PermissionDeniedError, lambda: accept_referral(ctx, team[user], ref.id))
    refused(ctx, PermissionDeniedError, lambda: reject_referral(ctx, team[user], ref.id, "لا"))
    accept_referral(ctx, team["noura"], ref.id)
    refused(ctx, PermissionDeniedError, lambda: complete_referral(ctx, team[user], ref.id))


def test_rejection_needs_a_reason_and_closes_the_referral(ctx, team, ben):
    ref = refer(ctx, team, ben)
    for empty in ("", "   "):
        err = refused(
            ctx, ValidationError, lambda e=empty: reject_referral(ctx, team["noura"], ref.id, e)
        )
        assert err.field == "rejection_reason"
    view = reject_referral(
        ctx, team["noura"], ref.id, "يحتاج المستفيد مراجعة الضمان الاجتماعي أولًا"
    )
    assert view.status == "rejected"
    assert view.status_reason == "يحتاج المستفيد مراجعة الضمان الاجتماعي أولًا"
    for move in (
        lambda: accept_referral(ctx, team["noura"], ref.id),
        lambda: complete_referral(ctx, team["noura"], ref.id),
        lambda: revoke_referral(ctx, team["sara"], ref.id),
    ):
        err = refused(ctx, ValidationError, move)
        assert err.field == "referral_status"


def test_done_only_after_accepted_and_no_accepting_twice(ctx, team, ben):
    ref = refer(ctx, team, ben)
    err = refused(ctx, ValidationError, lambda: complete_referral(ctx, team["noura"], ref.id))
    assert err.field == "referral_status"
    accept_referral(ctx, team["noura"], ref.id)
    refused(ctx, ValidationError, lambda: accept_referral(ctx, team["noura"], ref.id))
    refused(ctx, ValidationError, lambda: reject_referral(ctx, team["noura"], ref.id, "لا"))


@pytest.mark.parametrize("accepted_first", [False, True])
@pytest.mark.parametrize("user", ["sara", "saad", "admin"])
def test_revoke_by_the_referrer_a_supervisor_or_an_admin(ctx, team, ben, user, accepted_first):
    ref = refer(ctx, team, ben)
    if accepted_first:
        accept_referral(ctx, team["noura"], ref.id)
    view = revoke_referral(ctx, team[user], ref.id, "سجلت بالخطأ")
    assert (view.status, view.status_reason) == ("revoked", "سجلت بالخطأ")
    [event], _changes = last_writes(ctx, 1)
    assert event.action == "referral.revoked"


@pytest.mark.parametrize("user", ["maha", "fahad", "noura", "hind", "omar"])
def test_others_may_not_revoke(ctx, team, ben, user):
    ref = refer(ctx, team, ben)
    refused(ctx, PermissionDeniedError, lambda: revoke_referral(ctx, team[user], ref.id))


def test_revoke_needs_no_reason_and_done_is_final(ctx, team, ben):
    ref = refer(ctx, team, ben)
    assert revoke_referral(ctx, team["sara"], ref.id).status_reason is None
    other = refer(ctx, team, ben)
    accept_referral(ctx, team["noura"], other.id)
    complete_referral(ctx, team["noura"], other.id)
    refused(ctx, ValidationError, lambda: revoke_referral(ctx, team["admin"], other.id))


def test_unknown_referral_and_id_prefixes(ctx, team, ben):
    ref = refer(ctx, team, ben)
    refused(ctx, NotFoundError, lambda: accept_referral(ctx, team["noura"], "no-such-id"))
    refused(ctx, NotFoundError, lambda: accept_referral(ctx, team["noura"], ref.id[:7]))
    assert get_referral(ctx, ref.id.upper()).id == ref.id
    assert accept_referral(ctx, team["noura"], ref.id[:30]).status == "accepted"
    second = refer(ctx, team, ben)
    shared = next(i for i in range(36) if ref.id[i] != second.id[i])
    if shared >= 8:  # both made in the same instant: the common start names neither
        refused(ctx, NotFoundError, lambda: get_referral(ctx, ref.id[:shared]))


# Reading ---------------------------------------------------------------------------------------
def test_each_researcher_sees_their_own_inbox(ctx, team, ben, other_ben):
    a = refer(ctx, team, ben, to="noura")
    b = refer(ctx, team, other_ben, to="hind")
    c = refer(ctx, team, other_ben, to="noura", reason="needs_research")
    assert [r.id for r in researcher_inbox(ctx, team["noura"])] == [a.id, c.id]
    assert [r.id for r in researcher_inbox(ctx, team["hind"])] == [b.id]
    for user in ("saad", "admin"):
        assert [r.id for r in researcher_inbox(ctx, team[user])] == [a.id, b.id, c.id]
    accept_referral(ctx, team["noura"], a.id)
    reject_referral(ctx, team["noura"], c.id, "ليست حالة بحث")
    assert [(r.id, r.status) for r in researcher_inbox(ctx, team["noura"])] == [(a.id, "accepted")]
    closed = researcher_inbox(ctx, team["noura"], include_closed=True)
    assert [(r.id, r.status) for r in closed] == [(a.id, "accepted"), (c.id, "rejected")]
    for user in ("sara", "fahad", "omar"):
        with pytest.raises(PermissionDeniedError):
            researcher_inbox(ctx, team[user])


def test_referrals_of_a_family_file_newest_first(ctx, team, ben, other_ben, clock):
    first = refer(ctx, team, ben)
    clock.advance(hours=1)
    refer(ctx, team, other_ben)
    second = refer(ctx, team, ben, to="hind")
    assert [r.id for r in referrals_for_beneficiary(ctx, ben.file_no)] == [second.id, first.id]
    with pytest.raises(NotFoundError):
        referrals_for_beneficiary(ctx, "KMS-2026-999999")


def test_list_researchers(ctx, team):
    assert list_researchers(ctx) == [  # by name, in Arabic alphabetical order (ن before ه)
        (team["noura"].staff_id, "نورة القحطاني"),
        (team["hind"].staff_id, "هند الأسمري"),
    ]


def test_dashboard_shows_the_researcher_what_waits_for_them(ctx, team, ben, other_ben):
    assert "referrals_waiting" not in {w.kind for w in waiting_for_role(ctx, team["noura"])}
    a = refer(ctx, team, ben)
    b = refer(ctx, team, other_ben)
    refer(ctx, team, other_ben, to="hind")
    [item] = [w for w in waiting_for_role(ctx, team["noura"]) if w.kind == "referrals_waiting"]
    assert item.count == 2
    assert [f.file_no for f in item.items] == [ben.file_no, other_ben.file_no]
    accept_referral(ctx, team["noura"], a.id)  # accepted still waits (to be done)
    board = load_dashboard(ctx, team["noura"])
    assert {w.kind: w.count for w in board.waiting}["referrals_waiting"] == 2
    complete_referral(ctx, team["noura"], a.id)
    reject_referral(ctx, team["noura"], b.id, "خارج الاختصاص")
    assert "referrals_waiting" not in {w.kind for w in waiting_for_role(ctx, team["noura"])}
    # The kind is the researcher's own: supervisors see the inbox page, not this item.
    assert "referrals_waiting" not in {w.kind for w in waiting_for_role(ctx, team["saad"])}
