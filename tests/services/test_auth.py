"""Signing in, lockout, and the admin's staff accounts: roles enforced in the services."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from eskan_desk import i18n
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from eskan_desk.models import AuditEvent, OutboxChange, Staff
from eskan_desk.services import auth
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.settings import Settings, load_settings
from eskan_desk.services.settings_admin import update_settings

from ..conftest import ADMIN_PASSWORD
from .helpers import applicant, counts

PASSWORD = "desk-pass-2026"


def staff_row(ctx, username):
    with ctx.store.read() as s:
        return s.execute(select(Staff).where(Staff.username == username)).scalar_one()


def all_counts(ctx):
    data = counts(ctx)
    with ctx.store.read() as s:
        data["staff"] = s.execute(select(func.count()).select_from(Staff)).scalar_one()
    return data


def audit_actions(ctx):
    with ctx.store.read() as s:
        return s.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()


@pytest.fixture
def receptionist(ctx, admin):
    auth.add_staff(
        ctx,
        admin,
        username="noura",
        full_name="نورة الشهري",
        role="receptionist",
        password=PASSWORD,
    )
    return auth.sign_in(ctx, "noura", PASSWORD)


def test_sign_in_returns_the_actor(ctx, admin):
    actor = auth.sign_in(ctx, "  Admin ", ADMIN_PASSWORD)
    assert actor == admin
    assert audit_actions(ctx)[-1] == "staff.sign_in"


def test_wrong_password_and_unknown_user_give_the_same_answer(ctx):
    with pytest.raises(ValidationError) as wrong:
        auth.sign_in(ctx, "admin", "not-the-password")
    with pytest.raises(ValidationError) as unknown:
        auth.sign_in(ctx, "nobody", "not-the-password")
    assert (wrong.value.field, wrong.value.message) == (unknown.value.field, unknown.value.message)
    assert i18n.render_error(wrong.value) == i18n.render_error(unknown.value)
    assert wrong.value.field == "password"


def test_inactive_account_gives_the_same_answer(ctx, admin, receptionist):
    auth.set_active(ctx, admin, receptionist.staff_id, False)
    with pytest.raises(ValidationError) as info:
        auth.sign_in(ctx, "noura", PASSWORD)
    assert info.value.message == auth.WRONG_CREDENTIALS
    auth.set_active(ctx, admin, receptionist.staff_id, True)
    assert auth.sign_in(ctx, "noura", PASSWORD).username == "noura"


def test_five_failures_lock_for_fifteen_minutes(ctx, clock):
    for _ in range(4):
        with pytest.raises(ValidationError) as info:
            auth.sign_in(ctx, "admin", "wrong-password")
        assert info.value.field == "password"
    with pytest.raises(ValidationError) as info:
        auth.sign_in(ctx, "admin", "wrong-password")
    # 07:00 UTC + 15 minutes = 10:15 in Riyadh
    assert (info.value.field, info.value.params) == ("username", {"time": "10:15"})
    clock.advance(minutes=14)
    with pytest.raises(ValidationError) as info:
        auth.sign_in(ctx, "admin", ADMIN_PASSWORD)  # even the right password
    assert info.value.message == auth.LOCKED
    clock.advance(minutes=1)
    assert auth.sign_in(ctx, "admin", ADMIN_PASSWORD).username == "admin"


def test_success_resets_the_counter(ctx):
    for _ in range(4):
        with pytest.raises(ValidationError):
            auth.sign_in(ctx, "admin", "wrong-password")
    assert staff_row(ctx, "admin").failed_attempts == 4
    auth.sign_in(ctx, "admin", ADMIN_PASSWORD)
    assert staff_row(ctx, "admin").failed_attempts == 0
    with pytest.raises(ValidationError) as info:
        auth.sign_in(ctx, "admin", "wrong-password")
    assert info.value.field == "password"  # a fifth failure overall, but not in a row


def test_lockout_is_audited_but_not_synced_nor_versioned(ctx):
    before_version = staff_row(ctx, "admin").version
    before = counts(ctx)
    for _ in range(5):
        with pytest.raises(ValidationError):
            auth.sign_in(ctx, "admin", "wrong-password")
    after = counts(ctx)
    row = staff_row(ctx, "admin")
    assert row.locked_until is not None and row.version == before_version
    assert after["sync_outbox"] == before["sync_outbox"]
    assert after["audit_events"] == before["audit_events"] + 6
    assert audit_actions(ctx)[-2:] == ["staff.sign_in_failed", "staff.locked"]


def test_confirm_password_counts_towards_the_lockout(ctx, admin):
    auth.confirm_password(ctx, admin, ADMIN_PASSWORD)
    for _ in range(4):
        with pytest.raises(ValidationError):
            auth.confirm_password(ctx, admin, "wrong-password")
    with pytest.raises(ValidationError) as info:
        auth.confirm_password(ctx, admin, "wrong-password")
    assert info.value.field == "username"


def test_admin_adds_resets_and_deactivates(ctx, admin, clock):
    view = auth.add_staff(
        ctx,
        admin,
        username="Saad.Q",
        full_name="  سعد   القحطاني ",
        role=Role.RESEARCHER,
        password=PASSWORD,
    )
    assert (view.username, view.full_name, view.role, view.active) == (
        "saad.q",
        "سعد القحطاني",
        Role.RESEARCHER,
        True,
    )
    with ctx.store.read() as s:
        changes = s.execute(select(OutboxChange.entity).order_by(OutboxChange.seq)).scalars().all()
    assert changes[-1] == "staff"
    for _ in range(5):
        with pytest.raises(ValidationError):
            auth.sign_in(ctx, "saad.q", "wrong-password")
    assert auth.list_staff(ctx, admin)[-1].locked_until is not None
    version = staff_row(ctx, "saad.q").version
    auth.reset_password(ctx, admin, view.id, "brand-new-pass")
    assert staff_row(ctx, "saad.q").version > version  # a synced change this time
    assert auth.sign_in(ctx, "saad.q", "brand-new-pass").role == Role.RESEARCHER
    assert auth.set_active(ctx, admin, view.id, False).active is False
    names = [(v.username, v.active) for v in auth.list_staff(ctx, admin)]
    assert names == [("admin", True), ("saad.q", False)]
    assert audit_actions(ctx)[-1] == "staff.deactivate"


def test_add_staff_validates_and_refuses_duplicates(ctx, admin):
    with pytest.raises(ValidationError) as info:
        auth.add_staff(ctx, admin, username="x", full_name="س", role="admin", password=PASSWORD)
    assert info.value.field == "username"
    with pytest.raises(ValidationError) as info:
        auth.add_staff(ctx, admin, username="sara", full_name=" ", role="admin", password=PASSWORD)
    assert info.value.field == "full_name"
    with pytest.raises(ValidationError) as info:
        auth.add_staff(
            ctx, admin, username="sara", full_name="سارة", role="boss", password=PASSWORD
        )
    assert info.value.field == "role"
    with pytest.raises(ValidationError) as info:
        auth.add_staff(
            ctx, admin, username="sara", full_name="سارة", role="admin", password="short"
        )
    assert info.value.field == "password"
    with pytest.raises(ConflictError):
        auth.add_staff(
            ctx, admin, username="ADMIN", full_name="سارة", role="admin", password=PASSWORD
        )
    with pytest.raises(NotFoundError):
        auth.reset_password(ctx, admin, "no-such-id", PASSWORD)


def test_a_receptionist_is_refused_by_the_services(ctx, admin, receptionist):
    before = all_counts(ctx)
    with pytest.raises(PermissionDeniedError):
        auth.add_staff(
            ctx, receptionist, username="x.y", full_name="س", role="admin", password=PASSWORD
        )
    with pytest.raises(PermissionDeniedError):
        auth.reset_password(ctx, receptionist, admin.staff_id, "taken-over-1")
    with pytest.raises(PermissionDeniedError):
        auth.set_active(ctx, receptionist, admin.staff_id, False)
    with pytest.raises(PermissionDeniedError):
        auth.list_staff(ctx, receptionist)
    with pytest.raises(PermissionDeniedError):
        update_settings(ctx, receptionist, Settings(idle_lock_minutes=99))
    assert all_counts(ctx) == before
    assert load_settings(ctx).idle_lock_minutes != 99
    assert auth.sign_in(ctx, "admin", ADMIN_PASSWORD).role == Role.ADMIN


def test_the_committee_cannot_register_but_may_log_contacts(ctx, admin):
    committee = dataclasses.replace(admin, role=Role.COMMITTEE)
    before = counts(ctx)
    with pytest.raises(PermissionDeniedError) as info:
        register_beneficiary(ctx, committee, applicant())
    assert counts(ctx) == before
    assert "لجنة" in i18n.render_error(info.value)  # the role's Arabic label
    log_contact(ctx, committee, ContactInput(channel="phone", summary="استفسار عام"))


def test_admin_may_change_settings(ctx, admin):
    update_settings(ctx, admin, Settings(idle_lock_minutes=5))
    assert load_settings(ctx).idle_lock_minutes == 5


def test_cannot_deactivate_yourself_or_the_last_admin(ctx, admin):
    with pytest.raises(ValidationError) as info:
        auth.set_active(ctx, admin, admin.staff_id, False)
    assert info.value.field == "username"
    second = auth.add_staff(
        ctx, admin, username="admin2", full_name="مدير ثان", role="admin", password=PASSWORD
    )
    other = auth.sign_in(ctx, "admin2", PASSWORD)
    auth.set_active(ctx, other, admin.staff_id, False)  # two admins: one may go
    with pytest.raises(ValidationError) as info:
        auth.set_active(ctx, admin, second.id, False)
    # `admin` is inactive now but its Actor still says admin; the rule protects the last one
    assert info.value.field == "role"
    assert staff_row(ctx, "admin2").active is True


def test_passwords_are_hashed_as_owasp_sets_argon2id_and_older_hashes_still_verify(ctx):
    from argon2 import PasswordHasher

    from eskan_desk.services.staff import hash_password, verify_password

    hashed = staff_row(ctx, "admin").password_hash
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(hashed, ADMIN_PASSWORD)
    # A hash made before (the library's defaults) carries its parameters and still verifies.
    older = PasswordHasher().hash(PASSWORD)
    assert older.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(older, PASSWORD) and not verify_password(older, PASSWORD + "x")
    assert verify_password(hash_password(PASSWORD), PASSWORD)


@pytest.fixture
def argon2_calls(monkeypatch):
    """The real password check, counted (the sign-in screen's checks ahead must save them)."""
    auth.forget_checks()  # answers an earlier test left under the same (template) hash
    calls: list[str] = []
    real = auth.verify_password

    def counted(password_hash: str, password: str) -> bool:
        calls.append(password)
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counted)
    return calls


