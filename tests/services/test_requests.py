"""Support requests: opening, submitting, moving, the committee's decision, telling the family."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from eskan_desk import i18n
from eskan_desk.domain.dates import format_gregorian, format_hijri
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from eskan_desk.models import Contact, OutboxChange, RequestEvent
from eskan_desk.services.audit import verify_audit_chain
from eskan_desk.services.beneficiaries import (
    get_beneficiary,
    input_from_file,
    register_beneficiary,
    update_beneficiary,
    verify_beneficiary_data,
)
from eskan_desk.services.dashboard import waiting_for_role
from eskan_desk.services.requests import (
    close_request,
    create_request,
    declaration_state,
    get_request,
    list_requests,
    move_request,
    record_communication,
    record_decision,
    record_declaration,
    submit_paper_request,
    submit_request,
)

from .helpers import VALID_IDS, applicant
from .request_helpers import as_role, receive_all, signed_draft, stored

EARLIEST = dt.date(2026, 12, 10)  # the clock fixture's Thursday 2026-11-26 + 14 days


def riyadh(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text + "+03:00").astimezone(dt.UTC)


@pytest.fixture
def family(ctx, admin):
    f = register_beneficiary(ctx, admin, applicant())
    return verify_beneficiary_data(ctx, admin, f.id)


@pytest.fixture
def committee(admin):
    return as_role(admin, Role.COMMITTEE)


@pytest.fixture
def before_committee(ctx, admin, family):
    req = signed_draft(ctx, admin, family.id)
    submit_request(ctx, admin, req.id)
    receive_all(ctx, admin, req)
    return move_request(ctx, admin, req.id, "in_committee")


def refused(ctx, exc_type, fn, *args, **kwargs):
    """Call a use case that must be refused; check that it stored nothing at all."""
    before = stored(ctx)
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    assert stored(ctx) == before
    return info.value


# Opening -------------------------------------------------------------------------------------
def test_a_new_request_is_a_numbered_draft_with_its_types_checklist(ctx, admin, family):
    req = create_request(
        ctx, admin, beneficiary_id=family.file_no, type="rent", amount="٣٥٠٠", description="إيجار"
    )
    assert req.number == "KMS-REQ-2026-000001" and req.status == "draft"
    assert req.amount == 3500 and req.beneficiary_name == family.full_name
    assert req.file_no == family.file_no and req.submitted_at is None
    assert [d.code for d in req.documents][:2] == ["national_id_copy", "family_card"]
    assert "lease_contract" in req.missing_documents
    assert [(e.from_status, e.to_status) for e in req.events] == [(None, "draft")]
    assert req.declaration_state == "missing"
    again = create_request(ctx, admin, beneficiary_id=family.id, type="repair")
    assert again.number == "KMS-REQ-2026-000002"
    assert "ownership_deed" in again.missing_documents


def test_unknown_beneficiary_type_or_amount_store_nothing(ctx, admin, family):
    err = refused(ctx, NotFoundError, create_request, ctx, admin, beneficiary_id="X", type="rent")
    assert err.params == {"key": "X"}
    err = refused(
        ctx, ValidationError, create_request, ctx, admin, beneficiary_id=family.id, type="car"
    )
    assert err.field == "request_type"
    err = refused(
        ctx,
        ValidationError,
        create_request,
        ctx,
        admin,
        beneficiary_id=family.id,
        type="rent",
        amount="-5",
    )
    assert err.field == "amount"
    # the refused attempts used up no number
    assert create_request(ctx, admin, beneficiary_id=family.id, type="rent").number.endswith("01")


def test_the_committee_does_not_open_requests(ctx, admin, family):
    refused(
        ctx,
        PermissionDeniedError,
        create_request,
        ctx,
        as_role(admin, Role.COMMITTEE),
        beneficiary_id=family.id,
        type="rent",
    )


# Submission ----------------------------------------------------------------------------------
def test_submission_sets_the_time_and_the_earliest_decision_date(ctx, admin, family):
    req = signed_draft(ctx, admin, family.id)
    done = submit_request(ctx, admin, req.number)
    assert done.status == "submitted" and not done.back_entered
    assert done.submitted_at == ctx.now()
    assert done.earliest_decision_date == EARLIEST
    assert [e.to_status for e in done.events] == ["draft", "submitted"]
    assert done.events[-1].actor_name == admin.full_name


def test_submission_without_a_signed_declaration_is_refused(ctx, admin, family):
    req = create_request(ctx, admin, beneficiary_id=family.id, type="rent")
    err = refused(ctx, ValidationError, submit_request, ctx, admin, req.id)
    assert err.field == "declaration"
    # the generic move goes through the same rules
    refused(ctx, ValidationError, move_request, ctx, admin, req.id, "submitted")


def test_submission_with_unverified_data_is_refused(ctx, admin):
    f = register_beneficiary(ctx, admin, applicant())
    req = signed_draft(ctx, admin, f.id)
    err = refused(ctx, ValidationError, submit_request, ctx, admin, req.id)
    assert err.field == "beneficiary"


def test_a_declaration_is_outdated_once_the_file_changes(ctx, admin, family):
    req = signed_draft(ctx, admin, family.id)
    assert declaration_state(ctx, req.id) == "signed"
    edit = input_from_file(get_beneficiary(ctx, family.id))
    edit.notes = "زيارة منزلية الأسبوع القادم"  # not attested: the declaration still holds
    update_beneficiary(ctx, admin, family.id, edit)
    assert declaration_state(ctx, req.id) == "signed"
    edit.mobile = "0559876543"  # attested: verification is cleared and the declaration outdated
    update_beneficiary(ctx, admin, family.id, edit)
    assert declaration_state(ctx, req.id) == "outdated"
    verify_beneficiary_data(ctx, admin, family.id)
    err = refused(ctx, ValidationError, submit_request, ctx, admin, req.id)
    assert (err.field, err.message) == (
        "declaration",
        "was signed on data that has changed since: it must be signed again",
    )
    record_declaration(ctx, admin, req.id, method="paper")
    assert submit_request(ctx, admin, req.id).status == "submitted"


def test_a_paper_request_is_back_entered(ctx, admin, family):
    req = signed_draft(ctx, admin, family.id)
    done = submit_request(ctx, admin, req.id, submitted_at="2026-11-01T23:30")
    assert done.back_entered and done.submitted_at == riyadh("2026-11-01T23:30")
    assert done.earliest_decision_date == dt.date(2026, 11, 15)


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("2026-11-27T12:00", "cannot be in the future"),
        ("2025-11-01T10:00", "cannot be more than {days} days ago"),
        ("yesterday", "must be a date-time like 2026-11-20T10:30"),
    ],
)
def test_back_entry_limits(ctx, admin, family, when, message):
    req = signed_draft(ctx, admin, family.id)
    err = refused(ctx, ValidationError, submit_request, ctx, admin, req.id, submitted_at=when)
    assert (err.field, err.message) == ("submitted_at", message)


def test_submit_paper_request_is_all_or_nothing(ctx, admin, family):
    err = refused(
        ctx,
        ValidationError,
        submit_paper_request,
        ctx,
        admin,
        beneficiary_id=family.id,
        type="rent",
        signed_declaration=False,
    )
    assert err.field == "declaration"
    unverified = register_beneficiary(ctx, admin, applicant(national_id=VALID_IDS[1]))
    refused(
        ctx,
        ValidationError,
        submit_paper_request,
        ctx,
        admin,
        beneficiary_id=unverified.id,
        type="rent",
        signed_declaration=True,
    )
    done = submit_paper_request(
        ctx,
        admin,
        beneficiary_id=family.national_id,
        type="utilities",
        signed_declaration=True,
        submitted_at="2026-11-20T09:00",
    )
    assert done.number == "KMS-REQ-2026-000001" and done.status == "submitted"
    assert done.declaration.method == "paper" and done.declaration_state == "signed"
    assert done.declaration.signed_at == riyadh("2026-11-20T09:00")


# Moves ---------------------------------------------------------------------------------------
def test_the_committee_gets_a_request_only_with_its_documents(ctx, admin, family):
    req = signed_draft(ctx, admin, family.id)
    submit_request(ctx, admin, req.id)
    researcher = as_role(admin, Role.RESEARCHER)
    move_request(ctx, researcher, req.id, "in_research", "زيارة منزلية")
    err = refused(ctx, ValidationError, move_request, ctx, researcher, req.id, "in_committee")
    assert err.field == "documents"
    assert err.params["codes"] == [
        "national_id_copy",
        "family_card",
        "income_proof",
        "iban_letter",
        "lease_contract",
    ]
    i18n.set_language("en")
    assert "Lease contract (Ejar)" in i18n.render_error(err)
    receive_all(ctx, admin, req)
    done = move_request(ctx, researcher, req.id, "in_committee")
    assert done.status == "in_committee" and done.missing_documents == []
    assert done.events[2].note == "زيارة منزلية"


def test_out_of_order_and_forbidden_moves_store_nothing(ctx, admin, family):
    req = signed_draft(ctx, admin, family.id)
    err = refused(ctx, ValidationError, move_request, ctx, admin, req.id, "delivered")
    assert err.field == "status"
    submit_request(ctx, admin, req.id)
    receptionist = as_role(admin, Role.RECEPTIONIST)
    refused(ctx, PermissionDeniedError, move_request, ctx, receptionist, req.id, "in_research")
    refused(ctx, PermissionDeniedError, move_request, ctx, receptionist, req.id, "in_committee")
    refused(ctx, NotFoundError, move_request, ctx, admin, "KMS-REQ-2026-999999", "in_research")
    refused(ctx, ValidationError, move_request, ctx, admin, req.id, "lost")


def test_a_request_can_be_withdrawn_until_the_committee_has_it(ctx, admin, family, committee):
    req = signed_draft(ctx, admin, family.id)
    assert move_request(ctx, admin, req.id, "withdrawn").status == "withdrawn"
    refused(ctx, ValidationError, move_request, ctx, admin, req.id, "submitted")


# The decision --------------------------------------------------------------------------------
def test_no_decision_before_the_fourteenth_day(ctx, clock, admin, committee, before_committee):
    req = before_committee
    clock.value = riyadh("2026-12-09T23:59")
    err = refused(
        ctx,
        ValidationError,
        record_decision,
        ctx,
        committee,
        req.id,
        outcome="accepted",
        reason="x",
    )
    assert (err.field, err.params) == ("decision", {"date": EARLIEST})
    i18n.set_language("en")
    text = i18n.render_error(err)
    assert format_hijri(EARLIEST, "en") in text and format_gregorian(EARLIEST, "en") in text
    clock.value = riyadh("2026-12-10T00:00")
    done = record_decision(ctx, committee, req.id, outcome="accepted", reason="مستحق للدعم")
    assert done.status == "accepted" and done.decision == "accepted"
    assert done.decision_reason == "مستحق للدعم" and done.decided_at == clock.value
    assert done.events[-1].note == "مستحق للدعم"


def test_only_the_committee_decides_and_it_gives_a_reason(
    ctx, clock, admin, committee, before_committee
):
    clock.advance(days=14)
    req = before_committee
    for role in (Role.ADMIN, Role.SUPERVISOR, Role.RESEARCHER):
        refused(
            ctx,
            PermissionDeniedError,
            record_decision,
            ctx,
            as_role(admin, role),
            req.id,
            outcome="accepted",
            reason="x",
        )
    err = refused(
        ctx,
        ValidationError,
        record_decision,
        ctx,
        committee,
        req.id,
        outcome="accepted",
        reason=" ",
    )
    assert err.field == "reason"
    err = refused(
        ctx,
        ValidationError,
        record_decision,
        ctx,
        committee,
        req.id,
        outcome="accepted",
        reason="x" * 2001,
    )
    assert err.field == "reason"
    err = refused(
        ctx, ValidationError, record_decision, ctx, committee, req.id, outcome="closed", reason="x"
    )
    assert err.field == "decision"


def test_a_decision_on_a_request_not_before_the_committee_is_out_of_order(
    ctx, clock, admin, committee, family
):
    req = signed_draft(ctx, admin, family.id)
    submit_request(ctx, admin, req.id)
    clock.advance(days=20)
    err = refused(
        ctx,
        ValidationError,
        record_decision,
        ctx,
        committee,
        req.id,
        outcome="accepted",
        reason="x",
    )
    assert err.field == "status"


def test_a_decision_waits_on_the_dashboard_until_it_is_communicated(
    ctx, clock, admin, committee, before_committee
):
    req = before_committee
    receptionist = as_role(admin, Role.RECEPTIONIST)
    clock.value = riyadh("2026-12-10T09:00")
    assert [w.kind for w in waiting_for_role(ctx, committee)] == ["ready_for_decision"]
    err = refused(
        ctx, ValidationError, record_communication, ctx, receptionist, req.id, channel="phone"
    )
    assert err.field == "decision"
    record_decision(ctx, committee, req.id, outcome="rejected", reason="الدخل أعلى من الحد")
    waiting = {w.kind: w for w in waiting_for_role(ctx, receptionist)}
    assert waiting["decisions_not_communicated"].count == 1
    assert waiting["decisions_not_communicated"].items[0].file_no == req.file_no
    clock.advance(days=3)  # still there days later: it stays until the family is told
    assert "decisions_not_communicated" in {w.kind for w in waiting_for_role(ctx, receptionist)}
    refused(ctx, ValidationError, close_request, ctx, admin, req.id)
    refused(ctx, ValidationError, record_communication, ctx, receptionist, req.id, channel="pigeon")
    done = record_communication(ctx, receptionist, req.id, channel="phone")
    assert done.communicated_at == clock.value and done.communicated_channel == "phone"
    with ctx.store.read() as s:
        contact = s.get(Contact, done.communicated_contact_id)
        assert contact.topic == "request_status" and contact.direction == "out"
        assert (
            contact.summary == "الدخل أعلى من الحد" and contact.beneficiary_id == req.beneficiary_id
        )
    assert "decisions_not_communicated" not in {w.kind for w in waiting_for_role(ctx, receptionist)}
    refused(ctx, ValidationError, record_communication, ctx, receptionist, req.id, channel="phone")
    refused(ctx, PermissionDeniedError, close_request, ctx, receptionist, req.id)
    assert close_request(ctx, admin, req.id).status == "closed"


def test_accepted_delivered_closed(ctx, clock, admin, committee, before_committee):
    req = before_committee
    clock.advance(days=14)
    record_decision(ctx, committee, req.id, outcome="accepted", reason="مقبول")
    rep = as_role(admin, Role.REPRESENTATIVE)
    assert move_request(ctx, rep, req.id, "delivered").status == "delivered"
    refused(ctx, ValidationError, close_request, ctx, admin, req.id)  # not communicated yet
    record_communication(ctx, rep, req.id, channel="branch_rep", summary="زيارة وتسليم")
    done = close_request(ctx, admin, req.id, "تم")
    assert [e.to_status for e in done.events] == [
        "draft",
        "submitted",
        "in_committee",
        "accepted",
        "delivered",
        "closed",
    ]
    assert verify_audit_chain(ctx)["ok"]


def test_needs_info_goes_back_to_the_committee_and_is_told_again(
    ctx, clock, admin, committee, before_committee
):
    req = before_committee
    clock.advance(days=14)
    record_decision(ctx, committee, req.id, outcome="needs_info", reason="صك الإعالة")
    record_communication(ctx, admin, req.id, channel="phone")
    move_request(ctx, as_role(admin, Role.RESEARCHER), req.id, "in_committee")
    done = record_decision(ctx, committee, req.id, outcome="accepted", reason="اكتملت")
    assert done.decision == "accepted" and done.communicated_at is None


def test_every_transition_writes_one_event_an_audit_and_outbox_changes(
    ctx, admin, family, before_committee
):
    with ctx.store.read() as s:
        events = s.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == before_committee.id)
            .order_by(RequestEvent.id)
        ).all()
        entities = {row.entity_id: row.entity for row in s.scalars(select(OutboxChange)).all()}
    assert [e.to_status for e in events] == ["draft", "submitted", "in_committee"]
    assert all(entities.get(e.id) == "request_events" for e in events)
    assert entities[before_committee.id] == "support_requests"


# Reading -------------------------------------------------------------------------------------
def test_list_filters_and_overdue(ctx, clock, admin, family, before_committee):
    signed_draft(ctx, admin, family.id, type="repair")
    assert [r.status for r in list_requests(ctx)] == ["draft", "in_committee"]
    assert [r.number for r in list_requests(ctx, status="in_committee")] == [
        before_committee.number
    ]
    assert list_requests(ctx, overdue=True) == []
    clock.value = riyadh("2026-12-10T12:00")  # the earliest day: not late yet
    assert list_requests(ctx, overdue=True) == []
    clock.value = riyadh("2026-12-11T00:30")
    assert [r.id for r in list_requests(ctx, overdue=True)] == [before_committee.id]
    supervisor = as_role(admin, Role.SUPERVISOR)
    assert "overdue_decisions" in {w.kind for w in waiting_for_role(ctx, supervisor)}
    with pytest.raises(ValidationError):
        list_requests(ctx, status="lost")


def test_get_by_number_and_the_json_contract(ctx, admin, before_committee):
    view = get_request(ctx, before_committee.number.lower())
    data = view.to_json()
    assert {"id", "number", "status", "submitted_at", "earliest_decision_date"} <= set(data)
    assert data["earliest_decision_date"] == "2026-12-10"
    assert data["submitted_at"] == "2026-11-26T07:00:00Z"
    assert {
        "beneficiary_id",
        "beneficiary_name",
        "file_no",
        "type",
        "amount",
        "decision",
        "decision_reason",
        "communicated_at",
    } <= set(data)
    with pytest.raises(NotFoundError):
        get_request(ctx, "nothing")
