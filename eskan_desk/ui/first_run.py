"""First start on an empty store: the branch, then the first administrator, in two short steps."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.app import AppContext
from eskan_desk.domain.errors import EskanError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.domain.text import clean_text
from eskan_desk.i18n import _
from eskan_desk.services.staff import (
    Actor,
    initialize_store,
    validate_branch_code,
    validate_password,
    validate_username,
)
from eskan_desk.ui.forms import ERROR_STYLE, FieldSet
from eskan_desk.ui.look import ui_font

BRANCH_FIELDS = ("branch_code", "branch_name")
ADMIN_FIELDS = ("username", "full_name", "password", "password_again")


def _line(*, secret: bool = False, latin: bool = False) -> QLineEdit:
    edit = QLineEdit()
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    if latin:  # codes and usernames are Latin: typed left to right in the Arabic window
        edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
    return edit


class FirstRunWizard(QDialog):
    """Step 1: branch code and name. Step 2: the first administrator. Finish sets up the store.

    On success :attr:`actor` is the new administrator and the dialog is accepted.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor: Actor | None = None
        self.setWindowTitle(_("Set up Eskan Desk"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setFont(ui_font(14, bold=True))
        layout.addWidget(self.heading)
        self.stack = QStackedWidget(self)
        self.branch = FieldSet(self)
        self.branch.add("branch_code", N_("Branch code"), _line(latin=True))
        self.branch.add("branch_name", N_("Branch name"), _line())
        self.admin = FieldSet(self)
        self.admin.add("username", N_("Username"), _line(latin=True))
        self.admin.add("full_name", N_("Full name"), _line())
        self.admin.add("password", N_("Password"), _line(secret=True))
        self.admin.add("password_again", N_("Password again"), _line(secret=True))
        self.stack.addWidget(self.branch)
        self.stack.addWidget(self.admin)
        layout.addWidget(self.stack)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.back_button = QPushButton(_("Back"), self)
        self.next_button = QPushButton(self)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.next_button.setDefault(True)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.cancel_button.clicked.connect(self.reject)
        row.addStretch(1)
        for button in (self.back_button, self.next_button, self.cancel_button):
            row.addWidget(button)
        layout.addLayout(row)
        self._show_step(0)

    def editor(self, code: str) -> QLineEdit:
        fields = self.branch if code in BRANCH_FIELDS else self.admin
        return fields.editors[code]  # type: ignore[return-value]

    def error_text(self, code: str) -> str:
        fields = self.branch if code in BRANCH_FIELDS else self.admin
        return fields.error_text(code)

    def _show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.back_button.setEnabled(step > 0)
        if step == 0:
            self.heading.setText(_("Step 1 of 2: this branch"))
            self.next_button.setText(_("Next"))
            self.editor("branch_code").setFocus()
        else:
            self.heading.setText(_("Step 2 of 2: the first administrator"))
            self.next_button.setText(_("Finish"))
            self.editor("username").setFocus()

    def back(self) -> None:
        self._show_step(0)

    def next(self) -> None:
        """Check the step on screen; go on to the next step, or finish on the last one."""
        if self.stack.currentIndex() == 0:
            errors = self._branch_errors()
            self.branch.show_errors(errors)
            if not errors:
                self._show_step(1)
        else:
            self.finish()

    def _branch_errors(self) -> list[ValidationError]:
        v = self.branch.value
        return _collect(
            lambda: validate_branch_code(v("branch_code")),
            lambda: clean_text(v("branch_name"), "branch_name", max_len=120, required=True),
        )

    def _admin_errors(self) -> list[ValidationError]:
        v = self.admin.value
        errors = _collect(
            lambda: validate_username(v("username")),
            lambda: clean_text(v("full_name"), "full_name", max_len=160, required=True),
            lambda: validate_password(v("password")),
        )
        if v("password") != v("password_again"):
            errors.append(ValidationError("password_again", N_("the two passwords differ")))
        return errors

    def finish(self) -> None:
        """Create the branch and its first administrator (every field checked first)."""
        self.error.clear()
        branch_errors = self._branch_errors()
        if branch_errors:
            self._show_step(0)
            self.branch.show_errors(branch_errors)
            return
        errors = self._admin_errors()
        self.admin.show_errors(errors)
        if errors:
            return
        b, a = self.branch.value, self.admin.value
        try:
            self.actor = initialize_store(
                self.ctx,
                branch_code=b("branch_code"),
                branch_name=b("branch_name"),
                admin_username=a("username"),
                admin_password=a("password"),
                admin_full_name=a("full_name"),
            )
        except ValidationError as err:
            fields = self.branch if err.field in BRANCH_FIELDS else self.admin
            if err.field in fields.editors:
                fields.show_errors([err])
            else:
                self.error.setText(i18n.render_error(err))
            return
        except EskanError as err:
            self.error.setText(i18n.render_error(err))
            return
        self.accept()


def _collect(*checks: Callable[[], object]) -> list[ValidationError]:
    errors: list[ValidationError] = []
    for check in checks:
        try:
            check()
        except ValidationError as err:
            errors.append(err)
    return errors