def test_checking_ahead_counts_no_attempt_and_writes_nothing(ctx):
    before = all_counts(ctx)
    for _ in range(auth.MAX_FAILED_ATTEMPTS + 1):
        auth.check_ahead(ctx, "admin", "wrong-password")
    auth.check_ahead(ctx, "nobody", "wrong-password")
    row = staff_row(ctx, "admin")
    assert (row.failed_attempts, row.locked_until) == (0, None)
    assert all_counts(ctx) == before
    assert auth.sign_in(ctx, "admin", ADMIN_PASSWORD).username == "admin"


def test_a_check_ahead_names_whom_enter_would_sign_in_and_only_them(
    ctx, admin, receptionist, clock
):
    auth.forget_checks()
    who = auth.check_ahead(ctx, " Noura", PASSWORD)
    assert who == receptionist  # the same staff member, role and branch sign_in gives
    assert auth.check_ahead(ctx, "noura", "not-her-password") is None
    assert auth.check_ahead(ctx, "nobody", PASSWORD) is None
    assert auth.check_ahead(ctx, "noura", PASSWORD) == receptionist  # asked again: the same
    for _ in range(auth.MAX_FAILED_ATTEMPTS):
        with pytest.raises(ValidationError):
            auth.sign_in(ctx, "noura", "not-her-password")
    assert auth.check_ahead(ctx, "noura", PASSWORD) is None  # locked: Enter would refuse
    clock.advance(seconds=auth.LOCKOUT.total_seconds())
    assert auth.check_ahead(ctx, "noura", PASSWORD) == receptionist
    auth.set_active(ctx, admin, receptionist.staff_id, False)
    assert auth.check_ahead(ctx, "noura", PASSWORD) is None
    auth.forget_checks()


