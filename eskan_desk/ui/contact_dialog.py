"""Logging a contact on any of the eight channels, each with its own fields."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.channels import CHANNEL_FIELDS
from eskan_desk.domain.dates import riyadh_today
from eskan_desk.domain.enums import Channel, ContactTopic, Direction, SocialPlatform
from eskan_desk.domain.errors import EskanError, ValidationError
from eskan_desk.domain.permissions import Action, can
from eskan_desk.i18n import N_, _
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.surveys import kiosk_ready, offer_survey
from eskan_desk.ui.forms import ChoiceBox, DateEdit, FieldSet
from eskan_desk.ui.look import name_buttons, ui_font
from eskan_desk.ui.session import UiSession

# Channel-specific fields: (field code, label)
DETAIL_FIELDS = (
    ("call_duration", N_("Call duration (minutes:seconds)")),
    ("visit_location", N_("Visit location")),
    ("letter_ref", N_("Letter reference number")),
    ("letter_date", N_("Letter date")),
    ("social_platform", N_("Social platform")),
)


class ContactDialog(QDialog):
    """Enter saves (the dialog's default button), Esc cancels."""

    def __init__(
        self,
        session: UiSession,
        *,
        beneficiary_id: str = "",
        beneficiary_name: str = "",
        channel: str = "phone",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.beneficiary_id = beneficiary_id
        self.saved = None
        self.setWindowTitle(_("Log a contact"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        who = QLabel(beneficiary_name or _("Anonymous inquiry (no beneficiary file)"), self)
        who.setFont(ui_font(13, bold=True))
        layout.addWidget(who)
        self.fields = FieldSet(self)
        f = self.fields
        self.channel = f.add("channel", N_("Channel"), ChoiceBox(Channel, optional=False))
        f.add("direction", N_("Direction"), ChoiceBox(Direction, optional=False))
        f.add("topic", N_("Topic"), ChoiceBox(ContactTopic, optional=False))
        for code, label in DETAIL_FIELDS:
            editor = ChoiceBox(SocialPlatform) if code == "social_platform" else QLineEdit()
            f.add(code, label, editor)
        if not beneficiary_id:
            f.add("caller_name", N_("Caller's name"), QLineEdit())
            f.add("caller_mobile", N_("Mobile number"), QLineEdit())
        self.summary = f.add("summary", N_("Summary"), QPlainTextEdit())
        self.summary.setMaximumHeight(90)
        f.add("outcome", N_("Outcome"), QLineEdit())
        follow = QWidget(self)
        row = QHBoxLayout(follow)
        row.setContentsMargins(0, 0, 0, 0)
        self.follow_check = QCheckBox(_("Follow up on"), follow)
        self.follow_date = DateEdit(follow)
        today = riyadh_today(session.ctx.now())
        self.follow_date.setDate(QDate(today.year, today.month, today.day).addDays(3))
        self.follow_date.setEnabled(False)
        self.follow_check.toggled.connect(self.follow_date.setEnabled)
        row.addWidget(self.follow_check)
        row.addWidget(self.follow_date, 1)
        f.add("follow_up_on", N_("Follow-up date"), follow)
        layout.addWidget(f)
        # The satisfaction survey after the contact (POLICY.md: measure satisfaction); the main
        # window opens the kiosk on "survey_offered". Needs the kiosk PIN, or nobody could leave.
        self.survey_check = QCheckBox(_("Offer the satisfaction survey"), self)
        self.survey_check.setObjectName("offer_survey")
        self.survey_check.setVisible(can(session.actor.role, Action.OFFER_SURVEY))
        self.survey_check.setEnabled(False)
        layout.addWidget(self.survey_check)
        ctx = session.ctx
        session.runner.submit(lambda: kiosk_ready(ctx), on_done=self._kiosk_ready)
        self.offer = None
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        layout.addWidget(self.error)
        buttons = name_buttons(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
            )
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.channel.set_value(channel)
        self._channel_changed()
        self.summary.setFocus()

    def _channel_changed(self) -> None:
        applies = set(CHANNEL_FIELDS[Channel(self.channel.value())])
        for code, _label in DETAIL_FIELDS:
            visible = code in applies
            editor = self.fields.editors[code]
            self.fields.form.setRowVisible(editor.parentWidget(), visible)
        direction = "out" if self.channel.value() in ("letter",) else "in"
        self.fields.set_value("direction", self.fields.value("direction") or direction)

    def current_input(self) -> ContactInput:
        f = self.fields
        applies = set(CHANNEL_FIELDS[Channel(self.channel.value())])

        def detail(code: str) -> str:
            return f.value(code) if code in applies else ""

        return ContactInput(
            channel=f.value("channel"),
            summary=f.value("summary"),
            beneficiary_id=self.beneficiary_id,
            direction=f.value("direction"),
            topic=f.value("topic"),
            outcome=f.value("outcome"),
            follow_up_on=self.follow_date.date().toString("yyyy-MM-dd")
            if self.follow_check.isChecked()
            else "",
            caller_name=f.value("caller_name") if "caller_name" in f.editors else "",
            caller_mobile=f.value("caller_mobile") if "caller_mobile" in f.editors else "",
            call_duration=detail("call_duration"),
            visit_location=detail("visit_location"),
            letter_ref=detail("letter_ref"),
            letter_date=detail("letter_date"),
            social_platform=detail("social_platform"),
        )

    def save(self) -> None:
        data = self.current_input()
        self.fields.show_errors([])
        self.error.clear()
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(
            lambda: log_contact(ctx, actor, data), on_done=self._saved, on_error=self._failed
        )

    def wants_survey(self) -> bool:
        """The box is offered to this role, usable (a kiosk PIN is set) and ticked."""
        check = self.survey_check
        return not check.isHidden() and check.isEnabled() and check.isChecked()

    def _kiosk_ready(self, ready: bool) -> None:
        self.survey_check.setEnabled(ready)
        if not ready:
            self.survey_check.setToolTip(_("An administrator must set the kiosk PIN first."))

    def _saved(self, contact) -> None:
        self.saved = contact
        self.session.events.changed.emit("contacts", contact.id)
        if self.wants_survey():
            ctx, actor = self.session.ctx, self.session.actor
            # The contact is stored either way; a refused offer is only reported.
            self.session.runner.submit(
                lambda: offer_survey(ctx, actor, contact_id=contact.id),
                on_done=self._offered,
                on_error=self._offer_failed,
            )
            return
        self.accept()

    def _offered(self, offer) -> None:
        self.offer = offer
        self.accept()
        self.session.events.changed.emit("survey_offered", offer.id)

    def _offer_failed(self, exc: BaseException) -> None:
        self.accept()
        text = i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc)
        QMessageBox.warning(self.parentWidget(), _("Satisfaction survey"), text)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.field in self.fields.editors:
            self.fields.show_errors([exc])
        elif isinstance(exc, EskanError):
            self.error.setText(i18n.render_error(exc))
        else:
            self.error.setText(str(exc))
