"""Satisfaction surveys: offers tracked, answers stored once and without an employee on them,
anonymous answers unlinked, the figures, and the kiosk PIN."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from eskan_desk.models import SatisfactionSurvey, Setting
from eskan_desk.services.audit import verify_audit_chain
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.kiosk_pin import KIOSK_PIN_KEY
from eskan_desk.services.surveys import (
    answer_survey,
    check_kiosk_pin,
    decline_survey,
    get_offer,
    kiosk_ready,
    offer_survey,
    record_paper_survey,
    set_kiosk_pin,
    survey_stats,
)

from .feedback_helpers import contact, last_writes, refused, request_in, stored
from .helpers import applicant
from .referral_helpers import build_team_store, copy_store

SCORES = {"courtesy": 5, "speed": 4, "clarity": 3, "overall": 4}


@pytest.fixture(scope="module")
def team_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("survey_team")
    return dest, build_team_store(template_store, dest)


@pytest.fixture
def data_dir(team_store, tmp_path: Path) -> Path:
    return copy_store(team_store[0], tmp_path / "data")


@pytest.fixture
def team(team_store):
    return team_store[1]


@pytest.fixture
def ben(ctx: AppContext, team):
    return register_beneficiary(ctx, team["sara"], applicant())


def day_range(ctx: AppContext) -> tuple[dt.datetime, dt.datetime]:
    now = ctx.now()
    return now - dt.timedelta(hours=12), now + dt.timedelta(hours=12)


def survey_row(ctx: AppContext, survey_id: str) -> SatisfactionSurvey:
    with ctx.store.read() as s:
        return s.get(SatisfactionSurvey, survey_id)


# Offering ------------------------------------------------------------------------------------
def test_an_offer_after_a_contact_takes_its_beneficiary(ctx, team, ben):
    contact_id = contact(ctx, team["sara"], ben.id)
    before = stored(ctx)
    offer = offer_survey(ctx, team["sara"], contact_id=contact_id)
    after = stored(ctx)
    assert (offer.status, offer.beneficiary_id, offer.contact_id) == ("offered", ben.id, contact_id)
    assert offer.offered_by == team["sara"].staff_id and offer.offered_at == ctx.now()
    assert after["survey_offers"] == before["survey_offers"] + 1
    assert after["audit_events"] == before["audit_events"] + 1
    assert after["sync_outbox"] == before["sync_outbox"] + 1
    [event], [change] = last_writes(ctx, 1)
    assert (event.action, event.entity_id, event.actor_id) == (
        "survey.offer",
        offer.id,
        team["sara"].staff_id,
    )
    assert (change.entity, change.entity_id) == ("survey_offers", offer.id)
    assert json.loads(change.payload)["status"] == "offered"


def test_an_anonymous_inquiry_can_be_surveyed_without_a_beneficiary(ctx, team):
    offer = offer_survey(ctx, team["fahad"], contact_id=contact(ctx, team["fahad"]))
    assert offer.beneficiary_id is None


def test_a_request_is_surveyed_only_once_delivered_or_closed(ctx, team, ben):
    draft = request_in(ctx, team["sara"], ben.id, "in_committee")
    err = refused(ctx, ValidationError, lambda: offer_survey(ctx, team["sara"], request_id=draft))
    assert err.field == "request"
    for status in ("delivered", "closed"):
        req = request_in(ctx, team["sara"], ben.id, status)
        offer = offer_survey(ctx, team["sara"], request_id=req)
        assert (offer.request_id, offer.beneficiary_id) == (req, ben.id)


def test_an_offer_must_follow_something_and_name_one_beneficiary(ctx, team, ben):
    err = refused(ctx, ValidationError, lambda: offer_survey(ctx, team["sara"]))
    assert err.field == "survey_offer"
    other = register_beneficiary(
        ctx, team["sara"], applicant(national_id="1010101010", mobile="0557654321")
    )
    contact_id = contact(ctx, team["sara"], ben.id)
    err = refused(
        ctx,
        ValidationError,
        lambda: offer_survey(ctx, team["sara"], contact_id=contact_id, beneficiary_id=other.id),
    )
    assert (err.field, err.message) == ("contact", "belongs to another beneficiary")
    refused(ctx, NotFoundError, lambda: offer_survey(ctx, team["sara"], contact_id="nope"))


def test_a_contact_is_offered_the_survey_once(ctx, team, ben):
    contact_id = contact(ctx, team["sara"], ben.id)
    offer_survey(ctx, team["sara"], contact_id=contact_id)
    err = refused(
        ctx, ConflictError, lambda: offer_survey(ctx, team["maha"], contact_id=contact_id)
    )
    assert err.field == "contact"


def test_the_committee_does_not_offer_surveys(ctx, team, ben):
    contact_id = contact(ctx, team["omar"], ben.id)  # everyone logs contacts
    refused(
        ctx, PermissionDeniedError, lambda: offer_survey(ctx, team["omar"], contact_id=contact_id)
    )
    offer = offer_survey(ctx, team["noura"], contact_id=contact_id)  # a researcher may
    assert offer.status == "offered"


# Answering ----------------------------------------------------------------------------------
def test_the_answer_is_stored_with_no_actor_and_the_offer_becomes_answered(ctx, team, ben):
    offer = offer_survey(ctx, team["sara"], contact_id=contact(ctx, team["sara"], ben.id))
    before = stored(ctx)
    view = answer_survey(ctx, offer_id=offer.id, comment="  خدمة ممتازة ", **SCORES)
    after = stored(ctx)
    assert (view.courtesy, view.speed, view.clarity, view.overall) == (5, 4, 3, 4)
    assert (view.offer_id, view.beneficiary_id, view.anonymous) == (offer.id, ben.id, False)
    assert view.comment == "خدمة ممتازة" and view.answered_at == ctx.now()
    assert get_offer(ctx, offer.id).status == "answered"
    assert after["satisfaction_surveys"] == before["satisfaction_surveys"] + 1
    # two writes (the offer, the answer): an audit event and an outbox change each
    assert after["audit_events"] == before["audit_events"] + 2
    assert after["sync_outbox"] == before["sync_outbox"] + 2
    events, changes = last_writes(ctx, 2)
    assert [e.action for e in events] == ["survey.answered", "survey.answer"]
    assert [e.actor_id for e in events] == [None, None]
    assert [c.entity for c in changes] == ["survey_offers", "satisfaction_surveys"]
    row = survey_row(ctx, view.id)
    assert (row.created_by, row.updated_by) == (None, None)  # no employee on the answer
    assert "staff" not in json.dumps(json.loads(changes[1].payload))
    assert verify_audit_chain(ctx)["ok"]


def test_an_offer_is_answered_only_once(ctx, team, ben):
    offer = offer_survey(ctx, team["sara"], contact_id=contact(ctx, team["sara"], ben.id))
    answer_survey(ctx, offer_id=offer.id, **SCORES)
    err = refused(ctx, ValidationError, lambda: answer_survey(ctx, offer_id=offer.id, **SCORES))
    assert (err.field, err.message) == ("survey_offer", "has already been answered")
    refused(ctx, ValidationError, lambda: decline_survey(ctx, team["sara"], offer.id))


@pytest.mark.parametrize(
    ("field", "value"), [("courtesy", 0), ("speed", 6), ("clarity", "x"), ("overall", "")]
)
def test_scores_outside_one_to_five_store_nothing(ctx, team, ben, field, value):
    offer = offer_survey(ctx, team["sara"], contact_id=contact(ctx, team["sara"], ben.id))
    scores = {**SCORES, field: value}
    err = refused(ctx, ValidationError, lambda: answer_survey(ctx, offer_id=offer.id, **scores))
    assert err.field == field
    assert get_offer(ctx, offer.id).status == "offered"  # still open for a proper answer


def test_a_comment_too_long_stores_nothing(ctx):
    err = refused(ctx, ValidationError, lambda: answer_survey(ctx, comment="ن" * 2001, **SCORES))
    assert err.field == "comment"


def test_anonymous_keeps_no_beneficiary_and_no_offer(ctx, team, ben):
    offer = offer_survey(ctx, team["sara"], contact_id=contact(ctx, team["sara"], ben.id))
    view = answer_survey(ctx, offer_id=offer.id, anonymous=True, **SCORES)
    assert (view.anonymous, view.beneficiary_id, view.offer_id) == (True, None, None)
    row = survey_row(ctx, view.id)
    assert (row.beneficiary_id, row.offer_id) == (None, None)
    _events, changes = last_writes(ctx, 1)
    payload = json.loads(changes[0].payload)
    assert payload["beneficiary_id"] is None and payload["offer_id"] is None
    assert ben.id not in changes[0].payload and offer.id not in changes[0].payload
    assert get_offer(ctx, offer.id).status == "answered"  # the rate still counts it


def test_a_walk_up_answer_needs_no_offer(ctx):
    view = answer_survey(ctx, courtesy="٥", speed="٥", clarity="٤", overall="٥")
    assert (view.offer_id, view.beneficiary_id, view.courtesy, view.clarity) == (None, None, 5, 4)
    refused(ctx, NotFoundError, lambda: answer_survey(ctx, offer_id="missing", **SCORES))


def test_declined_by_staff_or_on_the_kiosk(ctx, team, ben):
    first = offer_survey(ctx, team["sara"], contact_id=contact(ctx, team["sara"], ben.id))
    assert decline_survey(ctx, team["sara"], first.id).status == "declined"
    second = offer_survey(ctx, team["sara"], contact_id=contact(ctx, team["sara"], ben.id))
    assert decline_survey(ctx, None, second.id).status == "declined"
    [event], _ = last_writes(ctx, 1)
    assert (event.action, event.actor_id) == ("survey.decline", None)
    err = refused(ctx, ValidationError, lambda: answer_survey(ctx, offer_id=second.id, **SCORES))
    assert err.message == "was declined by the beneficiary"
    refused(ctx, PermissionDeniedError, lambda: decline_survey(ctx, team["omar"], first.id))


def test_paper_surveys_answer_the_contacts_offer_and_audit_who_typed_them(ctx, team, ben):
    contact_id = contact(ctx, team["sara"], ben.id)
    view = record_paper_survey(ctx, team["maha"], contact_id=contact_id, **SCORES)
    assert view.beneficiary_id == ben.id
    offer = get_offer(ctx, view.offer_id)
    assert (offer.status, offer.contact_id) == ("answered", contact_id)
    [event], _ = last_writes(ctx, 1)
    assert (event.action, event.actor_id) == ("survey.answer", team["maha"].staff_id)
    assert event.details == {"anonymous": False, "source": "paper"}
    assert survey_row(ctx, view.id).created_by is None
    # a contact already offered on screen: its offer is the one answered
    again = contact(ctx, team["sara"], ben.id)
    offered = offer_survey(ctx, team["sara"], contact_id=again)
    assert record_paper_survey(ctx, team["sara"], contact_id=again, **SCORES).offer_id == offered.id
    refused(
        ctx,
        ValidationError,
        lambda: record_paper_survey(ctx, team["sara"], contact_id=again, **SCORES),
    )
    refused(ctx, PermissionDeniedError, lambda: record_paper_survey(ctx, team["omar"], **SCORES))


# Figures ------------------------------------------------------------------------------------
def test_response_rate_is_answered_over_offered(ctx, team, ben):
    offers = [
        offer_survey(ctx, team["sara"], contact_id=contact(ctx, team["sara"], ben.id))
        for _ in range(4)
    ]
    answer_survey(ctx, offer_id=offers[0].id, courtesy=5, speed=5, clarity=4, overall=5)
    answer_survey(
        ctx, offer_id=offers[1].id, anonymous=True, courtesy=3, speed=2, clarity=4, overall=3
    )
    decline_survey(ctx, team["sara"], offers[2].id)
    answer_survey(ctx, courtesy=4, speed=4, clarity=4, overall=4)  # a walk-up: no offer
    stats = survey_stats(ctx, *day_range(ctx))
    assert stats["offers"] == 4
    assert (stats["answered_offers"], stats["declined"], stats["pending"]) == (2, 1, 1)
    assert stats["response_rate"] == 0.5
    assert (stats["responses"], stats["anonymous"]) == (3, 1)
    assert stats["averages"] == {"courtesy": 4.0, "speed": 3.67, "clarity": 4.0, "overall": 4.0}
    assert stats["distribution"]["speed"] == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert "staff" not in json.dumps(stats)  # never per employee


def test_figures_of_an_empty_period(ctx):
    stats = survey_stats(ctx, *day_range(ctx))
    assert stats["response_rate"] is None and stats["responses"] == 0
    assert set(stats["averages"].values()) == {None}


def test_the_period_is_half_open(ctx, clock):
    answer_survey(ctx, **SCORES)
    start = ctx.now()
    assert survey_stats(ctx, start, start + dt.timedelta(days=1))["responses"] == 1
    assert survey_stats(ctx, start - dt.timedelta(days=1), start)["responses"] == 0


# The kiosk PIN ------------------------------------------------------------------------------
def test_the_kiosk_needs_a_pin_set_by_an_administrator(ctx, team):
    assert not kiosk_ready(ctx)
    assert not check_kiosk_pin(ctx, "")
    refused(ctx, PermissionDeniedError, lambda: set_kiosk_pin(ctx, team["saad"], "2580"))
    before = stored(ctx)
    set_kiosk_pin(ctx, team["admin"], "٢٥٨٠")
    after = stored(ctx)
    assert kiosk_ready(ctx)
    assert check_kiosk_pin(ctx, "2580") and check_kiosk_pin(ctx, "٢٥٨٠")
    assert not check_kiosk_pin(ctx, "2581") and not check_kiosk_pin(ctx, "")
    # local only: audited, never queued for sync, and never stored in clear
    assert after["audit_events"] == before["audit_events"] + 1
    assert after["sync_outbox"] == before["sync_outbox"]
    with ctx.store.read() as s:
        hashed = s.get(Setting, KIOSK_PIN_KEY).value
    # a PIN has few values: it keeps the dearer RFC 9106 profile, not the passwords' one
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and "2580" not in hashed
    [event], _ = last_writes(ctx, 1)
    assert (event.action, event.details) == ("kiosk_pin.set", {})


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", "1111", "1234", "9876"])
def test_a_pin_is_four_to_eight_digits_not_easy_to_guess(ctx, team, pin):
    err = refused(ctx, ValidationError, lambda: set_kiosk_pin(ctx, team["admin"], pin))
    assert err.field == "kiosk_pin"


def test_the_pin_can_be_changed(ctx, team):
    set_kiosk_pin(ctx, team["admin"], "2580")
    set_kiosk_pin(ctx, team["admin"], "73915")
    assert check_kiosk_pin(ctx, "73915") and not check_kiosk_pin(ctx, "2580")
    with ctx.store.read() as s:
        assert len(s.scalars(select(Setting).where(Setting.key == KIOSK_PIN_KEY)).all()) == 1
