"""Surveys and feedback: scores, states, due dates and who may answer."""

from __future__ import annotations

import datetime as dt

import pytest

from eskan_desk import i18n
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import FIELD_LABELS, PermissionDeniedError, ValidationError
from eskan_desk.domain.feedback import (
    DIMENSIONS,
    SCORE_LABELS,
    FeedbackKind,
    FeedbackStatus,
    SurveyStatus,
    check_answerable,
    check_closable,
    check_may_answer,
    check_survey_open,
    default_due_on,
    is_overdue,
    may_answer,
    validate_score,
)
from eskan_desk.domain.permissions import ALLOWED, Action, can

THURSDAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(("raw", "score"), [(1, 1), (5, 5), ("3", 3), (" ٤ ", 4), ("۲", 2)])
def test_scores_from_one_to_five_in_any_digits(raw, score):
    assert validate_score(raw, "speed") == score


@pytest.mark.parametrize("raw", [0, 6, -1, "0", "6", "10", "3.5", "x", "٣٣", True, False])
def test_scores_outside_one_to_five_are_refused_on_their_field(raw):
    with pytest.raises(ValidationError) as info:
        validate_score(raw, "clarity")
    assert info.value.field == "clarity"
    assert info.value.message == "must be a whole number from 1 to 5"


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_a_missing_score_is_required(raw):
    with pytest.raises(ValidationError) as info:
        validate_score(raw, "overall")
    assert (info.value.field, info.value.message) == ("overall", "is required")


def test_labelled_enums_parse_and_translate():
    assert FeedbackKind.parse(" Complaint ", "feedback_kind") is FeedbackKind.COMPLAINT
    assert [s.value for s in SurveyStatus] == ["offered", "declined", "answered"]
    assert [s.value for s in FeedbackStatus] == ["open", "answered", "closed"]
    assert FeedbackKind.THANKS.label == "Thanks"
    i18n.set_language("ar")
    assert i18n.gettext(FeedbackKind.COMPLAINT.label) == "شكوى"
    with pytest.raises(ValidationError) as info:
        FeedbackKind.parse("praise", "feedback_kind")
    assert info.value.params == {"choices": "suggestion, complaint, thanks"}


def test_every_score_and_dimension_has_a_label():
    assert sorted(SCORE_LABELS) == [1, 2, 3, 4, 5]
    assert all(dim in FIELD_LABELS for dim in DIMENSIONS)
    assert {"kiosk_pin", "survey_offer", "due_on", "answer"} <= set(FIELD_LABELS)


def test_default_due_dates_per_kind():
    assert default_due_on("complaint", THURSDAY) == dt.date(2026, 11, 29)
    assert default_due_on(FeedbackKind.SUGGESTION, THURSDAY) == dt.date(2026, 12, 3)
    assert default_due_on("thanks", THURSDAY) is None


def test_an_offer_is_answered_or_declined_once():
    check_survey_open("offered")
    with pytest.raises(ValidationError, match="already been answered"):
        check_survey_open(SurveyStatus.ANSWERED)
    with pytest.raises(ValidationError) as info:
        check_survey_open("declined")
    assert info.value.field == "survey_offer"


def test_the_assignee_supervisors_and_admins_answer():
    assert may_answer(Role.RECEPTIONIST, actor_id="s1", assigned_to="s1")
    assert not may_answer(Role.RECEPTIONIST, actor_id="s1", assigned_to="s2")
    assert not may_answer(Role.RESEARCHER, actor_id="s1", assigned_to=None)
    assert may_answer(Role.SUPERVISOR, actor_id="s1", assigned_to="s2")
    assert may_answer("admin", actor_id="s1", assigned_to=None)
    assert not may_answer(Role.RECEPTIONIST, actor_id="", assigned_to="")
    with pytest.raises(PermissionDeniedError):
        check_may_answer(Role.REPRESENTATIVE, actor_id="s1", assigned_to=None)


def test_only_open_feedback_is_answered_and_answered_feedback_closed():
    check_answerable("open")
    with pytest.raises(ValidationError) as info:
        check_answerable("answered")
    assert info.value.field == "feedback_status"
    check_closable("complaint", "answered")
    check_closable("thanks", "open")
    with pytest.raises(ValidationError, match="answered before"):
        check_closable("complaint", "open")
    with pytest.raises(ValidationError, match="answered before"):
        check_closable("suggestion", "open")
    with pytest.raises(ValidationError, match="already closed"):
        check_closable("thanks", "closed")


def test_overdue_is_open_and_past_due():
    assert is_overdue("open", THURSDAY, THURSDAY + dt.timedelta(days=1))
    assert not is_overdue("open", THURSDAY, THURSDAY)
    assert not is_overdue("answered", THURSDAY, THURSDAY + dt.timedelta(days=9))
    assert not is_overdue("open", None, THURSDAY)


def test_who_may_offer_record_answer_and_set_the_pin():
    front = set(Role) - {Role.COMMITTEE}
    assert {r for r in Role if can(r, Action.OFFER_SURVEY)} == front
    assert {r for r in Role if can(r, Action.RECORD_FEEDBACK)} == front
    assert ALLOWED[Action.ANSWER_FEEDBACK] == {Role.SUPERVISOR, Role.ADMIN}
    assert ALLOWED[Action.SET_KIOSK_PIN] == {Role.ADMIN}
