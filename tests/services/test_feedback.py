"""Suggestions, complaints and thanks: recorded with their due date, answered by the assignee or a
supervisor, closed once answered; the figures, and what waits on the dashboard."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.dashboard import load_dashboard, waiting_for_role
from eskan_desk.services.feedback import (
    answer_feedback,
    close_feedback,
    feedback_stats,
    get_feedback,
    list_assignees,
    list_feedback,
    record_feedback,
)

from .feedback_helpers import last_writes, refused, stored
from .helpers import applicant
from .referral_helpers import build_team_store, copy_store

TODAY = dt.date(2026, 11, 26)  # the clock fixture's Thursday


@pytest.fixture(scope="module")
def team_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("feedback_team")
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


def complaint(ctx, team, *, by="sara", assign="maha", **kw):
    kw.setdefault("text", "تأخر الرد على طلبي أكثر من شهر")
    return record_feedback(
        ctx, team[by], kind=kw.pop("kind", "complaint"), channel="phone", assigned_to=assign, **kw
    )


# Recording ----------------------------------------------------------------------------------
def test_a_complaint_is_open_assigned_and_due_in_three_days(ctx, team, ben):
    before = stored(ctx)
    view = complaint(ctx, team, beneficiary_id=ben.file_no)
    after = stored(ctx)
    assert (view.kind, view.channel, view.status) == ("complaint", "phone", "open")
    assert view.due_on == TODAY + dt.timedelta(days=3) and not view.overdue
    assert (view.beneficiary_id, view.file_no) == (ben.id, ben.file_no)
    assert view.beneficiary_name == "فاطمة عبدالله سعيد الشهري"
    assert (view.assigned_to, view.assigned_to_name) == (team["maha"].staff_id, "مها العسيري")
    assert view.recorded_by == team["sara"].staff_id and view.received_at == ctx.now()
    assert after["feedback"] == before["feedback"] + 1
    assert after["audit_events"] == before["audit_events"] + 1
    assert after["sync_outbox"] == before["sync_outbox"] + 1
    [event], [change] = last_writes(ctx, 1)
    assert (event.action, event.entity_id, event.actor_id) == (
        "feedback.create",
        view.id,
        team["sara"].staff_id,
    )
    assert (change.entity, json.loads(change.payload)["status"]) == ("feedback", "open")
    assert view.to_json()["due_on"] == "2026-11-29"


def test_due_dates_per_kind_and_chosen_ones(ctx, team):
    suggestion = record_feedback(ctx, team["fahad"], kind="suggestion", channel="website", text="x")
    assert suggestion.due_on == TODAY + dt.timedelta(days=7)
    assert (suggestion.assigned_to, suggestion.beneficiary_id) == (None, None)
    thanks = record_feedback(ctx, team["fahad"], kind="thanks", channel="interview", text="شكرا")
    assert thanks.due_on is None
    chosen = complaint(ctx, team, due_on="٢٠٢٦-١٢-٠١")
    assert chosen.due_on == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "praise"}, "feedback_kind"),
        ({"text": "   "}, "feedback_text"),
        ({"assign": "nobody"}, "assigned_to"),
        ({"due_on": "2026-11-25"}, "due_on"),
        ({"due_on": "soon"}, "due_on"),
    ],
)
def test_bad_values_are_refused_and_store_nothing(ctx, team, changes, field):
    err = refused(ctx, ValidationError, lambda: complaint(ctx, team, **changes))
    assert err.field == field


def test_bad_channel_and_unknown_beneficiary(ctx, team):
    err = refused(
        ctx,
        ValidationError,
        lambda: record_feedback(ctx, team["sara"], kind="complaint", channel="fax", text="x"),
    )
    assert err.field == "channel"
    refused(ctx, NotFoundError, lambda: complaint(ctx, team, beneficiary_id="KMS-2026-999999"))


def test_the_committee_does_not_record_feedback(ctx, team):
    refused(ctx, PermissionDeniedError, lambda: complaint(ctx, team, by="omar"))


def test_an_inactive_staff_member_cannot_be_assigned(ctx, team):
    from eskan_desk.services.auth import set_active

    set_active(ctx, team["admin"], team["maha"].staff_id, False)
    refused(ctx, ValidationError, lambda: complaint(ctx, team, assign="maha"))
    assert team["maha"].staff_id not in {sid for sid, _name in list_assignees(ctx)}


# Answering and closing ------------------------------------------------------------------------
def test_the_assignee_answers_and_it_is_audited(ctx, team):
    item = complaint(ctx, team)
    before = stored(ctx)
    view = answer_feedback(ctx, team["maha"], item.id[:12], "  تم التواصل وشرح موعد اللجنة ")
    after = stored(ctx)
    assert (view.status, view.answer) == ("answered", "تم التواصل وشرح موعد اللجنة")
    assert (view.answered_by, view.answered_by_name) == (team["maha"].staff_id, "مها العسيري")
    assert view.answered_at == ctx.now()
    assert after["audit_events"] == before["audit_events"] + 1
    assert after["sync_outbox"] == before["sync_outbox"] + 1
    [event], [change] = last_writes(ctx, 1)
    assert (event.action, change.base_version) == ("feedback.answer", item.version)


def test_only_the_assignee_a_supervisor_or_an_admin_answers(ctx, team):
    item = complaint(ctx, team)
    for who in ("sara", "fahad", "noura", "omar"):
        refused(
            ctx, PermissionDeniedError, lambda w=who: answer_feedback(ctx, team[w], item.id, "x")
        )
    assert answer_feedback(ctx, team["saad"], item.id, "رد المشرف").status == "answered"
    other = complaint(ctx, team, assign="")
    assert answer_feedback(ctx, team["admin"], other.id, "رد").answered_by == team["admin"].staff_id


def test_an_answer_is_required_and_given_once(ctx, team):
    item = complaint(ctx, team)
    err = refused(ctx, ValidationError, lambda: answer_feedback(ctx, team["maha"], item.id, " "))
    assert err.field == "answer"
    answer_feedback(ctx, team["maha"], item.id, "رد")
    err = refused(ctx, ValidationError, lambda: answer_feedback(ctx, team["maha"], item.id, "2"))
    assert err.field == "feedback_status"
    refused(ctx, NotFoundError, lambda: answer_feedback(ctx, team["maha"], "0123456789", "x"))


def test_closing_follows_the_answer_except_for_thanks(ctx, team):
    item = complaint(ctx, team)
    err = refused(ctx, ValidationError, lambda: close_feedback(ctx, team["maha"], item.id))
    assert err.message == "must be answered before it is closed"
    answer_feedback(ctx, team["maha"], item.id, "رد")
    refused(ctx, PermissionDeniedError, lambda: close_feedback(ctx, team["sara"], item.id))
    assert close_feedback(ctx, team["maha"], item.id).status == "closed"
    refused(ctx, ValidationError, lambda: close_feedback(ctx, team["maha"], item.id))
    thanks = complaint(ctx, team, kind="thanks", assign="")
    assert close_feedback(ctx, team["saad"], thanks.id).status == "closed"
    [event], _ = last_writes(ctx, 1)
    assert (event.action, event.details) == ("feedback.close", {"from": "open"})


# Lists, figures, dashboard -----------------------------------------------------------------------
def test_list_by_status_and_overdue(ctx, team, clock):
    old = complaint(ctx, team)
    clock.advance(days=1)
    suggestion = complaint(ctx, team, kind="suggestion")
    answered = complaint(ctx, team)
    answer_feedback(ctx, team["maha"], answered.id, "رد")
    assert [v.id for v in list_feedback(ctx)] == [answered.id, suggestion.id, old.id]
    assert {v.id for v in list_feedback(ctx, status="open")} == {old.id, suggestion.id}
    close_feedback(ctx, team["maha"], answered.id)
    assert answered.id not in {v.id for v in list_feedback(ctx, include_closed=False)}
    assert len(list_feedback(ctx, include_closed=False)) == 2
    assert list_feedback(ctx, overdue=True) == []
    clock.advance(days=3)  # the first complaint was due 3 days after it came
    [late] = list_feedback(ctx, overdue=True)
    assert (late.id, late.overdue) == (old.id, True)
    assert get_feedback(ctx, old.id).overdue
    refused(ctx, ValidationError, lambda: list_feedback(ctx, status="pending"))


def test_stats_count_received_per_kind_and_answers(ctx, team, clock):
    start = ctx.now()
    first = complaint(ctx, team)
    complaint(ctx, team, kind="suggestion")
    complaint(ctx, team, kind="thanks", assign="")
    clock.advance(days=4)  # answered a day after it was due
    answer_feedback(ctx, team["maha"], first.id, "رد")
    stats = feedback_stats(ctx, start, ctx.now() + dt.timedelta(seconds=1))
    assert stats["received"] == {"suggestion": 1, "complaint": 1, "thanks": 1}
    assert (stats["received_total"], stats["answered"], stats["answered_late"]) == (3, 1, 1)
    assert stats["still_open"] == 2
    assert feedback_stats(ctx, start - dt.timedelta(days=1), start)["received_total"] == 0


def waiting(ctx, actor) -> dict[str, int]:
    return {w.kind: w.count for w in waiting_for_role(ctx, actor)}


def test_open_feedback_waits_for_its_assignee_and_overdue_for_supervisors(ctx, team, ben, clock):
    assert "feedback_open" not in waiting(ctx, team["maha"])
    complaint(ctx, team, beneficiary_id=ben.id)
    item = complaint(ctx, team, text="لا يوجد ملف")
    assert waiting(ctx, team["maha"])["feedback_open"] == 2
    assert "feedback_open" not in waiting(ctx, team["sara"])
    assert "feedback_overdue" not in waiting(ctx, team["saad"])
    [entry] = [w for w in waiting_for_role(ctx, team["maha"]) if w.kind == "feedback_open"]
    assert [f.name for f in entry.items] == ["فاطمة عبدالله سعيد الشهري", "لا يوجد ملف"]
    assert entry.items[0].beneficiary_id == ben.id and entry.items[1].beneficiary_id is None
    clock.advance(days=4)
    assert waiting(ctx, team["saad"])["feedback_overdue"] == 2
    assert waiting(ctx, team["admin"])["feedback_overdue"] == 2
    assert "feedback_overdue" not in waiting(ctx, team["maha"])  # a receptionist: only theirs
    answer_feedback(ctx, team["maha"], item.id, "رد")
    assert waiting(ctx, team["maha"])["feedback_open"] == 1
    board = load_dashboard(ctx, team["saad"])
    assert {w.kind: w.count for w in board.waiting}["feedback_overdue"] == 1


def test_a_committee_member_assigned_feedback_sees_it_and_answers_it(ctx, team):
    item = complaint(ctx, team, assign="omar")
    assert waiting(ctx, team["omar"])["feedback_open"] == 1
    assert answer_feedback(ctx, team["omar"], item.id, "رد اللجنة").status == "answered"
