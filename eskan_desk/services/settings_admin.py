"""Changing this installation's settings: an administrator's job, checked here."""

from __future__ import annotations

from eskan_desk.app import AppContext
from eskan_desk.domain.permissions import Action, authorize
from eskan_desk.services.settings import Settings, save_settings
from eskan_desk.services.staff import Actor


def update_settings(ctx: AppContext, actor: Actor, settings: Settings) -> Settings:
    """Save the settings on behalf of ``actor``.

    Args:
        ctx: The application context.
        actor: The signed-in staff member; must be an administrator.
        settings: The new values (validated by :func:`save_settings`).

    Returns:
        The saved settings.

    Raises:
        PermissionDeniedError: The actor's role may not change the settings (nothing is saved).
        ValidationError: A value outside its allowed set or range.
    """
    authorize(actor.role, Action.CHANGE_SETTINGS)
    return save_settings(ctx, settings)
