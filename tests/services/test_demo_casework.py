"""Demo casework: requests in every state, referrals, surveys and feedback, by the real rules."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import Role
from eskan_desk.models import Feedback, Referral, SatisfactionSurvey, SurveyOffer
from eskan_desk.services.audit import verify_audit_chain
from eskan_desk.services.dashboard import waiting_for_role
from eskan_desk.services.demo import generate_demo
from eskan_desk.services.requests import list_requests
from eskan_desk.services.staff import resolve_actor

from ..conftest import FrozenClock

START = dt.datetime(2026, 11, 26, 7, 0, tzinfo=dt.UTC)  # the clock fixture's Thursday morning


def _demo_store(template: Path, dest: Path) -> tuple[AppContext, dict]:
    dest.mkdir()
    shutil.copy(template / STORE_FILE, dest / STORE_FILE)
    ctx = open_context(dest, create=False, now=FrozenClock(START))
    ticks: list[tuple[int, int, str]] = []
    result = generate_demo(
        ctx,
        resolve_actor(ctx, "admin"),
        beneficiaries=60,
        contacts=400,
        seed=3,
        progress=lambda *tick: ticks.append(tick),
    )
    result["ticks"] = ticks
    return ctx, result


@pytest.fixture(scope="module")
def demo(
    template_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[AppContext, dict]]:
    ctx, result = _demo_store(template_store, tmp_path_factory.mktemp("casework") / "a")
    yield ctx, result
    ctx.close()


def _signature(ctx: AppContext) -> list[tuple[str, str, str]]:
    return sorted((r.number, r.type, r.status) for r in list_requests(ctx, limit=5000))


def test_requests_cover_the_workflow_and_respect_the_14_day_rule(demo):
    ctx, result = demo
    requests = list_requests(ctx, limit=5000)
    assert len(requests) == 12  # one per 5 families
    assert len({r.status for r in requests}) >= 6
    assert {r.type for r in requests} >= {"rent"}
    decided = [r for r in requests if r.decided_at is not None]
    assert decided
    for r in decided:
        assert r.earliest_decision_date is not None
        assert to_riyadh(r.decided_at).date() >= r.earliest_decision_date
    # Nothing happens after "now".
    assert all(r.created_at <= START for r in requests)
    assert any(r.decided_at and r.communicated_at is None for r in requests)
    assert result["casework"]["requests"] == dict(
        sorted(
            {s: sum(r.status == s for r in requests) for s in {r.status for r in requests}}.items()
        )
    )


def test_decisions_not_communicated_wait_on_the_front_desk(demo):
    ctx, _ = demo
    reception = resolve_actor(ctx, "reception.demo")
    assert reception.role is Role.RECEPTIONIST
    waiting = {w.kind: w.count for w in waiting_for_role(ctx, reception)}
    assert waiting.get("decisions_not_communicated", 0) >= 1
    committee = resolve_actor(ctx, "committee.demo")
    assert committee.role is Role.COMMITTEE


def test_surveys_feedback_and_referrals_exist_and_the_audit_chain_holds(demo):
    ctx, result = demo
    with ctx.store.read() as s:
        offers = s.execute(select(func.count()).select_from(SurveyOffer)).scalar_one()
        answers = s.execute(select(func.count()).select_from(SatisfactionSurvey)).scalar_one()
        feedback = s.execute(select(func.count()).select_from(Feedback)).scalar_one()
        referrals = s.execute(select(func.count()).select_from(Referral)).scalar_one()
        scores = s.scalars(select(SatisfactionSurvey.overall)).all()
    assert offers > 0 and answers > 0 and feedback > 0 and referrals > 0
    assert sum(score >= 4 for score in scores) > len(scores) / 2  # mostly satisfied
    assert verify_audit_chain(ctx)["ok"]
    ticks = result["ticks"]
    assert any(label == "casework" for _, _, label in ticks)
    done, total, label = ticks[-1]
    assert (done, label) == (total, "casework")


def test_the_same_seed_gives_the_same_casework(demo, template_store, tmp_path):
    ctx, _ = demo
    other, _ = _demo_store(template_store, tmp_path / "b")
    try:
        assert _signature(other) == _signature(ctx)
    finally:
        other.close()


def test_casework_can_be_left_out(ctx, admin):
    generate_demo(ctx, admin, beneficiaries=30, contacts=50, seed=3, casework=False)
    assert list_requests(ctx) == []
