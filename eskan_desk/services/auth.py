"""Signing in, unlocking an idle session, and the administrator's staff accounts.

Lockout: 5 wrong passwords in a row lock the account for 15 minutes. The attempt counter and the
lock are bookkeeping of this device (``Staff.failed_attempts``/``locked_until``): they are written
without a new row version and without an outbox change, so they never travel to HQ or overwrite
another device's edits; each attempt still leaves an audit event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import ConflictError, NotFoundError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Branch, Staff
from eskan_desk.services.staff import (
    Actor,
    hash_password,
    this_branch_staff,
    validate_password,
    validate_username,
    verify_password,
)

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
FULL_NAME_MAX = 160
WRONG_CREDENTIALS = N_("Wrong username or password.")
LOCKED = N_("This account is locked until {time} after too many failed attempts.")

_dummy_hash: str | None = None


@dataclass(frozen=True)
class StaffView:
    """A staff account as the admin screen shows it (never the password hash)."""

    id: str
    username: str
    full_name: str
    role: Role
    active: bool
    locked_until: dt.datetime | None  # None when not locked now


def sign_in(ctx: AppContext, username: str, password: str) -> Actor:
    """Check a username and password and return the staff member who signed in.

    Unknown user, wrong password and inactive account give the same answer, so the screen does
    not reveal which usernames exist.

    Args:
        ctx: The application context (its clock decides lockouts).
        username: As typed; case and surrounding spaces are ignored.
        password: As typed.

    Returns:
        The signed-in staff member.

    Raises:
        ValidationError: ``password`` field for wrong credentials; ``username`` field, naming the
            Riyadh time the lock ends, for an account locked after too many failures.
    """
    return _attempt(ctx, _by_username(username), password, who=_username(username))


def check_ahead(ctx: AppContext, username: str, password: str) -> Actor | None:
    """Check ``password`` for ``username`` before Enter is pressed, so that :func:`sign_in` with
    the same two finds the answer ready instead of spending an argon2 check (20-30 ms).

    The sign-in screen calls this on a worker thread as the password is typed. It only reads:
    no attempt is counted and nothing is audited until :func:`sign_in`, which still does all
    of its bookkeeping. The answer is kept under the stored hash (its salt included) and a
    keyed digest of the name and password, so it is exactly what the check would give at
    Enter; a hash changed in between (a reset) is simply not found.

    Returns:
        The staff member Enter would sign in as if nothing changed before it (the password
        matched, the account active and not locked), else None. The screen uses it only to
        prepare the window it has not shown yet; :func:`sign_in` decides.
    """
    now = ctx.now()
    who: Actor | None = None
    with ctx.store.read() as session:  # the statement sign_in runs: its compiled form is kept
        staff = session.execute(_live(_by_username(username))).scalar_one_or_none()
        stored = staff.password_hash if staff is not None else None
        if staff is not None and staff.active and not _locked_at(staff, now):
            who = _actor(staff, session.get(Branch, staff.branch_id))
    matched = _check_now(stored or _dummy(), _username(username), password)
    return who if matched else None


def _locked_at(staff: Staff, now: dt.datetime) -> bool:
    return staff.locked_until is not None and now < staff.locked_until


def rehearse_sign_in(ctx: AppContext) -> None:
    """Run what a sign-in writes and reads, the attempt counter, the audit event and the
    branch, on some staff member, and roll it back: nothing is stored. Enter then finds the
    statements compiled (5-10 ms on the way to the window). The sign-in screen calls this
    once, on its worker."""
    with ctx.store.rehearsal() as session:
        staff = session.execute(_live(this_branch_staff()).limit(1)).scalar_one_or_none()
        if staff is None:
            return
        staff.failed_attempts = (staff.failed_attempts or 0) + 1
        session.flush()
        _signed_in(ctx, session, staff)


def _signed_in(ctx: AppContext, session: Session, staff: Staff) -> Actor:
    """What a successful sign-in writes (the counters reset, the audit event), and the actor."""
    staff.failed_attempts = 0
    staff.locked_until = None
    _audit(ctx, session, staff, "staff.sign_in", {})
    return _actor(staff, session.get(Branch, staff.branch_id))


def _live(where: Any) -> Any:
    return select(Staff).where(where, Staff.deleted_at.is_(None))


def _username(typed: str) -> str:
    return (typed or "").strip().lower()


def _by_username(username: str) -> Any:
    return (Staff.username == _username(username)) & this_branch_staff()


def confirm_password(ctx: AppContext, actor: Actor, password: str) -> None:
    """Unlock an idle-locked session: ``actor`` must type their own password again.

    Failures count towards the lockout exactly as at sign-in.

    Raises:
        ValidationError: The same errors as :func:`sign_in`.
    """
    _attempt(ctx, Staff.id == actor.staff_id, password, who=f"id:{actor.staff_id}")


def add_staff(
    ctx: AppContext, actor: Actor, *, username: str, full_name: str, role: Role | str, password: str
) -> StaffView:
    """Create a staff account in the actor's branch.

    Raises:
        PermissionDeniedError: The actor is not an administrator.
        ValidationError: A field breaks its rule (nothing is stored).
        ConflictError: The username is already taken.
    """
    authorize(actor.role, Action.MANAGE_STAFF)
    name = validate_username(username)
    full = cast(str, clean_text(full_name, "full_name", max_len=FULL_NAME_MAX, required=True))
    member = Role.parse(role, "role")
    validate_password(password)
    password_hash = hash_password(password)  # argon2: outside the write transaction
    rec = ctx.recorder
    with ctx.store.write() as session:
        taken = session.execute(
            select(Staff.id).where(Staff.username == name, this_branch_staff())
        ).first()
        if taken is not None:
            raise ConflictError("username", N_("this username is already taken"))
        staff = Staff(
            username=name,
            full_name=full,
            role=member.value,
            password_hash=password_hash,
            active=True,
            failed_attempts=0,
        )
        rec.stamp_new(staff, branch_id=actor.branch_id, actor_id=actor.staff_id)
        session.add(staff)
        rec.record(
            session,
            staff,
            action="staff.create",
            actor_id=actor.staff_id,
            details={"role": member.value},
        )
        return _view(staff, ctx.now())


def reset_password(ctx: AppContext, actor: Actor, staff_id: str, new_password: str) -> StaffView:
    """Give a staff member a new password; this also lifts a lockout.

    Raises:
        PermissionDeniedError: The actor is not an administrator.
        ValidationError: The password is too short.
        NotFoundError: No such staff member.
    """
    authorize(actor.role, Action.MANAGE_STAFF)
    validate_password(new_password)
    password_hash = hash_password(new_password)
    with ctx.store.write() as session:
        staff = _get(session, staff_id)
        staff.password_hash = password_hash
        staff.failed_attempts = 0
        staff.locked_until = None
        _save(ctx, session, actor, staff, "staff.reset_password", {})
        return _view(staff, ctx.now())


def set_active(ctx: AppContext, actor: Actor, staff_id: str, active: bool) -> StaffView:
    """Deactivate (or reactivate) a staff account; a deactivated account cannot sign in.

    Raises:
        PermissionDeniedError: The actor is not an administrator.
        ValidationError: The actor tries to deactivate their own account, or the last active
            administrator.
        NotFoundError: No such staff member.
    """
    authorize(actor.role, Action.MANAGE_STAFF)
    with ctx.store.write() as session:
        staff = _get(session, staff_id)
        if staff.active == active:
            return _view(staff, ctx.now())
        if not active:
            _refuse_deactivation(session, actor, staff)
        staff.active = active
        action = "staff.activate" if active else "staff.deactivate"
        _save(ctx, session, actor, staff, action, {"active": active})
        return _view(staff, ctx.now())


def list_staff(ctx: AppContext, actor: Actor) -> list[StaffView]:
    """Every staff account of the store, administrators first, then by name.

    Raises:
        PermissionDeniedError: The actor is not an administrator.
    """
    authorize(actor.role, Action.MANAGE_STAFF)
    now = ctx.now()
    with ctx.store.read() as session:
        rows = session.execute(select(Staff).where(Staff.deleted_at.is_(None))).scalars().all()
    order = list(reversed(Role))  # admin, committee, supervisor, ... receptionist
    rows = sorted(rows, key=lambda s: (order.index(Role(s.role)), s.full_name, s.username))
    return [_view(s, now) for s in rows]


def _attempt(ctx: AppContext, where: Any, password: str, *, who: str) -> Actor:
    """One password attempt with lockout bookkeeping; raises after the bookkeeping commits.
    ``who`` names the account as typed, for the check done ahead."""
    now = ctx.now()
    error: ValidationError | None = None
    actor: Actor | None = None
    with ctx.store.write() as session:
        staff = session.execute(_live(where)).scalar_one_or_none()
        if staff is None:
            _verified(_dummy(), who, password)  # same time as a real check: no user probing
            error = _wrong()
        elif _locked_at(staff, now):
            error = _locked(cast(dt.datetime, staff.locked_until))
        elif not staff.active:
            _audit(ctx, session, staff, "staff.sign_in_failed", {"reason": "inactive"})
            error = _wrong()
        elif not _verified(staff.password_hash, who, password):
            error = _record_failure(ctx, session, staff, now)
        else:
            forget_checks()
            actor = _signed_in(ctx, session, staff)
    if error is not None:
        raise error
    return cast(Actor, actor)


# Checks done ahead (check_ahead), each under the stored hash and a keyed digest of the name
# and the password typed: a few, oldest dropped first. Enter takes the one for what it was
# given (waiting if it is still running) and keeps nothing; without one it checks afresh. With
# the name in the key, a made-up name and a real one are answered ahead, or not, alike.
_CHECKS_KEPT = 4
_check_key = secrets.token_bytes(32)  # names and passwords are kept only as digests under it
_checks: OrderedDict[tuple[str, bytes], Future[bool]] = OrderedDict()
_checks_lock = threading.Lock()


def _typed_key(password_hash: str, who: str, password: str) -> tuple[str, bytes]:
    typed = f"{who}\x00{password}".encode()
    return password_hash, hashlib.blake2b(typed, key=_check_key).digest()


def _check_now(password_hash: str, who: str, password: str) -> bool:
    """The check ahead itself, kept for :func:`_verified`; its answer (one already kept for
    the same three is not run again)."""
    key = _typed_key(password_hash, who, password)
    with _checks_lock:
        kept = _checks.get(key)
        if kept is None:
            check: Future[bool] = Future()
            _checks[key] = check
            while len(_checks) > _CHECKS_KEPT:
                _checks.popitem(last=False)
    if kept is not None:
        return kept.result()
    try:
        matched = verify_password(password_hash, password)
    except BaseException as exc:
        check.set_exception(exc)
        raise
    check.set_result(matched)
    return matched


def _verified(password_hash: str, who: str, password: str) -> bool:
    """``verify_password``, answered by the check done ahead for the same name and password
    when there is one (it is taken, not kept)."""
    with _checks_lock:
        check = _checks.pop(_typed_key(password_hash, who, password), None)
    if check is not None:
        with contextlib.suppress(Exception):  # the check ahead failed: Enter checks for itself
            return check.result()
    return verify_password(password_hash, password)


def forget_checks() -> None:
    """Drop every check done ahead (the sign-in screen is closed, or someone signed in)."""
    with _checks_lock:
        _checks.clear()


def _record_failure(
    ctx: AppContext, session: Session, staff: Staff, now: dt.datetime
) -> ValidationError:
    staff.failed_attempts = (staff.failed_attempts or 0) + 1
    _audit(ctx, session, staff, "staff.sign_in_failed", {"attempt": staff.failed_attempts})
    if staff.failed_attempts < MAX_FAILED_ATTEMPTS:
        return _wrong()
    staff.locked_until = now + LOCKOUT
    staff.failed_attempts = 0  # the next round starts afresh once the lock ends
    _audit(ctx, session, staff, "staff.locked", {"until": staff.locked_until.isoformat()})
    return _locked(staff.locked_until)


def _audit(
    ctx: AppContext, session: Session, staff: Staff, action: str, details: dict[str, Any]
) -> None:
    # Local bookkeeping: an audit event only, no version bump and no outbox change.
    ctx.recorder.audit(
        session,
        action=action,
        entity="staff",
        entity_id=staff.id,
        actor_id=staff.id,
        branch_id=staff.branch_id,
        details=details,
    )


def _wrong() -> ValidationError:
    return ValidationError("password", WRONG_CREDENTIALS)


def _locked(until: dt.datetime) -> ValidationError:
    return ValidationError("username", LOCKED, {"time": to_riyadh(until).strftime("%H:%M")})


_dummy_lock = threading.Lock()


def _dummy() -> str:
    """The one hash a made-up name is checked against (made once, whichever thread asks
    first: a check ahead and Enter must share it)."""
    global _dummy_hash
    with _dummy_lock:
        if _dummy_hash is None:
            _dummy_hash = hash_password("not-a-real-password")
        return _dummy_hash


def _refuse_deactivation(session: Session, actor: Actor, staff: Staff) -> None:
    if staff.id == actor.staff_id:
        raise ValidationError("username", N_("you cannot deactivate your own account"))
    if staff.role == Role.ADMIN.value:
        admins = session.execute(
            select(func.count())
            .select_from(Staff)
            .where(
                Staff.role == Role.ADMIN.value,
                Staff.active.is_(True),
                Staff.deleted_at.is_(None),
            )
        ).scalar_one()
        if admins <= 1:
            raise ValidationError("role", N_("at least one active administrator must remain"))


def _get(session: Session, staff_id: str) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None or staff.deleted_at is not None:
        raise NotFoundError(N_("No staff member with id {id}"), {"id": staff_id})
    return staff


def _save(
    ctx: AppContext,
    session: Session,
    actor: Actor,
    staff: Staff,
    action: str,
    details: dict[str, Any],
) -> None:
    rec = ctx.recorder
    base = rec.stamp_update(staff, actor_id=actor.staff_id)
    rec.record(
        session, staff, action=action, actor_id=actor.staff_id, details=details, base_version=base
    )


def _view(staff: Staff, now: dt.datetime) -> StaffView:
    locked = staff.locked_until if staff.locked_until and staff.locked_until > now else None
    return StaffView(
        id=staff.id,
        username=staff.username,
        full_name=staff.full_name,
        role=Role(staff.role),
        active=staff.active,
        locked_until=locked,
    )


def _actor(staff: Staff, branch: Branch | None) -> Actor:
    return Actor(
        staff_id=staff.id,
        username=staff.username,
        full_name=staff.full_name,
        role=Role(staff.role),
        branch_id=staff.branch_id,
        branch_code=branch.code if branch else "",
    )
