"""Adding demo data from the app (administrators), on the worker thread, with progress."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.errors import EskanError
from eskan_desk.domain.permissions import Action, can
from eskan_desk.i18n import _
from eskan_desk.services.demo import generate_demo
from eskan_desk.ui.session import UiSession

STAGES = {"beneficiaries": 0, "contacts": 1, "casework": 2}


class DemoDataBox(QGroupBox):
    """The window stays responsive while thousands of families are written."""

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(_("Demo data"), parent)
        self.session = session
        form = QFormLayout(self)
        self.families = QSpinBox(self)
        self.families.setRange(0, 100_000)
        self.families.setValue(200)
        self.contacts = QSpinBox(self)
        self.contacts.setRange(0, 1_000_000)
        self.contacts.setValue(2000)
        self.button = QPushButton(_("Add demo data"), self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        form.addRow(_("Number of beneficiaries"), self.families)
        form.addRow(_("Number of contacts"), self.contacts)
        form.addRow(self.button)
        form.addRow(self.progress)
        form.addRow(self.status)
        self.button.clicked.connect(self.start)
        self.setVisible(can(session.actor.role, Action.GENERATE_DEMO))

    def start(self) -> None:
        ctx, actor = self.session.ctx, self.session.actor
        families, contacts = self.families.value(), self.contacts.value()
        self.button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(_("Adding demo data…"))
        self.session.runner.submit_with_progress(
            lambda progress: generate_demo(
                ctx, actor, beneficiaries=families, contacts=contacts, progress=progress
            ),
            on_progress=self._progress,
            on_done=self._done,
            on_error=self._failed,
        )

    def _progress(self, done: int, total: int, label: str) -> None:
        # Families, contacts and casework fill a third of the bar each.
        stage = STAGES.get(label, 0)
        self.progress.setValue(int(1000 * (stage + done / max(total, 1)) / len(STAGES)))

    def _done(self, result: dict) -> None:
        self.button.setEnabled(True)
        self.progress.setValue(1000)
        self.status.setText(
            _("Demo data added: {b} beneficiaries, {c} contacts ({s:.1f} s).").format(
                b=result["beneficiaries"], c=result["contacts"], s=result["seconds"]
            )
        )
        self.session.events.changed.emit("beneficiaries", "")
        self.session.events.changed.emit("contacts", "")

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.progress.hide()
        self.status.setText(i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc))
