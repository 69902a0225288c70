"""The main window: navigation, the pages, and a status bar that says where you are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from eskan_desk.app import AppContext
from eskan_desk.domain.dates import format_dual, riyadh_today
from eskan_desk.domain.enums import Role
from eskan_desk.domain.errors import EskanError
from eskan_desk.domain.permissions import Action, can
from eskan_desk.i18n import _, current_language, render_error
from eskan_desk.services import drafts
from eskan_desk.services.beneficiaries import get_beneficiary
from eskan_desk.services.staff import Actor, BranchView, current_branch
from eskan_desk.services.sync_review import open_conflict_count
from eskan_desk.services.sync_status import pending_changes
from eskan_desk.ui.beneficiary_page import BeneficiaryPage
from eskan_desk.ui.contact_dialog import ContactDialog
from eskan_desk.ui.registration_form import FORM as REGISTRATION_FORM
from eskan_desk.ui.registration_form import RegistrationPage
from eskan_desk.ui.registry_page import RegistryPage
from eskan_desk.ui.session import NOBODY_YET, Page, UiSession
from eskan_desk.ui.sync_page import AutoSync

STATUS_REFRESH_MS = 30_000


class StatusFacts(NamedTuple):
    """What the status bar and the navigation's conflict count show."""

    branch: BranchView
    today: dt.date
    pending: int  # changes waiting to sync
    conflicts: int  # open sync conflicts; 0 for roles that do not resolve them


def read_status(ctx: AppContext, actor: Actor) -> StatusFacts:
    """The status bar's figures, read on the database worker like every other read."""
    resolves = can(actor.role, Action.RESOLVE_CONFLICTS)
    return StatusFacts(
        branch=current_branch(ctx),
        today=riyadh_today(ctx.now()),
        pending=pending_changes(ctx),
        conflicts=open_conflict_count(ctx) if resolves else 0,
    )


def navigation_pages() -> list[type[Page]]:
    """Pages in the navigation, in order. Each page declares the roles that see it."""
    from eskan_desk.ui.conflicts_page import ConflictsPage
    from eskan_desk.ui.dashboard_page import DashboardPage
    from eskan_desk.ui.feedback_page import FeedbackPage
    from eskan_desk.ui.referrals_page import ReferralsPage
    from eskan_desk.ui.reports_page import ReportsPage
    from eskan_desk.ui.requests_page import RequestsPage
    from eskan_desk.ui.settings_page import SettingsPage
    from eskan_desk.ui.staff_page import StaffPage
    from eskan_desk.ui.sync_page import SyncPage

    return [
        DashboardPage,
        RegistryPage,
        RegistrationPage,
        RequestsPage,
        ReferralsPage,
        FeedbackPage,
        ReportsPage,
        StaffPage,
        SyncPage,
        ConflictsPage,
        SettingsPage,
    ]


FIRST_PAINT_WAIT_MS = 200


