"""The survey kiosk's PIN: set by an administrator, kept argon2-hashed on this PC only.

The kiosk is handed to the beneficiary; the PIN is what keeps the app behind it closed to them.
It lives in the local ``settings`` table (never synced): each branch PC has its own.
"""

from __future__ import annotations

import itertools
import re

from argon2 import PasswordHasher

from eskan_desk.app import AppContext
from eskan_desk.domain.digits import to_latin_digits
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.domain.text import remove_invisible
from eskan_desk.models import Setting
from eskan_desk.services.staff import Actor, hash_password, verify_password

KIOSK_PIN_KEY = "kiosk_pin_hash"  # local settings table: never synced, never leaves this PC
# A PIN has few possible values: each guess at a copied store stays as dear as the library's
# RFC 9106 profile makes it (150 ms; leaving the kiosk is not a moment anyone waits on).
_PIN_HASHER = PasswordHasher()
_PIN = re.compile(r"[0-9]{4,8}")


def _guessable(pin: str) -> bool:
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    return len(set(pin)) == 1 or steps in ({1}, {-1})


def set_kiosk_pin(ctx: AppContext, actor: Actor, pin: str) -> None:
    """Set the PIN that leaves the survey kiosk (stored argon2-hashed, on this PC only).

    Args:
        ctx: The application context.
        actor: An administrator.
        pin: 4 to 8 digits (Arabic-Indic digits accepted); not one digit repeated or a run
            such as 1234.

    Raises:
        PermissionDeniedError: Not an administrator.
        ValidationError: On field ``kiosk_pin``: not 4-8 digits, or too easy to guess.
    """
    authorize(actor.role, Action.SET_KIOSK_PIN)
    value = to_latin_digits(remove_invisible(pin or "")).strip()
    if not _PIN.fullmatch(value):
        raise ValidationError("kiosk_pin", N_("must be 4 to 8 digits"))
    if _guessable(value):
        raise ValidationError("kiosk_pin", N_("is too easy to guess"))
    hashed = hash_password(value, _PIN_HASHER)
    with ctx.store.write() as session:
        session.merge(Setting(key=KIOSK_PIN_KEY, value=hashed))
        # Audited (never the PIN itself); the settings table is local, nothing goes to the outbox.
        ctx.recorder.audit(
            session,
            action="kiosk_pin.set",
            entity="settings",
            entity_id=KIOSK_PIN_KEY,
            actor_id=actor.staff_id,
            branch_id=actor.branch_id,
            details={},
        )


def _pin_hash(ctx: AppContext) -> str | None:
    with ctx.store.read() as session:
        row = session.get(Setting, KIOSK_PIN_KEY)
        return row.value if row else None


def kiosk_ready(ctx: AppContext) -> bool:
    """Whether an administrator has set the kiosk PIN: the kiosk does not start without one."""
    return _pin_hash(ctx) is not None


def check_kiosk_pin(ctx: AppContext, pin: str) -> bool:
    """Whether ``pin`` is the kiosk PIN (False while none is set)."""
    hashed = _pin_hash(ctx)
    value = to_latin_digits(remove_invisible(pin or "")).strip()
    return bool(hashed and value) and verify_password(hashed, value)
