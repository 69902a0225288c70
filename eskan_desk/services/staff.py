"""Branch set-up, staff accounts and the acting staff member."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from eskan_desk import boot
from eskan_desk.app import AppContext
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import ConflictError, NotFoundError, StoreError, ValidationError
from eskan_desk.domain.ids import is_branch_code
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import clean_text
from eskan_desk.models import Branch, Staff, SyncState

BRANCH_KEY = boot.BRANCH_KEY


def this_branch_staff() -> Any:
    """A clause: staff of this store's branch (an HQ device also holds every branch's staff)."""
    return (
        Staff.branch_id
        == select(SyncState.value).where(SyncState.key == BRANCH_KEY).scalar_subquery()
    )


MIN_PASSWORD = 8
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{2,39}$")
# Argon2id as OWASP's password storage guidance sets it (19 MiB, 2 passes, 1 lane): about 20 ms
# here, where the library's RFC 9106 profile (64 MiB, 3 passes, 4 lanes) took 150 ms of every
# sign-in and unlock. Five wrong passwords lock an account, so guessing online is bounded either
# way. A hash carries its own parameters: one made with other ones verifies as it always did.
PASSWORD_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@dataclass(frozen=True)
class Actor:
    """The staff member on whose behalf a use case runs."""

    staff_id: str
    username: str
    full_name: str
    role: Role
    branch_id: str
    branch_code: str


@dataclass(frozen=True)
class BranchView:
    id: str
    code: str
    name: str


def hash_password(password: str, hasher: PasswordHasher = PASSWORD_HASHER) -> str:
    """Argon2id hash of ``password``."""
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches the stored hash (made with whatever parameters)."""
    try:
        return PASSWORD_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def validate_branch_code(raw: str) -> str:
    code = (raw or "").strip().upper()
    if not is_branch_code(code):
        raise ValidationError("branch_code", N_("must be 2 to 4 Latin letters, e.g. KMS"))
    return code


def validate_username(raw: str) -> str:
    name = (raw or "").strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError(
            "username",
            N_(
                "must be 3 to 40 characters: Latin letters, digits, dot, dash or underscore, "
                "starting with a letter"
            ),
        )
    return name


def validate_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError(
            "password", N_("must be at least {n} characters"), {"n": MIN_PASSWORD}
        )
    return password


def initialize_store(
    ctx: AppContext,
    *,
    branch_code: str,
    branch_name: str,
    admin_username: str,
    admin_password: str,
    admin_full_name: str | None = None,
) -> Actor:
    """Create this store's branch and its first administrator.

    Raises:
        ValidationError: a field breaks its rule.
        ConflictError: the store is already initialised.
    """
    code = validate_branch_code(branch_code)
    name = clean_text(branch_name, "branch_name", max_len=120, required=True)
    username = validate_username(admin_username)
    validate_password(admin_password)
    full_name = clean_text(admin_full_name, "full_name", max_len=160) or username
    rec = ctx.recorder
    with ctx.store.write() as session:
        existing = session.get(SyncState, BRANCH_KEY)
        if existing is not None:
            branch = session.get(Branch, existing.value)
            raise ConflictError(
                "branch",
                N_("this store is already set up for branch {code}"),
                {"code": branch.code if branch else "?"},
            )
        branch = Branch(code=code, name=name)
        rec.stamp_new(branch, branch_id="", actor_id=None)
        branch.branch_id = branch.id
        session.add(branch)
        admin = Staff(
            username=username,
            full_name=full_name,
            role=Role.ADMIN.value,
            password_hash=hash_password(admin_password),
            active=True,
            failed_attempts=0,
        )
        rec.stamp_new(admin, branch_id=branch.id, actor_id=None)
        session.add(admin)
        session.add(SyncState(key=BRANCH_KEY, value=branch.id))
        rec.record(session, branch, action="branch.create", actor_id=None)
        rec.record(
            session, admin, action="staff.create", actor_id=None, details={"role": admin.role}
        )
        return _actor(admin, branch)


def is_initialized(ctx: AppContext) -> bool:
    with ctx.store.read() as session:
        return session.get(SyncState, BRANCH_KEY) is not None


def current_branch(ctx: AppContext) -> BranchView:
    """The branch this store belongs to.

    Raises:
        StoreError: the store has not been set up with ``eskan init``.
    """
    with ctx.store.read() as session:
        state = session.get(SyncState, BRANCH_KEY)
        branch = session.get(Branch, state.value) if state else None
        if branch is None:
            raise StoreError(N_("This store is not set up yet. Run 'eskan init' first."))
        return BranchView(id=branch.id, code=branch.code, name=branch.name)


def resolve_actor(ctx: AppContext, username: str | None = None) -> Actor:
    """The staff member a command acts as: ``username``, or the first active administrator.

    Raises:
        NotFoundError: no such active staff member.
    """
    branch = current_branch(ctx)
    with ctx.store.read() as session:
        query = select(Staff).where(
            Staff.active.is_(True), Staff.deleted_at.is_(None), this_branch_staff()
        )
        if username:
            query = query.where(Staff.username == username.strip().lower())
        else:
            query = query.where(Staff.role == Role.ADMIN.value).order_by(Staff.created_at)
        staff = session.execute(query.limit(1)).scalar_one_or_none()
        if staff is None:
            raise NotFoundError(
                N_("No active staff member named {username}"), {"username": username or "admin"}
            )
        b = session.get(Branch, branch.id)
        return _actor(staff, b)


def _actor(staff: Staff, branch: Branch) -> Actor:
    return Actor(
        staff_id=staff.id,
        username=staff.username,
        full_name=staff.full_name,
        role=Role(staff.role),
        branch_id=branch.id,
        branch_code=branch.code,
    )
