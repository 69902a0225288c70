"""The referral's states and who may move it, without a store."""

from __future__ import annotations

import pytest

from eskan_desk import i18n
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import PermissionDeniedError, ValidationError
from eskan_desk.domain.permissions import Action, can
from eskan_desk.domain.referrals import (
    ACTIVE,
    CLOSED,
    REFERRAL_LABELS,
    TRANSITIONS,
    Party,
    ReferralReason,
    ReferralStatus,
    allowed_moves,
    check_referral_move,
    check_referral_note,
    check_status_reason,
    parties,
)

S = ReferralStatus
NOBODY: set[Party] = set()
ASSIGNEE = {Party.ASSIGNEE}
REFERRER = {Party.REFERRER}


def test_codes_and_labels():
    assert [r.value for r in ReferralReason] == ["unclear_procedures", "needs_research", "other"]
    assert [s.value for s in S] == ["open", "accepted", "rejected", "done", "revoked"]
    for enum in (ReferralReason, ReferralStatus):
        assert set(REFERRAL_LABELS[enum]) == set(enum)
    i18n.set_language("en")
    assert ReferralReason.UNCLEAR_PROCEDURES.label == "Procedures unclear to the beneficiary"
    parsed = ReferralReason.parse(" Needs_Research ", "referral_reason")
    assert parsed is ReferralReason.NEEDS_RESEARCH
    with pytest.raises(ValidationError) as info:
        ReferralReason.parse("curiosity", "referral_reason")
    assert info.value.field == "referral_reason"


def test_the_state_table():
    assert set(TRANSITIONS) == {
        (S.OPEN, S.ACCEPTED),
        (S.OPEN, S.REJECTED),
        (S.ACCEPTED, S.DONE),
        (S.OPEN, S.REVOKED),
        (S.ACCEPTED, S.REVOKED),
    }
    assert set(S) == ACTIVE | CLOSED and not ACTIVE & CLOSED
    # Nothing leaves a closed referral.
    assert not [key for key in TRANSITIONS if key[0] in CLOSED]


@pytest.mark.parametrize("move", [(S.OPEN, S.ACCEPTED), (S.OPEN, S.REJECTED), (S.ACCEPTED, S.DONE)])
def test_researcher_moves(move):
    current, target = move
    check_referral_move(current, target, Role.RESEARCHER, ASSIGNEE)
    for role in (Role.SUPERVISOR, Role.ADMIN):
        check_referral_move(current, target, role, NOBODY)
    # Another researcher, the one who referred, a receptionist: refused.
    for role, acting_as in (
        (Role.RESEARCHER, NOBODY),
        (Role.RECEPTIONIST, REFERRER),
        (Role.REPRESENTATIVE, NOBODY),
        (Role.COMMITTEE, NOBODY),
    ):
        with pytest.raises(PermissionDeniedError):
            check_referral_move(current, target, role, acting_as)


@pytest.mark.parametrize("current", [S.OPEN, S.ACCEPTED])
def test_revoke_by_the_referrer_or_a_supervisor(current):
    check_referral_move(current, S.REVOKED, Role.RECEPTIONIST, REFERRER)
    check_referral_move(current, S.REVOKED, Role.REPRESENTATIVE, REFERRER)
    check_referral_move(current, S.REVOKED, Role.SUPERVISOR, NOBODY)
    check_referral_move(current, S.REVOKED, Role.ADMIN, NOBODY)
    for role, acting_as in ((Role.RECEPTIONIST, NOBODY), (Role.RESEARCHER, ASSIGNEE)):
        with pytest.raises(PermissionDeniedError):
            check_referral_move(current, S.REVOKED, role, acting_as)


@pytest.mark.parametrize(
    "move",
    [
        (S.OPEN, S.DONE),
        (S.ACCEPTED, S.ACCEPTED),
        (S.ACCEPTED, S.REJECTED),
        (S.REJECTED, S.ACCEPTED),
        (S.DONE, S.REVOKED),
        (S.REVOKED, S.OPEN),
        (S.ACCEPTED, S.OPEN),
    ],
)
def test_out_of_order_is_refused_even_for_an_admin(move):
    with pytest.raises(ValidationError) as info:
        check_referral_move(*move, Role.ADMIN, ASSIGNEE | REFERRER)
    assert info.value.field == "referral_status"


def test_refusal_messages_in_arabic_and_english():
    with pytest.raises(PermissionDeniedError) as info:
        check_referral_move(S.OPEN, S.ACCEPTED, Role.RESEARCHER, NOBODY)
    i18n.set_language("en")
    assert i18n.render_error(info.value) == (
        "Only the researcher the referral is assigned to, a supervisor or an administrator "
        "may move it from Open referral to Accepted by the researcher."
    )
    with pytest.raises(ValidationError) as bad:
        check_referral_move(S.DONE, S.ACCEPTED, Role.ADMIN, NOBODY)
    assert "Referral done" in i18n.render_error(bad.value)


def test_allowed_moves_for_buttons():
    assert allowed_moves(S.OPEN, Role.RESEARCHER, ASSIGNEE) == [S.ACCEPTED, S.REJECTED]
    assert allowed_moves(S.ACCEPTED, Role.RESEARCHER, ASSIGNEE) == [S.DONE]
    assert allowed_moves(S.OPEN, Role.RESEARCHER, NOBODY) == []
    assert allowed_moves(S.OPEN, Role.RECEPTIONIST, REFERRER) == [S.REVOKED]
    assert allowed_moves(S.OPEN, Role.SUPERVISOR, NOBODY) == [S.ACCEPTED, S.REJECTED, S.REVOKED]
    assert allowed_moves(S.ACCEPTED, Role.ADMIN, NOBODY) == [S.DONE, S.REVOKED]
    for closed in CLOSED:
        assert allowed_moves(closed, Role.ADMIN, ASSIGNEE | REFERRER) == []


def test_parties():
    assert parties(actor_id="a", researcher_id="a", referred_by="b") == ASSIGNEE
    assert parties(actor_id="b", researcher_id="a", referred_by="b") == REFERRER
    assert parties(actor_id="c", researcher_id="a", referred_by="b") == NOBODY
    assert parties(actor_id="", researcher_id="", referred_by=None) == NOBODY


def test_rejection_needs_a_reason_and_other_needs_a_note():
    for empty in (None, "", "   "):
        with pytest.raises(ValidationError) as info:
            check_status_reason(S.REJECTED, empty)
        assert info.value.field == "rejection_reason"
        check_status_reason(S.DONE, empty)
        check_status_reason(S.REVOKED, empty)
        with pytest.raises(ValidationError) as note:
            check_referral_note(ReferralReason.OTHER, empty)
        assert note.value.field == "note"
        check_referral_note(ReferralReason.UNCLEAR_PROCEDURES, empty)
    check_status_reason(S.REJECTED, "ليست من اختصاص البحث الاجتماعي")
    check_referral_note("other", "طلب المستفيد مقابلة الباحثة")


def test_permissions():
    refer = [r for r in Role if can(r, Action.REFER_TO_RESEARCHER)]
    work = [r for r in Role if can(r, Action.WORK_REFERRALS)]
    assert refer == [Role.RECEPTIONIST, Role.REPRESENTATIVE, Role.SUPERVISOR, Role.ADMIN]
    assert work == [Role.RESEARCHER, Role.SUPERVISOR, Role.ADMIN]