class _AfterFirstPaint(QObject):
    """Calls ``then`` once, a turn of the event loop after ``window`` is first painted, or
    :data:`FIRST_PAINT_WAIT_MS` after it was asked if it is on screen but not painted by then
    (minimised). Never for a window that is not on screen: it waits for its paint."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self._then: Callable[[], None] | None = then
        window.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self, self._run)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:  # painted as this event is handled
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        window = self.parent()
        if self._then is None or not window.isVisible():  # hidden or closed: not yet
            return
        then, self._then = self._then, None
        window.removeEventFilter(self)
        self.deleteLater()
        then()


class MainWindow(QMainWindow):
    language_changed = Signal(str)

    def __init__(self, session: UiSession, *, begin: bool = True) -> None:
        """``begin=False`` builds the frame only (see :meth:`ahead`): :meth:`begin` then gives
        it to the signed-in staff member."""
        super().__init__()
        self.session = session
        self.setWindowTitle(_("Eskan Desk"))
        self.resize(1280, 800)
        self.pages: dict[str, Page] = {}
        self._status_read: Future | None = None
        self._status_stale = False
        self._begun = False
        self._dressed_for: Actor | None = None  # whose navigation and name are laid out
        self.reads_started = False  # the status bar's and the dashboard's, once painted
        self._build()
        self._wire()
        self._status_timer = QTimer(self, interval=STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self.auto_sync = AutoSync(self, session)  # syncs with HQ in the background
        # The dashboard is the first page: built now, its data read by begin().
        self.stack.setCurrentWidget(self.page("dashboard"))
        if begin:
            self.begin()

    @classmethod
    def ahead(cls, ctx: AppContext) -> MainWindow:
        """A window for whoever signs in next, built while the password is typed, so that Enter
        only has to show it (eskan_desk.ui.main). It is a frame: it has read nothing, knows
        nobody, and runs nothing until :meth:`begin`."""
        from eskan_desk.ui.session import UiEvents
        from eskan_desk.ui.tasks import TaskRunner

        session = UiSession(ctx=ctx, actor=NOBODY_YET, runner=TaskRunner(), events=UiEvents())
        return cls(session, begin=False)

    def begin(self) -> None:
        """The signed-in staff member's window: the navigation their role sees, the status
        bar's figures, the background sync and the dashboard's data."""
        if self._begun:
            return
        self._begun = True
        self._dress(self.session.actor)
        self._status_timer.start()
        self.auto_sync.start()
        self.when_painted(self._first_reads)

    def dress(self, actor: Actor) -> None:
        """Before :meth:`begin`, on a window built ahead: what ``actor`` sees first (the
        navigation their role sees, their name, the greeting), laid out for the paint ahead
        without reading or starting anything. The sign-in screen asks for it once the password
        typed matches (the answer checked ahead): Enter by the same staff member then only
        shows the window; anyone else gets theirs from :meth:`begin`."""
        if not self._begun:
            self._dress(actor)

    def _dress(self, actor: Actor) -> None:
        if self._dressed_for == actor:
            return
        self.nav.clear()
        self._add_navigation(actor.role)
        self._show_user(actor)
        today = riyadh_today(self.session.ctx.now())  # the status read brings it again
        self.date_label.setText(format_dual(today, current_language()))
        dashboard = self.show_page("dashboard", read=False)
        dashboard.greet(actor.full_name)  # type: ignore[attr-defined]
        self._dressed_for = actor

    def when_painted(self, then: Callable[[], None]) -> None:
        """Call ``then`` once the window is first painted. Reads go to the worker then: their
        Python would hold the interpreter while the window paints (15-20 ms at Enter)."""
        _AfterFirstPaint(self, then)

    def _first_reads(self) -> None:
        self.reads_started = True
        self.refresh_status()
        if self.stack.currentWidget() is self.pages["dashboard"]:
            self.pages["dashboard"].reload()  # type: ignore[attr-defined]

    # Layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget(central)
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(190)
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.setStyleSheet("QListWidget::item { padding: 10px; }")
        self.stack = QStackedWidget(central)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        # Pages are built the first time they are shown: start-up builds only the dashboard.
        self._classes: dict[str, type[Page]] = {cls.page_id: cls for cls in navigation_pages()}
        self._classes[BeneficiaryPage.page_id] = BeneficiaryPage
        from eskan_desk.ui.request_wizard import RequestWizardPage

        self._classes[RequestWizardPage.page_id] = RequestWizardPage
        self.nav.currentItemChanged.connect(self._nav_changed)
        self.setCentralWidget(central)
        self.user_label, self.branch_label = QLabel(self), QLabel(self)
        self.date_label, self.sync_label = QLabel(self), QLabel(self)
        for label in (self.user_label, self.branch_label, self.date_label, self.sync_label):
            label.setContentsMargins(10, 0, 10, 0)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            self.statusBar().addPermanentWidget(label)
        # Shown with their figures (the status read after the first paint), not as empty boxes.
        self.branch_label.hide()
        self.sync_label.hide()

    def _add_navigation(self, role: Role) -> None:
        """The pages ``role`` sees."""
        for cls in navigation_pages():
            if cls.roles is None or role in cls.roles:
                item = QListWidgetItem(_(cls.title))
                item.setData(Qt.ItemDataRole.UserRole, cls.page_id)
                self.nav.addItem(item)

    def _wire(self) -> None:
        events = self.session.events
        events.open_beneficiary.connect(self.open_beneficiary)
        events.log_contact.connect(self.log_contact)
        events.changed.connect(self._on_changed)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_registration)

    # Navigation ------------------------------------------------------------------------
    def page(self, page_id: str) -> Page:
        """The page, built on first use."""
        if page_id not in self.pages:
            page = self._classes[page_id](self.session, self.stack)
            self.pages[page_id] = page
            self.stack.addWidget(page)
        return self.pages[page_id]

    @property
    def file_page(self) -> BeneficiaryPage:
        return self.page(BeneficiaryPage.page_id)  # type: ignore[return-value]

    @property
    def page_ids(self) -> list[str]:
        return list(self._classes)

    def show_page(self, page_id: str, *, read: bool = True) -> Page:
        """``read=False``: the page is shown without reading its data (the caller reads it)."""
        page = self.page(page_id)
        self.stack.setCurrentWidget(page)
        for i in range(self.nav.count()):
            item = self.nav.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == page_id:
                self.nav.blockSignals(True)
                self.nav.setCurrentItem(item)
                self.nav.blockSignals(False)
        if read:
            page.on_shown()
        return page

    def _nav_changed(self, item: QListWidgetItem | None, _prev: Any) -> None:
        if item is None:
            return
        page_id = item.data(Qt.ItemDataRole.UserRole)
        if page_id == RegistrationPage.page_id:
            self.new_registration()
        else:
            self.show_page(page_id)

    def focus_search(self) -> None:
        page = self.show_page(RegistryPage.page_id)
        page.focus_search()  # type: ignore[attr-defined]

    def new_registration(self, *, restore: bool | None = None) -> None:
        page = self.show_page(RegistrationPage.page_id)
        page.start_new(restore=restore)  # type: ignore[attr-defined]

    def open_survey_kiosk(self, offer_id: str = "") -> None:
        """Hand the screen to the beneficiary; this window hides until the kiosk PIN."""
        from eskan_desk.ui.kiosk import open_kiosk

        self._kiosk = open_kiosk(self.session, offer_id=offer_id or None, cover=self)

    def new_request(self, beneficiary_id: str) -> None:
        """The support request wizard for this family file."""
        page = self.show_page("request_wizard")
        page.start(beneficiary_id)  # type: ignore[attr-defined]
        self.nav.clearSelection()

    def open_beneficiary(self, beneficiary_id: str) -> None:
        self.file_page.show_file(beneficiary_id)
        self.show_page(BeneficiaryPage.page_id)
        self.nav.clearSelection()

    def log_contact(self, beneficiary_id: str, channel: str) -> ContactDialog:
        name = get_beneficiary(self.session.ctx, beneficiary_id).full_name if beneficiary_id else ""
        dialog = ContactDialog(
            self.session,
            beneficiary_id=beneficiary_id,
            beneficiary_name=name,
            channel=channel,
            parent=self,
        )
        dialog.open()
        return dialog

    def _on_changed(self, kind: str, record_id: str) -> None:
        if kind == "new_registration":
            self.new_registration()
        elif kind == "edit_request":
            self.show_page(RegistrationPage.page_id).start_edit(record_id)  # type: ignore[attr-defined]
        elif kind == "survey_offered":
            self.open_survey_kiosk(record_id)
        elif kind == "new_request":
            self.new_request(record_id)
        elif kind == "settings":
            self.language_changed.emit(current_language())
        self.refresh_status()

    # Start-up: drafts left behind ---------------------------------------------------------
    def offer_left_drafts(self) -> None:
        """After sign-in: a form the app was killed in the middle of is offered back. The
        drafts are read on the database worker: the window is usable meanwhile."""
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(lambda: drafts.list_drafts(ctx, actor), self._offer_draft)

    def _offer_draft(self, left: list[drafts.DraftView]) -> None:
        draft = next((d for d in left if d.form == REGISTRATION_FORM), None)
        if draft is None:
            return
        answer = QMessageBox.question(
            self,
            _("Unsaved draft"),
            _("A registration form was left unsaved. Open it again?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if draft.key == "new":
            self.new_registration(restore=True)
        else:
            page = self.show_page(RegistrationPage.page_id)
            page.start_edit(draft.key, restore=True)  # type: ignore[attr-defined]

    # Status bar ------------------------------------------------------------------------
    def refresh_status(self) -> None:
        """Read the status bar's figures on the database worker; one read at a time (a long
        job on the worker, a sync or demo data, holds them back, and they do not pile up)."""
        self._show_user()
        if self._status_read is not None and not self._status_read.done():
            self._status_stale = True  # read again once this one is in
            return
        ctx, actor = self.session.ctx, self.session.actor
        self._status_read = self.session.runner.submit(
            lambda: read_status(ctx, actor), on_done=self._show_status, on_error=self._status_failed
        )

    def _show_user(self, actor: Actor | None = None) -> None:
        actor = actor or self.session.actor
        self.user_label.setText(
            _("{name} ({role})").format(name=actor.full_name, role=_(actor.role.label))
        )

    def _show_status(self, facts: StatusFacts) -> None:
        self.branch_label.setText(
            _("Branch: {name} ({code})").format(name=facts.branch.name, code=facts.branch.code)
        )
        self.date_label.setText(format_dual(facts.today, current_language()))
        self.sync_label.setText(_("Changes waiting to sync: {n}").format(n=f"{facts.pending:,}"))
        self.branch_label.show()
        self.sync_label.show()
        self._show_conflict_count(facts.conflicts)
        self._status_in()

    def _status_failed(self, exc: BaseException) -> None:
        text = render_error(exc) if isinstance(exc, EskanError) else str(exc)
        self.statusBar().showMessage(text, STATUS_REFRESH_MS)
        self._status_in()

    def _status_in(self) -> None:
        if self._status_stale:  # something changed while the last read was on its way
            self._status_stale = False
            self.refresh_status()

    def _show_conflict_count(self, n: int) -> None:
        """Open sync conflicts, beside their page's name (for the roles that resolve them)."""
        from eskan_desk.ui.conflicts_page import ConflictsPage

        for i in range(self.nav.count()):
            item = self.nav.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == ConflictsPage.page_id:
                title = _(ConflictsPage.title)
                item.setText(f"{title} ({n:,})" if n else title)
                font = item.font()
                font.setBold(bool(n))
                item.setFont(font)

    def closeEvent(self, event: Any) -> None:
        self._status_timer.stop()
        self.auto_sync.stop()
        super().closeEvent(event)
