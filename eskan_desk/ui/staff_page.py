"""The administrator's staff screen: add an account, reset a password, deactivate or reactivate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.dates import to_riyadh
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import EskanError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, can
from eskan_desk.i18n import _
from eskan_desk.services import auth
from eskan_desk.services.auth import StaffView
from eskan_desk.ui.forms import ChoiceBox, FieldSet, button_row
from eskan_desk.ui.look import name_buttons, ui_font
from eskan_desk.ui.session import Page, UiSession
from eskan_desk.ui.tables import select_row, selected_row

COLUMNS = (N_("Name"), N_("Username"), N_("Role"), N_("Active"), N_("Locked until"))


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A refusal from a service, in the UI language, in a message box."""
    text = i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc)
    QMessageBox.warning(parent, _("Eskan Desk"), text)


def _line(*, secret: bool = False, latin: bool = False) -> QLineEdit:
    edit = QLineEdit()
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    if latin:
        edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return edit


class _FormDialog(QDialog):
    """A small form with OK/Cancel; OK hands the values to ``submit`` and waits for its answer."""

    def __init__(self, title: str, submit: Callable[[_FormDialog], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self._submit = submit
        layout = QVBoxLayout(self)
        self.fields = FieldSet(self)
        layout.addWidget(self.fields)
        buttons = name_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(lambda: self._submit(self))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self, code: str) -> Any:
        return self.fields.value(code)

    def editor(self, code: str) -> QWidget:
        return self.fields.editors[code]


class StaffPage(Page):
    page_id = "staff"
    title = N_("Staff")
    roles = frozenset({Role.ADMIN})

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.rows: list[StaffView] = []
        layout = QVBoxLayout(self)
        heading = QLabel(_("Staff"), self)
        heading.setFont(ui_font(14, bold=True))
        layout.addWidget(heading)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.add_button = QPushButton(_("Add staff member"), self)
        self.reset_button = QPushButton(_("Reset password"), self)
        self.active_button = QPushButton(_("Deactivate"), self)
        self.add_button.clicked.connect(self.add_staff)
        self.reset_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        button_row(layout, self.add_button, self.reset_button, self.active_button)
        session.events.changed.connect(self._on_changed)
        self.refresh()

    # Data --------------------------------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Reload the accounts (only for a role that may see them: the service would refuse)."""
        if not can(self.session.actor.role, Action.MANAGE_STAFF):
            self.add_button.setEnabled(False)
            self._update_buttons()
            return
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(
            lambda: auth.list_staff(ctx, actor),
            on_done=self._show_rows,
            on_error=lambda exc: show_error(self, exc),
        )

    def _show_rows(self, rows: list[StaffView]) -> None:
        keep = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, staff in enumerate(rows):
            locked = to_riyadh(staff.locked_until).strftime("%H:%M") if staff.locked_until else ""
            cells = (
                staff.full_name,
                staff.username,
                _(staff.role.label),
                _("Yes") if staff.active else _("No"),
                locked,
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, staff.id)
                self.table.setItem(i, col, item)
        if keep is not None:
            self.select(keep.id)
        self._update_buttons()

    def selected(self) -> StaffView | None:
        return selected_row(self.table, self.rows)

    def select(self, staff_id: str) -> None:
        select_row(self.table, self.rows, staff_id)

    def _update_buttons(self) -> None:
        current = self.selected()
        self.reset_button.setEnabled(current is not None)
        self.active_button.setEnabled(current is not None)
        reactivate = current is not None and not current.active
        self.active_button.setText(_("Reactivate") if reactivate else _("Deactivate"))

    def _on_changed(self, kind: str, _record_id: str) -> None:
        if kind == "staff":
            self.refresh()

    def _done(self, view: StaffView, dialog: QDialog | None = None) -> None:
        if dialog is not None:
            dialog.accept()
        self.session.events.changed.emit("staff", view.id)

    def _run(self, fn: Callable[[], StaffView], dialog: QDialog | None = None) -> None:
        self.session.runner.submit(
            fn,
            on_done=lambda view: self._done(view, dialog),
            on_error=lambda exc: show_error(dialog or self, exc),
        )

    # Actions -----------------------------------------------------------------------------
    def new_staff_dialog(self) -> _FormDialog:
        dialog = _FormDialog(_("Add staff member"), self._submit_new, self)
        f = dialog.fields
        f.add("username", N_("Username"), _line(latin=True))
        f.add("full_name", N_("Full name"), _line())
        f.add("role", N_("Role"), ChoiceBox(Role, optional=False))
        f.add("password", N_("Password"), _line(secret=True))
        f.editors["username"].setFocus()
        return dialog

    def add_staff(self) -> _FormDialog:
        dialog = self.new_staff_dialog()
        dialog.open()
        return dialog

    def _submit_new(self, dialog: _FormDialog) -> None:
        ctx, actor = self.session.ctx, self.session.actor
        values = {code: dialog.value(code) for code in ("username", "full_name", "role")}
        password = dialog.value("password")
        self._run(lambda: auth.add_staff(ctx, actor, password=password, **values), dialog)

    def reset_password_dialog(self, staff: StaffView) -> _FormDialog:
        title = _("New password for {name}").format(name=staff.full_name)
        dialog = _FormDialog(title, lambda d: self._submit_password(d, staff.id), self)
        dialog.fields.add("password", N_("New password"), _line(secret=True))
        dialog.fields.add("password_again", N_("Password again"), _line(secret=True))
        return dialog

    def reset_password(self) -> _FormDialog | None:
        staff = self.selected()
        if staff is None:
            return None
        dialog = self.reset_password_dialog(staff)
        dialog.open()
        return dialog

    def _submit_password(self, dialog: _FormDialog, staff_id: str) -> None:
        password = dialog.value("password")
        if password != dialog.value("password_again"):
            show_error(dialog, ValidationError("password", N_("the two passwords differ")))
            return
        ctx, actor = self.session.ctx, self.session.actor
        self._run(lambda: auth.reset_password(ctx, actor, staff_id, password), dialog)

    def toggle_active(self) -> None:
        """Deactivate the selected account, or reactivate it if it is inactive."""
        staff = self.selected()
        if staff is None:
            return
        ctx, actor = self.session.ctx, self.session.actor
        self._run(lambda: auth.set_active(ctx, actor, staff.id, not staff.active))
