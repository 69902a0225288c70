"""Preferences of this installation, with their defaults and rules."""

from __future__ import annotations

from dataclasses import dataclass

from eskan_desk.app import AppContext
from eskan_desk.domain.errors import ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.models import Setting

LANGUAGES = ("ar", "en")
DIGITS = ("latin", "arab")


@dataclass(frozen=True)
class Settings:
    language: str = "ar"
    idle_lock_minutes: int = 10
    digits: str = "latin"
    # Once enrolled with HQ, the committee decides at HQ; a branch may keep its own committee.
    committee_local: bool = False


def load_settings(ctx: AppContext) -> Settings:
    """The saved settings, defaults for anything never set."""
    with ctx.store.read() as session:
        saved = {s.key: s.value for s in session.query(Setting).all()}
    defaults = Settings()
    return Settings(
        language=saved.get("language", defaults.language),
        idle_lock_minutes=int(saved.get("idle_lock_minutes", defaults.idle_lock_minutes)),
        digits=saved.get("digits", defaults.digits),
        committee_local=saved.get("committee_local", "0") == "1",
    )


def save_settings(ctx: AppContext, settings: Settings) -> Settings:
    """Validate and store the settings.

    Raises:
        ValidationError: a value outside its allowed set or range.
    """
    if settings.language not in LANGUAGES:
        raise ValidationError(
            "language", N_("must be one of: {choices}"), {"choices": ", ".join(LANGUAGES)}
        )
    if not 1 <= settings.idle_lock_minutes <= 120:
        raise ValidationError(
            "idle_lock_minutes", N_("must be between {low} and {high}"), {"low": 1, "high": 120}
        )
    if settings.digits not in DIGITS:
        raise ValidationError(
            "digits", N_("must be one of: {choices}"), {"choices": ", ".join(DIGITS)}
        )
    values = {
        "language": settings.language,
        "idle_lock_minutes": str(settings.idle_lock_minutes),
        "digits": settings.digits,
        "committee_local": "1" if settings.committee_local else "0",
    }
    with ctx.store.write() as session:
        for key, value in values.items():
            session.merge(Setting(key=key, value=value))
    return settings
