"""What every screen receives: the context, the signed-in staff member, the runner, the events.

Mutations return what changed and announce it on :class:`UiEvents`; every page decides itself
whether to refresh (one signal for all screens, as in Anki).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from eskan_desk.app import AppContext
from eskan_desk.domain.enums import Role
from eskan_desk.services.staff import Actor


class UiEvents(QObject):
    """``changed(kind, id)``: ``kind`` is a table name (beneficiaries, contacts, staff, settings).

    ``open_beneficiary(id)`` asks the main window to show a family file.
    ``log_contact(beneficiary_id, channel)`` asks for the contact dialog.
    """

    changed = Signal(str, str)
    open_beneficiary = Signal(str)
    log_contact = Signal(str, str)
    busy = Signal(bool)


class _NobodyYet:
    """The staff member of a window built before anyone signed in (``MainWindow.ahead``):
    asking who it is before Enter is a bug, and fails loudly."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"nobody has signed in yet (asked for {name!r})")


NOBODY_YET = cast(Actor, _NobodyYet())


@dataclass
class UiSession:
    ctx: AppContext
    actor: Actor
    runner: Any  # TaskRunner or ImmediateRunner
    events: UiEvents

    def has_role(self, *roles: Role) -> bool:
        return self.actor.role in roles


class Page(QWidget):
    """A screen reachable from the navigation. Subclasses set the class attributes.

    Attributes:
        page_id: stable id, also the screenshot file name.
        title: English catalog message (translated when shown).
        roles: roles that see the page in the navigation; None for everybody. The services
            enforce the same rules: hiding a page is a convenience, not the protection.
    """

    page_id: str = ""
    title: str = ""
    roles: frozenset[Role] | None = None

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName(self.page_id)

    def on_shown(self) -> None:
        """Called each time the page is brought to the front; refresh cheap data here."""
