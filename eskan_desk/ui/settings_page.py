"""Settings of this installation: language, idle lock minutes, digits. Only an admin saves them."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from eskan_desk.domain.markers import N_
from eskan_desk.domain.permissions import Action, can
from eskan_desk.i18n import _
from eskan_desk.services.settings import Settings, load_settings
from eskan_desk.services.settings_admin import update_settings
from eskan_desk.ui.checklist_box import ChecklistBox
from eskan_desk.ui.demo_data_box import DemoDataBox
from eskan_desk.ui.forms import scrolling_body
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.session import Page, UiSession
from eskan_desk.ui.staff_page import show_error

# Each language is named in itself, so anyone can find their own in the list.
LANGUAGE_CHOICES = (("ar", "العربية"), ("en", "English"))
DIGIT_CHOICES = (("latin", N_("Latin digits (123)")), ("arab", N_("Arabic-Indic digits (١٢٣)")))
MIN_IDLE, MAX_IDLE = 1, 120


class SettingsPage(Page):
    page_id = "settings"
    title = N_("Settings")
    roles = None  # everyone may look; only an administrator may save (the service checks too)

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.may_save = can(session.actor.role, Action.CHANGE_SETTINGS)
        # The page scrolls: settings, the documents checklists and demo data do not fit 800 px.
        layout = scrolling_body(self)
        heading = QLabel(_("Settings"), self)
        heading.setFont(ui_font(14, bold=True))
        layout.addWidget(heading)
        form = QFormLayout()
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        for code, name in LANGUAGE_CHOICES:
            self.language.addItem(name, code)
        self.idle_minutes = QSpinBox(self)
        self.idle_minutes.setObjectName("idle_lock_minutes")
        self.idle_minutes.setRange(MIN_IDLE, MAX_IDLE)
        self.digits = QComboBox(self)
        self.digits.setObjectName("digits")
        for code, label in DIGIT_CHOICES:
            self.digits.addItem(_(label), code)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Lock after idle minutes"), self.idle_minutes)
        form.addRow(_("Digits"), self.digits)
        self.committee_local = QCheckBox(
            _("Keep the committee at this branch after enrolling with HQ"), self
        )
        self.committee_local.setObjectName("committee_local")
        form.addRow(_("Committee"), self.committee_local)
        layout.addLayout(form)
        self.note = QLabel(self)
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        row = QHBoxLayout()
        self.save_button = QPushButton(_("Save"), self)
        self.save_button.setEnabled(self.may_save)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(ChecklistBox(session, self))
        layout.addWidget(DemoDataBox(session, self))
        layout.addStretch(1)
        if not self.may_save:
            self.note.setText(_("Only an administrator can change the settings."))
        self.load()

    def on_shown(self) -> None:
        self.load()

    def load(self) -> None:
        ctx = self.session.ctx
        self.session.runner.submit(
            lambda: load_settings(ctx),
            on_done=self._show,
            on_error=lambda exc: show_error(self, exc),
        )

    def _show(self, settings: Settings) -> None:
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        self.digits.setCurrentIndex(max(0, self.digits.findData(settings.digits)))
        self.committee_local.setChecked(settings.committee_local)

    def current(self) -> Settings:
        return Settings(
            language=self.language.currentData(),
            idle_lock_minutes=self.idle_minutes.value(),
            digits=self.digits.currentData(),
            committee_local=self.committee_local.isChecked(),
        )

    def save(self) -> None:
        """Save through the service, which refuses anyone but an administrator."""
        ctx, actor, settings = self.session.ctx, self.session.actor, self.current()
        self.session.runner.submit(
            lambda: update_settings(ctx, actor, settings),
            on_done=self._saved,
            on_error=lambda exc: show_error(self, exc),
        )

    def _saved(self, _settings: Settings) -> None:
        self.note.setText(_("Settings saved."))
        self.session.events.changed.emit("settings", "")
