"""Builders for the referral tests: a store with one staff member of each role, signed in."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.models import AuditEvent, OutboxChange, Referral
from eskan_desk.services import auth
from eskan_desk.services.staff import Actor, resolve_actor

PASSWORD = "referral-pass-1"
# username -> (full name, role)
TEAM = {
    "noura": ("نورة القحطاني", "researcher"),
    "hind": ("هند الأسمري", "researcher"),
    "sara": ("سارة الشهري", "receptionist"),
    "maha": ("مها العسيري", "receptionist"),
    "fahad": ("فهد الغامدي", "representative"),
    "saad": ("سعد القحطاني", "supervisor"),
    "omar": ("عمر الزهراني", "committee"),
}


def build_team_store(template: Path, dest: Path) -> dict[str, Actor]:
    """Copy the template store to ``dest`` and add :data:`TEAM`; each member signs in once.

    Returns:
        username -> the Actor ``auth.sign_in`` gave (ids stay valid in copies of the store),
        plus ``admin``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(template / STORE_FILE, dest / STORE_FILE)
    ctx = open_context(dest, create=False)
    try:
        admin = resolve_actor(ctx, "admin")
        for username, (full_name, role) in TEAM.items():
            auth.add_staff(
                ctx, admin, username=username, full_name=full_name, role=role, password=PASSWORD
            )
        team = {u: auth.sign_in(ctx, u, PASSWORD) for u in TEAM}
    finally:
        ctx.close()
    team["admin"] = admin
    return team


def copy_store(source: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / STORE_FILE, dest / STORE_FILE)
    return dest


def stored(ctx: AppContext) -> dict[str, int]:
    """Referral rows, their versions, audit events and outbox changes: a refusal changes none."""
    versions = select(func.coalesce(func.sum(Referral.version % 1000003), 0))
    with ctx.store.read() as s:
        return {
            "referrals": s.execute(select(func.count()).select_from(Referral)).scalar_one(),
            "versions": s.execute(versions).scalar_one(),
            "audit": s.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
            "outbox": s.execute(select(func.count()).select_from(OutboxChange)).scalar_one(),
        }
