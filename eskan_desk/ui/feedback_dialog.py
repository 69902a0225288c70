"""Recording a suggestion, complaint or thanks, and setting the survey kiosk's PIN."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.dates import riyadh_today
from eskan_desk.domain.enums import Channel
from eskan_desk.domain.errors import EskanError, NotFoundError, ValidationError
from eskan_desk.domain.feedback import FeedbackKind, default_due_on
from eskan_desk.i18n import N_, _
from eskan_desk.services.feedback import FeedbackView, list_assignees, record_feedback
from eskan_desk.services.surveys import set_kiosk_pin
from eskan_desk.ui.forms import ERROR_STYLE, ChoiceBox, DateEdit, FieldSet
from eskan_desk.ui.look import name_buttons
from eskan_desk.ui.session import UiSession


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class _ServiceDialog(QDialog):
    """Errors of a refused save show beside their field (or under the form); the dialog stays."""

    fields: FieldSet
    error: QLabel

    def _add_error_and_buttons(self, layout: QVBoxLayout) -> None:
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = name_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.field in self.fields.editors:
            self.fields.show_errors([exc])
        elif isinstance(exc, EskanError):
            self.error.setText(i18n.render_error(exc))
        else:
            self.error.setText(str(exc))


class FeedbackDialog(_ServiceDialog):
    """Kind, channel, what was said, the family file (optional), who answers and by when.

    ``saved`` holds the new item once the service accepted it.
    """

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.saved: FeedbackView | None = None
        self.setWindowTitle(_("New suggestion or complaint"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.fields = FieldSet(self)
        f = self.fields
        self.kind = f.add("feedback_kind", N_("Type"), ChoiceBox(FeedbackKind, optional=False))
        self.channel = f.add("channel", N_("Channel"), ChoiceBox(Channel, optional=False))
        self.text = f.add("feedback_text", N_("Text"), QPlainTextEdit())
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(110)
        self.beneficiary = f.add("beneficiary", N_("Beneficiary"), QLineEdit())
        self.beneficiary.setPlaceholderText(_("File number or national ID (optional)"))
        self.assignee = f.add("assigned_to", N_("Assigned to"), QComboBox())
        due = QWidget(self)
        row = QHBoxLayout(due)
        row.setContentsMargins(0, 0, 0, 0)
        self.due_check = QCheckBox(_("Answer by"), due)
        self.due_check.setToolTip(_("Unticked: 3 days for a complaint, 7 for a suggestion."))
        self.due_date = DateEdit(due)
        self.due_check.toggled.connect(self.due_date.setEnabled)
        row.addWidget(self.due_check)
        row.addWidget(self.due_date, 1)
        f.add("due_on", N_("Due date"), due)
        layout.addWidget(f)
        self._add_error_and_buttons(layout)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.kind.set_value(FeedbackKind.COMPLAINT.value)
        self._kind_changed()
        self.text.setFocus()
        ctx = session.ctx
        session.runner.submit(
            lambda: list_assignees(ctx), on_done=self._show_assignees, on_error=self._failed
        )

    def _kind_changed(self) -> None:
        """The kind's usual due date (complaint 3 days, suggestion 7, thanks none)."""
        today = riyadh_today(self.session.ctx.now())
        due = default_due_on(self.kind.value(), today)
        self.due_check.setChecked(due is not None)
        self.due_date.setEnabled(due is not None)
        self.due_date.setMinimumDate(_qdate(today))
        self.due_date.setDate(_qdate(due or today))

    def _show_assignees(self, rows: list[tuple[str, str]]) -> None:
        self.assignee.clear()
        self.assignee.addItem(_("— not assigned —"), "")
        for staff_id, name in rows:
            self.assignee.addItem(name, staff_id)

    def save(self) -> None:
        self.fields.show_errors([])
        self.error.clear()
        ctx, actor = self.session.ctx, self.session.actor
        due = self.due_date.date().toString("yyyy-MM-dd") if self.due_check.isChecked() else ""
        values = {
            "kind": self.kind.value(),
            "channel": self.channel.value(),
            "text": self.text.toPlainText(),
            "beneficiary_id": self.beneficiary.text(),
            "assigned_to": self.assignee.currentData() or "",
            "due_on": due,
        }
        self.session.runner.submit(
            lambda: record_feedback(ctx, actor, **values),
            on_done=self._saved,
            on_error=self._failed,
        )

    def _saved(self, view: FeedbackView) -> None:
        self.saved = view
        self.session.events.changed.emit("feedback", view.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, NotFoundError):  # the only record it looks up is the family file
            self.fields.show_error("beneficiary", i18n.render_error(exc))
        else:
            super()._failed(exc)


class KioskPinDialog(_ServiceDialog):
    """An administrator sets the PIN that leaves the survey kiosk (typed twice)."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Set the kiosk PIN"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        hint = QLabel(
            _("4 to 8 digits. Staff type it to leave the survey kiosk; keep it to yourselves."),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.fields = FieldSet(self)
        self.pin = self.fields.add("kiosk_pin", N_("Kiosk PIN"), QLineEdit())
        self.repeat = self.fields.add("kiosk_pin_repeat", N_("Repeat the PIN"), QLineEdit())
        for edit in (self.pin, self.repeat):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(8)
        layout.addWidget(self.fields)
        self._add_error_and_buttons(layout)
        self.pin.setFocus()

    def save(self) -> None:
        self.fields.show_errors([])
        self.error.clear()
        pin = self.pin.text()
        if pin != self.repeat.text():
            self.fields.show_error("kiosk_pin_repeat", _("The two PINs differ."))
            return
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(
            lambda: set_kiosk_pin(ctx, actor, pin), on_done=self._saved, on_error=self._failed
        )

    def _saved(self, _result: object) -> None:
        self.session.events.changed.emit("kiosk_pin", "")
        self.accept()