def test_rehearsing_a_sign_in_stores_nothing_and_the_audit_chain_holds(ctx):
    from eskan_desk.services.audit import verify_audit_chain

    auth.sign_in(ctx, "admin", ADMIN_PASSWORD)
    before, row = all_counts(ctx), staff_row(ctx, "admin")
    auth.rehearse_sign_in(ctx)
    auth.rehearse_sign_in(ctx)
    assert all_counts(ctx) == before
    after = staff_row(ctx, "admin")
    assert (after.failed_attempts, after.locked_until, after.version) == (
        row.failed_attempts,
        row.locked_until,
        row.version,
    )
    auth.sign_in(ctx, "admin", ADMIN_PASSWORD)  # the real one, after the rehearsals
    assert audit_actions(ctx)[-2:] == ["staff.sign_in", "staff.sign_in"]
    assert verify_audit_chain(ctx)["ok"]


def test_sign_in_takes_the_answer_checked_ahead_and_still_counts_a_failure(ctx, argon2_calls):
    auth.check_ahead(ctx, "admin", "wrong-password")
    assert argon2_calls == ["wrong-password"]
    with pytest.raises(ValidationError):
        auth.sign_in(ctx, "admin", "wrong-password")
    assert argon2_calls == ["wrong-password"]  # answered, not checked again
    assert staff_row(ctx, "admin").failed_attempts == 1
    assert audit_actions(ctx)[-1] == "staff.sign_in_failed"
    assert not auth._checks  # the answer was taken, not kept
    with pytest.raises(ValidationError):
        auth.sign_in(ctx, "admin", "wrong-password")
    assert argon2_calls == ["wrong-password"] * 2
    auth.check_ahead(ctx, " Admin", ADMIN_PASSWORD)  # as sign_in: case and spaces ignored
    assert auth.sign_in(ctx, "admin", ADMIN_PASSWORD).username == "admin"
    assert argon2_calls == ["wrong-password"] * 2 + [ADMIN_PASSWORD]


