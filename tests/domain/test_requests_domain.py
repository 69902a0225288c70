"""The request state machine, the 14-day rule and the default documents checklists."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eskan_desk import i18n
from eskan_desk.domain.dates import RIYADH, format_gregorian, format_hijri, from_hijri, to_hijri
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import FIELD_LABELS, PermissionDeniedError, ValidationError
from eskan_desk.domain.permissions import ALLOWED, Action
from eskan_desk.domain.requests import (
    DEFAULT_DOCUMENTS,
    REQUEST_FIELD_LABELS,
    REQUEST_LABELS,
    TRANSITIONS,
    DeclarationMethod,
    RequestStatus,
    RequestType,
    allowed_targets,
    check_decision_date,
    check_transition,
    earliest_decision_date,
    missing_documents,
)

S = RequestStatus


def riyadh(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=RIYADH)


# The 14-day rule ----------------------------------------------------------------------------
def test_one_minute_before_midnight_in_riyadh_counts_that_day():
    assert earliest_decision_date(riyadh("2026-11-26T23:59")) == dt.date(2026, 12, 10)
    # the same instant in UTC is still 26 November there too, 20:59
    assert earliest_decision_date(dt.datetime(2026, 11, 26, 20, 59, tzinfo=dt.UTC)) == dt.date(
        2026, 12, 10
    )


def test_midnight_in_riyadh_counts_the_next_day_though_utc_is_still_the_day_before():
    at = riyadh("2026-11-27T00:00")
    assert at.astimezone(dt.UTC).date() == dt.date(2026, 11, 26)
    assert earliest_decision_date(at) == dt.date(2026, 12, 11)


def test_a_naive_time_is_utc():
    assert earliest_decision_date(dt.datetime(2026, 11, 26, 21, 0)) == dt.date(2026, 12, 11)


def test_across_a_hijri_month_end_it_is_fourteen_calendar_days_not_a_hijri_fortnight():
    # The last day of Jumada al-Ula 1448 (a 29- or 30-day month): the earliest date falls in the
    # next Hijri month, 14 Gregorian days later whatever the length of the Hijri month.
    last_day = from_hijri(1448, 6, 1) - dt.timedelta(days=1)
    assert to_hijri(last_day)[1] == 5
    earliest = earliest_decision_date(riyadh(f"{last_day.isoformat()}T12:00"))
    assert earliest - last_day == dt.timedelta(days=14)
    year, month, day = to_hijri(earliest)
    assert (year, month) == (1448, 6) and day in (14, 15)


def test_decision_on_the_earliest_date_is_allowed_the_day_before_is_not():
    earliest = dt.date(2026, 12, 10)
    check_decision_date(earliest, earliest)
    check_decision_date(earliest + dt.timedelta(days=30), earliest)
    with pytest.raises(ValidationError) as info:
        check_decision_date(earliest - dt.timedelta(days=1), earliest)
    assert info.value.field == "decision"
    assert info.value.params == {"date": earliest}


def test_the_refusal_names_the_earliest_date_in_hijri_and_gregorian_in_the_users_language():
    earliest = dt.date(2026, 12, 10)
    with pytest.raises(ValidationError) as info:
        check_decision_date(dt.date(2026, 11, 30), earliest)
    i18n.set_language("en")
    text = i18n.render_error(info.value)
    assert format_hijri(earliest, "en") in text and "10 December 2026" in text
    assert text.startswith("Committee decision:")
    i18n.set_language("ar")
    text = i18n.render_error(info.value)
    assert format_hijri(earliest, "ar") in text and format_gregorian(earliest, "ar") in text


def test_a_decision_on_a_request_never_submitted_is_refused():
    with pytest.raises(ValidationError) as info:
        check_decision_date(dt.date(2026, 12, 10), None)
    assert info.value.field == "decision"


# The state machine ---------------------------------------------------------------------------
@given(
    st.sampled_from(list(RequestStatus)),
    st.sampled_from(list(RequestStatus)),
    st.sampled_from(list(Role)),
)
def test_every_move_follows_the_table(current, target, role):
    roles = TRANSITIONS.get((current, target))
    if roles is None:
        with pytest.raises(ValidationError) as info:
            check_transition(current, target, role)
        assert info.value.field == "status"
        assert info.value.params == {"current": current, "target": target}
    elif role not in roles:
        with pytest.raises(PermissionDeniedError) as denied:
            check_transition(current, target, role)
        assert denied.value.params["role"] is role
    else:
        check_transition(current, target, role)
        assert target in allowed_targets(current, role)


def test_the_table_exhaustively():
    allowed = {
        (c, t, r)
        for c in RequestStatus
        for t in RequestStatus
        for r in Role
        if t in allowed_targets(c, r)
    }
    assert allowed == {(c, t, r) for (c, t), roles in TRANSITIONS.items() for r in roles}


def test_only_the_committee_decides_not_even_an_administrator():
    for outcome in (S.ACCEPTED, S.REJECTED, S.NEEDS_INFO):
        assert TRANSITIONS[(S.IN_COMMITTEE, outcome)] == frozenset({Role.COMMITTEE})
        with pytest.raises(PermissionDeniedError):
            check_transition(S.IN_COMMITTEE, outcome, Role.ADMIN)
    assert ALLOWED[Action.DECIDE_REQUEST] == frozenset({Role.COMMITTEE})


def test_the_committee_does_nothing_but_decide():
    for (current, _target), roles in TRANSITIONS.items():
        if Role.COMMITTEE in roles:
            assert current is S.IN_COMMITTEE


def test_submission_roles_match_the_submit_action():
    assert TRANSITIONS[(S.DRAFT, S.SUBMITTED)] == ALLOWED[Action.SUBMIT_REQUEST]


def test_the_happy_path_and_the_ends():
    path = [S.DRAFT, S.SUBMITTED, S.IN_RESEARCH, S.IN_COMMITTEE, S.ACCEPTED, S.DELIVERED, S.CLOSED]
    for a, b in itertools.pairwise(path):
        assert (a, b) in TRANSITIONS
    assert allowed_targets(S.CLOSED, Role.ADMIN) == []
    assert allowed_targets(S.WITHDRAWN, Role.ADMIN) == []
    assert allowed_targets(S.IN_COMMITTEE, Role.COMMITTEE) == [S.ACCEPTED, S.REJECTED, S.NEEDS_INFO]
    for status in (S.DRAFT, S.SUBMITTED, S.IN_RESEARCH, S.NEEDS_INFO):
        assert S.WITHDRAWN in allowed_targets(status, Role.RECEPTIONIST)


def test_codes_are_parsed_and_out_of_order_is_named():
    with pytest.raises(ValidationError) as info:
        check_transition("draft", "accepted", "committee")
    i18n.set_language("en")
    assert i18n.render_error(info.value) == (
        "Request status: A request that is Draft cannot become Accepted."
    )
    with pytest.raises(ValidationError):
        check_transition("draft", "lost", "admin")


# Labels and documents ------------------------------------------------------------------------
def test_codes_and_labels():
    assert [t.value for t in RequestType] == [
        "rent",
        "repair",
        "housing_unit",
        "furnishing",
        "utilities",
        "other",
    ]
    assert [m.value for m in DeclarationMethod] == ["pad", "paper"]
    for enum_cls in (RequestType, RequestStatus, DeclarationMethod):
        assert set(REQUEST_LABELS[enum_cls]) == set(enum_cls)
        labels = [m.label for m in enum_cls]
        assert all(labels) and len(set(labels)) == len(labels)
    assert RequestType.OTHER.label == "Other support"  # not another enum's "other"


def test_field_codes_have_labels():
    for code in REQUEST_FIELD_LABELS:
        assert code in FIELD_LABELS


def test_every_type_has_a_checklist_with_unique_codes():
    assert set(DEFAULT_DOCUMENTS) == set(RequestType)
    for items in DEFAULT_DOCUMENTS.values():
        codes = [code for code, _label, _required in items]
        assert len(codes) == len(set(codes))
        assert {"national_id_copy", "family_card"} <= set(codes)
        assert all(label and isinstance(req, bool) for _c, label, req in items)


def test_rent_needs_ejar_lease_and_repair_needs_a_deed():
    rent = {code: req for code, _label, req in DEFAULT_DOCUMENTS[RequestType.RENT]}
    assert rent["lease_contract"] and rent["iban_letter"] and not rent["enforcement_judgment"]
    repair = {code: req for code, _label, req in DEFAULT_DOCUMENTS[RequestType.REPAIR]}
    assert repair["ownership_deed"]


def test_missing_documents_are_the_required_ones_not_received():
    docs = [("a", True, True), ("b", True, False), ("c", False, False), ("d", True, False)]
    assert missing_documents(docs) == ["b", "d"]
