"""Who may do what."""

from __future__ import annotations

import pytest

from eskan_desk import i18n
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import PermissionDeniedError
from eskan_desk.domain.permissions import ACTION_LABELS, ALLOWED, Action, authorize, can


def test_every_action_has_roles_and_a_label():
    assert set(ALLOWED) == set(Action)
    assert set(ACTION_LABELS) == set(Action)
    assert all(ALLOWED[a] for a in Action)


def test_committee_cannot_register_edit_or_verify():
    for action in (Action.REGISTER_BENEFICIARY, Action.EDIT_BENEFICIARY, Action.VERIFY_BENEFICIARY):
        assert not can(Role.COMMITTEE, action)
        assert can(Role.RECEPTIONIST, action)
        assert can(Role.ADMIN, action)


def test_only_admin_manages_staff_settings_and_demo():
    for action in (Action.MANAGE_STAFF, Action.CHANGE_SETTINGS, Action.GENERATE_DEMO):
        assert ALLOWED[action] == frozenset({Role.ADMIN})
        assert [r for r in Role if can(r, action)] == [Role.ADMIN]


def test_everyone_logs_contacts_and_views_the_registry():
    for role in Role:
        assert can(role, Action.LOG_CONTACT)
        assert can(role, Action.VIEW_REGISTRY)


def test_authorize_raises_with_role_and_action():
    authorize(Role.ADMIN, Action.MANAGE_STAFF)
    with pytest.raises(PermissionDeniedError) as info:
        authorize(Role.RECEPTIONIST, Action.MANAGE_STAFF)
    assert info.value.params == {"role": Role.RECEPTIONIST, "action": Action.MANAGE_STAFF}
    i18n.set_language("en")
    assert i18n.render_error(info.value) == (
        "Your role (Receptionist) may not manage staff accounts."
    )


def test_codes_are_accepted_and_unknown_roles_refused():
    assert can("admin", Action.MANAGE_STAFF)
    assert not can("janitor", Action.LOG_CONTACT)
    with pytest.raises(PermissionDeniedError):
        authorize("janitor", Action.LOG_CONTACT)