def test_a_check_ahead_answers_only_the_name_it_was_made_for(ctx, argon2_calls):
    """Made-up names share the one dummy hash: without the name in the key, a check for one
    would answer Enter for another at once, where a real name costs a check; timing would
    then tell which names exist."""
    auth.check_ahead(ctx, "nobody", "some-password")
    for name in ("somebody", "admin"):
        with pytest.raises(ValidationError):
            auth.sign_in(ctx, name, "some-password")
    assert argon2_calls == ["some-password"] * 3
    auth.check_ahead(ctx, "admin", ADMIN_PASSWORD)
    auth.confirm_password(ctx, auth.sign_in(ctx, "admin", ADMIN_PASSWORD), ADMIN_PASSWORD)
    assert argon2_calls == ["some-password"] * 3 + [ADMIN_PASSWORD] * 2
    assert not auth._checks


def test_a_check_ahead_that_failed_leaves_enter_to_check_for_itself(ctx, monkeypatch):
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: (_ for _ in ()).throw(MemoryError))
    auth.forget_checks()
    with pytest.raises(MemoryError):
        auth.check_ahead(ctx, "admin", ADMIN_PASSWORD)
    monkeypatch.setattr(auth, "verify_password", real)
    assert auth.sign_in(ctx, "admin", ADMIN_PASSWORD).username == "admin"


def test_an_answer_checked_ahead_does_not_outlive_a_password_reset(ctx, admin, receptionist):
    auth.check_ahead(ctx, "noura", PASSWORD)
    auth.reset_password(ctx, admin, receptionist.staff_id, "a-new-password-2026")
    with pytest.raises(ValidationError) as info:
        auth.sign_in(ctx, "noura", PASSWORD)
    assert info.value.message == auth.WRONG_CREDENTIALS
    assert auth.sign_in(ctx, "noura", "a-new-password-2026").username == "noura"


def test_a_check_under_way_at_enter_is_waited_for_not_repeated(ctx, monkeypatch):
    import threading

    started, release = threading.Event(), threading.Event()
    calls: list[str] = []
    real = auth.verify_password

    def slow(password_hash: str, password: str) -> bool:
        calls.append(password)
        started.set()
        release.wait(10)
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", slow)
    auth.forget_checks()
    ahead = threading.Thread(target=auth.check_ahead, args=(ctx, "admin", ADMIN_PASSWORD))
    ahead.start()
    assert started.wait(10)
    signed_in: list = []
    enter = threading.Thread(
        target=lambda: signed_in.append(auth.sign_in(ctx, "admin", ADMIN_PASSWORD))
    )
    enter.start()
    enter.join(0.2)
    assert enter.is_alive() and signed_in == []  # waiting for the check under way
    release.set()
    ahead.join(10)
    enter.join(10)
    assert [a.username for a in signed_in] == ["admin"]
    assert calls == [ADMIN_PASSWORD]
