"""Referring a beneficiary to the social research officer (POLICY.md, step 3)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.errors import EskanError, ValidationError
from eskan_desk.domain.referrals import ReferralReason
from eskan_desk.i18n import N_, _
from eskan_desk.services.referrals import ReferralView, list_researchers, refer_to_researcher
from eskan_desk.ui.forms import ERROR_STYLE, ChoiceBox, FieldSet
from eskan_desk.ui.look import name_buttons, ui_font
from eskan_desk.ui.session import UiSession


class ReferralDialog(QDialog):
    """Reason, researcher and a note. Enter saves (the default button), Esc cancels.

    ``saved`` holds the new referral once the service accepted it.
    """

    def __init__(
        self,
        session: UiSession,
        beneficiary_id: str,
        beneficiary_name: str,
        parent: QWidget | None = None,
        *,
        request_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.beneficiary_id = beneficiary_id
        self.request_id = request_id
        self.saved: ReferralView | None = None
        self.setWindowTitle(_("Refer to the social research officer"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        who = QLabel(beneficiary_name, self)
        who.setFont(ui_font(13, bold=True))
        layout.addWidget(who)
        self.fields = FieldSet(self)
        f = self.fields
        reasons = ChoiceBox(ReferralReason, optional=False)
        self.reason = f.add("referral_reason", N_("Reason for the referral"), reasons)
        self.researcher = f.add("researcher", N_("Social research officer"), QComboBox())
        self.note = f.add("note", N_("Note"), QPlainTextEdit())
        self.note.setTabChangesFocus(True)  # Tab leaves the note; Enter there is a new line
        self.note.setMaximumHeight(90)
        layout.addWidget(f)
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
        self.reason.setFocus()
        self._load_researchers()

    def _load_researchers(self) -> None:
        ctx = self.session.ctx
        self.session.runner.submit(
            lambda: list_researchers(ctx), on_done=self._show_researchers, on_error=self._failed
        )

    def _show_researchers(self, rows: list[tuple[str, str]]) -> None:
        self.researcher.clear()
        for staff_id, name in rows:
            self.researcher.addItem(name, staff_id)
        if not rows:
            self.fields.show_error(
                "researcher", _("No active social research officer: an administrator adds one.")
            )

    def save(self) -> None:
        self.fields.show_errors([])
        self.error.clear()
        ctx, actor = self.session.ctx, self.session.actor
        values = {
            "beneficiary_id": self.beneficiary_id,
            "reason": self.reason.value(),
            "researcher_id": self.researcher.currentData() or "",
            "note": self.note.toPlainText(),
            "request_id": self.request_id,
        }
        self.session.runner.submit(
            lambda: refer_to_researcher(ctx, actor, **values),
            on_done=self._saved,
            on_error=self._failed,
        )

    def _saved(self, view: ReferralView) -> None:
        self.saved = view
        self.session.events.changed.emit("referrals", view.id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.field in self.fields.editors:
            self.fields.show_errors([exc])
        elif isinstance(exc, EskanError):
            self.error.setText(i18n.render_error(exc))
        else:
            self.error.setText(str(exc))
