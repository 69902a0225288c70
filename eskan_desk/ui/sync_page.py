"""The sync page (المزامنة), and the automatic sync with HQ in the background.

Every sync operation (sync, enrollment, export, import) runs on the one task runner. A
:class:`SyncCoordinator`, one per session, lets only one of them run at a time, whether the page's
buttons or the automatic sync asked for it; the page and the status bar learn the outcome from its
signals and from ``events.changed``.

:class:`AutoSync` belongs to the main window: shortly after sign-in and then every
:data:`AUTO_SYNC_INTERVAL_MS` it asks HQ whether it is up (on a thread of its own: an HQ that does
not answer never holds up the database worker) and, when it is and the task runner has nothing
else to do, syncs quietly (no dialogs; the page shows the last error). It starts nothing while
the session is locked, and stops with the window.

Tests and screenshots reach HQ in-process by setting :attr:`SyncCoordinator.transport`
(a :class:`~eskan_desk.sync.transport.LocalTransport`); otherwise HTTP to the enrolled address.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QWidget,
)

from eskan_desk.domain.dates import format_dual, to_riyadh
from eskan_desk.domain.errors import EskanError, SyncError
from eskan_desk.domain.permissions import Action, authorize, can
from eskan_desk.i18n import N_, _, current_language, render_error
from eskan_desk.services.staff import current_branch
from eskan_desk.services.sync_review import AlertView, list_duplicate_alerts, review_alert
from eskan_desk.services.sync_status import pending_changes
from eskan_desk.sync.client import IDENTITY_FILE, Identity, SyncClient, SyncResult, SyncStatus
from eskan_desk.sync.transport import HttpTransport, Transport
from eskan_desk.ui.dashboard_page import Panel, ltr
from eskan_desk.ui.forms import ERROR_STYLE, button_row, page_header, scrolling_body
from eskan_desk.ui.look import leading_alignment
from eskan_desk.ui.session import Page, UiSession
from eskan_desk.ui.tables import add_row, make_table, select_index, selected_index
from eskan_desk.ui.tasks import ImmediateRunner, TaskRunner

# The automatic sync: once shortly after sign-in, then at this interval (tests shorten both).
AUTO_SYNC_FIRST_MS = 20_000
AUTO_SYNC_INTERVAL_MS = 5 * 60_000
HEALTH_TIMEOUT_S = 5.0  # the "is HQ up?" probe; a sync itself waits longer for big batches
EXPORT_SUFFIX = "eskb"

PHASES = {"push": N_("Sending"), "pull": N_("Receiving")}
# What a sync that received rows may have changed: each page refreshes on its own kinds.
PULLED_KINDS = (
    "beneficiaries",
    "contacts",
    "requests",
    "referrals",
    "feedback",
    "staff",
    "duplicate_alerts",
)
ALERT_COLUMNS = (
    N_("Name"),
    N_("File number"),
    N_("National ID"),
    N_("Other branch"),
    N_("File number there"),
    N_("Date"),
)
ARABIC = re.compile(r"[\u0600-\u06FF]")
ALERT_ROWS_SHOWN = 6  # the alerts table grows to this many rows, then scrolls


# -- the task runner, watched ----------------------------------------------------------------


class TrackedRunner:
    """The session's task runner, counting the tasks not finished yet.

    The automatic sync starts only when no other task is queued or running on the database
    worker: it never pushes in while a staff member's own work waits. Everything else is the
    wrapped runner's own.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._lock = threading.Lock()
        self._in_flight = 0

    @classmethod
    def install(cls, session: UiSession) -> TrackedRunner:
        """Watch the session's runner (once: installing again keeps the same watcher)."""
        if not isinstance(session.runner, cls):
            session.runner = cls(session.runner)
        return session.runner

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def _track(self, future: Future) -> Future:
        with self._lock:
            self._in_flight += 1
        future.add_done_callback(self._untrack)  # at once when the future is already done
        return future

    def _untrack(self, _future: Future) -> None:
        with self._lock:
            self._in_flight -= 1

    def submit(self, fn: Callable[[], Any], on_done: Any = None, on_error: Any = None) -> Future:
        return self._track(self.inner.submit(fn, on_done, on_error))

    def submit_with_progress(
        self, fn: Callable[..., Any], on_progress: Any, on_done: Any = None, on_error: Any = None
    ) -> Future:
        return self._track(self.inner.submit_with_progress(fn, on_progress, on_done, on_error))

    def shutdown(self) -> None:
        self.inner.shutdown()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def runner_idle(runner: Any) -> bool:
    """Whether the task runner has no task queued or running (unknown counts as idle)."""
    in_flight = getattr(runner, "in_flight", None)
    return in_flight is None or in_flight == 0


# -- one sync operation at a time --------------------------------------------------------------


class _NoNetwork:
    """The transport of a client that must not reach HQ (status, USB files)."""

    def _never(self, *_args: Any) -> dict[str, Any]:
        raise RuntimeError("this sync client works without HQ")

    enroll = push = pull = health = _never


class SyncCoordinator(QObject):
    """Runs sync operations for one session, one at a time, on the task runner.

    Signals (all emitted on the UI thread): ``started(operation)``,
    ``progressed(phase, done, total)`` (phase ``push`` or ``pull``),
    ``finished(operation, result)`` and ``failed(operation, error)``. Operations: ``sync``
    (the button), ``auto`` (the timer), ``enroll``, ``export`` and ``import``; ``check`` fails
    alone, when the timer's question to HQ goes unanswered.
    """

    started = Signal(str)
    progressed = Signal(str, int, int)
    finished = Signal(str, object)
    failed = Signal(str, object)

    attempts = 5  # "sync now" retries what may pass later (a dropped link, HQ restarting)
    auto_attempts = 2  # the automatic sync has just found HQ up
    backoff_s = 0.5

    def __init__(self, session: UiSession) -> None:
        super().__init__(session.events)
        self.session = session
        self.transport: Transport | None = None
        self.operation: str | None = None
        self.probing = False
        # The automatic sync's last look at HQ: (when, None if HQ answered, else the error).
        self.last_check: tuple[dt.datetime, BaseException | None] | None = None
        self._probe_runner: Any = None

    @classmethod
    def of(cls, session: UiSession) -> SyncCoordinator:
        """The session's coordinator, made on first use; it lives as long as the session."""
        found = getattr(session.events, "_eskan_sync", None)
        if found is None:
            found = cls(session)
            session.events._eskan_sync = found  # type: ignore[attr-defined]
        return found

    @property
    def busy(self) -> bool:
        return self.operation is not None

    def client(
        self, progress: Callable[[str, int, int], None] | None = None, *, network: bool = True
    ) -> SyncClient:
        """A sync client of the session's store; ``network=False`` for what needs no HQ (the
        status, USB files), so an address HTTP cannot use never stands in the way."""
        return self.client_factory(network=network)(progress)

    def client_factory(
        self, *, network: bool = True
    ) -> Callable[[Callable[[str, int, int], None] | None], SyncClient]:
        """What :meth:`client` makes, for a job on the worker: called on the UI thread, so the
        worker never reads this object (a QObject's Python wrapper is the UI thread's)."""
        transport = self.transport or (None if network else _NoNetwork())
        ctx = self.session.ctx
        return lambda progress=None: SyncClient(ctx, transport, progress=progress)

    def enrolled(self) -> bool:
        return (self.session.ctx.data_dir / IDENTITY_FILE).exists()

    # Operations --------------------------------------------------------------------------------
    def sync_now(self) -> bool:
        """Send what waits here, then receive what HQ has (retrying a dropped link)."""
        return self._sync("sync", self.attempts)

    def auto_sync(self) -> bool:
        """Sync quietly (the automatic sync, once :meth:`probe` found HQ up)."""
        return self._sync("auto", self.auto_attempts)

    def _sync(self, operation: str, attempts: int) -> bool:
        actor, backoff, make = self.session.actor, self.backoff_s, self.client_factory()

        def job(report: Callable[[int, int, str], None]) -> SyncResult:
            authorize(actor.role, Action.SYNC)
            client = make(lambda phase, done, total: report(done, total, phase))
            return client.sync(attempts=attempts, backoff_s=backoff)

        return self._run(operation, job)

    @property
    def probe_runner(self) -> Any:
        """Where HQ's health is asked: a thread of its own, never the database worker (an
        unreachable HQ may take seconds to answer); at once when the session's tasks are."""
        if self._probe_runner is None:
            inner = getattr(self.session.runner, "inner", self.session.runner)
            immediate = isinstance(inner, ImmediateRunner)
            self._probe_runner = ImmediateRunner() if immediate else TaskRunner()
        return self._probe_runner

    def shutdown(self) -> None:
        """Stop the thread that asks HQ (waiting for a question still out)."""
        if self._probe_runner is not None:
            self._probe_runner.shutdown()
            self._probe_runner = None

    def probe(self, on_up: Callable[[], None]) -> bool:
        """Ask HQ whether it is up; ``on_up()`` runs on the UI thread when it answers.

        An HQ that does not answer is kept as :attr:`last_check` and reported as
        ``failed("check", error)``; nothing else happens (no dialog, no retry before the next
        tick). Asking is not an operation: a staff member may start one meanwhile.
        """
        if self.probing:
            return False
        identity = Identity.load(self.session.ctx.data_dir)
        if identity is None:
            return False
        self.probing = True
        transport = self.transport

        def ask() -> Any:
            probe = transport or HttpTransport(identity.hq_url, timeout=HEALTH_TIMEOUT_S)
            return probe.health()

        def answered(_health: Any) -> None:
            self.probing = False
            self.last_check = (self.session.ctx.now(), None)
            on_up()

        def silent(exc: BaseException) -> None:
            self.probing = False
            self.last_check = (self.session.ctx.now(), exc)
            if not isinstance(exc, EskanError):  # a bug, not HQ being away: leave a trace
                traceback.print_exception(exc)
            self.session.events.changed.emit("sync", "")
            self.failed.emit("check", exc)

        self.probe_runner.submit(ask, on_done=answered, on_error=silent)
        return True

    def enroll(self, hq_url: str, code: str) -> bool:
        actor, make = self.session.actor, self.client_factory()

        def job(_report: Any) -> Any:
            authorize(actor.role, Action.ENROLL_DEVICE)
            return make(None).enroll(hq_url.strip(), code)

        return self._run("enroll", job)

    def export(self, path: Path) -> bool:
        """Write every pending batch to ``path`` for a USB stick; the result is
        ``(path, batches, changes)``."""
        ctx, actor, make = self.session.ctx, self.session.actor, self.client_factory(network=False)

        def job(_report: Any) -> tuple[Path, int, int]:
            authorize(actor.role, Action.SYNC)
            changes = pending_changes(ctx)
            return path, make(None).export(path), changes

        return self._run("export", job)

    def import_answer(self, path: Path) -> bool:
        actor, make = self.session.actor, self.client_factory(network=False)

        def job(_report: Any) -> SyncResult:
            authorize(actor.role, Action.SYNC)
            return make(None).import_answer(path)

        return self._run("import", job)

    # Plumbing ----------------------------------------------------------------------------------
    def _run(self, operation: str, job: Callable[[Any], Any]) -> bool:
        if self.busy:
            return False  # never two at once: the caller tries again later
        self.operation = operation
        self.started.emit(operation)
        self.session.runner.submit_with_progress(
            job,
            on_progress=self._progress,
            on_done=lambda result: self._done(operation, result),
            on_error=lambda exc: self._failed(operation, exc),
        )
        return True

    def _progress(self, done: int, total: int, phase: str) -> None:
        self.progressed.emit(phase, done, total)

    def _done(self, operation: str, result: Any) -> None:
        self.operation = None
        if operation == "auto":
            self.last_check = (self.session.ctx.now(), None)
        self._announce(result)
        self.finished.emit(operation, result)

    def _failed(self, operation: str, exc: BaseException) -> None:
        self.operation = None
        if operation == "auto" and not isinstance(exc, EskanError):
            traceback.print_exception(exc)  # a bug, not HQ being away: leave a trace
        self.session.events.changed.emit("sync", "")
        self.failed.emit(operation, exc)

    def _announce(self, result: Any) -> None:
        """Tell every screen what may have changed: the status bar, then the pages."""
        events = self.session.events
        events.changed.emit("sync", "")
        if isinstance(result, SyncResult) and (result.pulled or result.conflicts):
            for kind in PULLED_KINDS:
                events.changed.emit(kind, "")
            events.changed.emit("conflicts", "")


# -- the automatic sync ------------------------------------------------------------------------


class AutoSync(QObject):
    """Syncs in the background while the window is open; see the module docstring.

    The timers read :data:`AUTO_SYNC_FIRST_MS` and :data:`AUTO_SYNC_INTERVAL_MS` when
    :meth:`start` runs.
    """

    def __init__(self, window: QMainWindow, session: UiSession) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self._stopped = False
        TrackedRunner.install(session)
        self.coordinator = SyncCoordinator.of(session)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.first = QTimer(self)
        self.first.setSingleShot(True)
        self.first.timeout.connect(self.tick)

    @property
    def active(self) -> bool:
        return self.timer.isActive() or self.first.isActive()

    def start(self) -> None:
        self._stopped = False
        self.first.start(AUTO_SYNC_FIRST_MS)
        self.timer.start(AUTO_SYNC_INTERVAL_MS)

    def stop(self) -> None:
        self._stopped = True  # a probe still out finds the window gone and starts nothing
        self.first.stop()
        self.timer.stop()

    def locked(self) -> bool:
        """Whether the session is locked over the window (nothing starts until unlocked)."""
        from eskan_desk.ui.idle_lock import LockDialog

        return any(d.isVisible() and not d.unlocked for d in self.window.findChildren(LockDialog))

    def may_start(self) -> bool:
        """Enrolled, unlocked, and nothing else on the database worker or talking to HQ."""
        if self._stopped or not can(self.session.actor.role, Action.SYNC) or self.locked():
            return False
        c = self.coordinator
        if c.busy or c.probing or not runner_idle(self.session.runner):
            return False  # the next tick tries again
        return c.enrolled()

    def tick(self) -> bool:
        """Ask HQ whether it is up (off the database worker); returns whether it was asked.

        When HQ answers and nothing else started meanwhile, a quiet sync follows.
        """
        return self.may_start() and self.coordinator.probe(on_up=self._hq_up)

    def _hq_up(self) -> None:
        if self.may_start():  # checked again: the staff member may have started work since
            self.coordinator.auto_sync()


# -- the page --------------------------------------------------------------------------------


def when_text(moment: dt.datetime | None) -> str:
    """A moment in Riyadh time, the date in Hijri and Gregorian: the way the desk shows dates."""
    if moment is None:
        return _("Not yet")
    local = to_riyadh(moment)
    return _("{date} at {time}").format(
        date=format_dual(local.date(), current_language()), time=ltr(local.strftime("%H:%M"))
    )


def _isolated(params: dict[str, Any]) -> dict[str, Any]:
    """Addresses, paths and system messages read left to right inside the Arabic sentence."""
    return {
        k: ltr(v) if isinstance(v, str) and v and not ARABIC.search(v) else v
        for k, v in params.items()
    }


def error_text(exc: BaseException) -> str:
    """An error in the user's language (a sync error's Latin parameters kept in order)."""
    if isinstance(exc, SyncError):
        exc = SyncError(exc.code, exc.message, _isolated(exc.params))
    try:
        return render_error(exc) if isinstance(exc, EskanError) else str(exc)
    except (KeyError, IndexError, ValueError):  # a placeholder the parameters lack
        return getattr(exc, "message", "") or type(exc).__name__


def stored_error_text(stored: dict[str, Any]) -> str:
    """The last error as the sync client kept it, in the user's language."""
    return error_text(
        SyncError(
            str(stored.get("code", "")),
            str(stored.get("message", "")),
            stored.get("params") or {},
        )
    )


class SyncPage(Page):
    """Enrollment, the state of sync, "sync now", USB files and duplicate alerts."""

    page_id = "sync"
    title = N_("Sync")
    roles = None  # everyone may send the day's work to HQ

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.coordinator = SyncCoordinator.of(session)
        self.status: SyncStatus | None = None
        self.alerts: list[AlertView] = []
        self.branch_code = ""
        self.may_enroll = can(session.actor.role, Action.ENROLL_DEVICE)
        self.may_review = can(session.actor.role, Action.RESOLVE_CONFLICTS)
        self._build()
        c = self.coordinator
        c.started.connect(self._started)
        c.progressed.connect(self._progressed)
        c.finished.connect(self._finished)
        c.failed.connect(self._failed)
        session.events.changed.connect(self._on_changed)
        self.refresh()

    # Layout ------------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = scrolling_body(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        self.message = page_header(
            layout,
            self,
            _("Sync with HQ"),
            _(
                "Changes made on this PC travel to HQ in signed batches, and what HQ has for "
                "this branch comes back. Without a network, carry them on a USB stick."
            ),
        )
        layout.addWidget(self._build_enroll())
        layout.addWidget(self._build_state())
        layout.addWidget(self._build_alerts())
        layout.addStretch(1)

    def _build_enroll(self) -> Panel:
        self.enroll_panel = panel = Panel(self)
        panel.title.setText(_("Enroll this PC with HQ"))
        note = QLabel(_("This PC is not enrolled with HQ yet."), panel)
        note.setWordWrap(True)
        panel.body.addWidget(note)
        self.enroll_note = QLabel(panel)
        self.enroll_note.setWordWrap(True)
        panel.body.addWidget(self.enroll_note)
        form = QFormLayout()
        self.url_edit = QLineEdit(panel)
        self.url_edit.setObjectName("hq_url")
        self.url_edit.setPlaceholderText("https://")
        self.code_edit = QLineEdit(panel)
        self.code_edit.setObjectName("enroll_code")
        self.code_edit.returnPressed.connect(self.enroll)
        form.addRow(_("HQ address"), self.url_edit)
        form.addRow(_("Enrollment code"), self.code_edit)
        panel.body.addLayout(form)
        self.enroll_error = QLabel(panel)
        self.enroll_error.setObjectName("enroll_error")
        self.enroll_error.setStyleSheet(ERROR_STYLE)
        self.enroll_error.setWordWrap(True)
        panel.body.addWidget(self.enroll_error)
        row = QHBoxLayout()
        self.enroll_button = QPushButton(_("Enroll"), panel)
        self.enroll_button.clicked.connect(self.enroll)
        row.addWidget(self.enroll_button)
        row.addStretch(1)
        panel.body.addLayout(row)
        if self.may_enroll:
            self.enroll_note.setText(
                _(
                    "Ask HQ for a one-time enrollment code for this branch, then type HQ's "
                    "address and the code."
                )
            )
        else:
            self.enroll_note.setText(_("Only an administrator can enroll this PC with HQ."))
            for widget in (self.url_edit, self.code_edit, self.enroll_button):
                widget.setEnabled(False)
        panel.hide()
        return panel

    def _build_state(self) -> Panel:
        self.state_panel = panel = Panel(self)
        panel.title.setText(_("This PC and HQ"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.hq_label, self.device_label = QLabel(panel), QLabel(panel)
        self.pending_label, self.last_sync_label = QLabel(panel), QLabel(panel)
        self.error_label = QLabel(panel)
        self.error_label.setObjectName("last_error")
        self.error_label.setWordWrap(True)
        self.auto_label = QLabel(panel)
        self.auto_label.setWordWrap(True)
        for label in (self.hq_label, self.device_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (
            self.hq_label,
            self.device_label,
            self.pending_label,
            self.last_sync_label,
            self.error_label,
            self.auto_label,
        ):
            # Where lines start in the UI language, whatever the text (addresses, numbers).
            label.setAlignment(leading_alignment())
        form.addRow(_("HQ address"), self.hq_label)
        form.addRow(_("This PC's device ID"), self.device_label)
        form.addRow(_("Changes waiting to be sent"), self.pending_label)
        form.addRow(_("Last successful sync"), self.last_sync_label)
        form.addRow(_("Last error"), self.error_label)
        form.addRow(_("Automatic sync"), self.auto_label)
        panel.body.addLayout(form)
        self.sync_button = QPushButton(_("Sync now"), panel)
        self.sync_button.setDefault(True)
        self.export_button = QPushButton(_("Export to file…"), panel)
        self.import_button = QPushButton(_("Import HQ answer file…"), panel)
        self.sync_button.clicked.connect(self.sync_now)
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.import_answer)
        button_row(panel.body, self.sync_button, self.export_button, self.import_button)
        self.progress_row = QWidget(panel)
        progress_row = QHBoxLayout(self.progress_row)
        progress_row.setContentsMargins(0, 0, 0, 0)
        self.progress = QProgressBar(self.progress_row)
        self.progress.setMaximumWidth(260)
        self.progress_label = QLabel(self.progress_row)
        self.progress_label.setObjectName("progress_line")
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.progress_label, 1)
        self.progress_row.hide()
        panel.body.addWidget(self.progress_row)
        self.result_label = QLabel(panel)
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        panel.body.addWidget(self.result_label)
        panel.hide()
        return panel

    def _build_alerts(self) -> Panel:
        self.alerts_panel = panel = Panel(self)
        panel.title.setText(_("Families with a file at another branch"))
        note = QLabel(
            _(
                "HQ found the same national ID registered at another branch. Check with the "
                "other branch before helping the family twice."
            ),
            panel,
        )
        note.setWordWrap(True)
        panel.body.addWidget(note)
        self.alert_table: QTableWidget = make_table(panel, [_(c) for c in ALERT_COLUMNS], stretch=0)
        self.alert_table.itemSelectionChanged.connect(self._update_buttons)
        self.alert_table.doubleClicked.connect(lambda _index: self.open_alert_file())
        panel.body.addWidget(self.alert_table)
        self.alerts_empty = QLabel(
            _("No family of this branch has a file at another branch."), panel
        )
        panel.body.addWidget(self.alerts_empty)
        row = QHBoxLayout()
        self.review_button = QPushButton(_("Mark as reviewed"), panel)
        self.review_button.clicked.connect(self.review_selected)
        self.review_button.setVisible(self.may_review)
        self.open_button = QPushButton(_("Open file"), panel)
        self.open_button.clicked.connect(self.open_alert_file)
        row.addWidget(self.review_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        panel.body.addLayout(row)
        panel.hide()
        return panel

    # Data --------------------------------------------------------------------------------------
    def on_shown(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        ctx, actor = self.session.ctx, self.session.actor
        make = self.coordinator.client_factory(network=False)

        def load() -> tuple[SyncStatus, list[AlertView], str]:
            status = make(None).status()
            alerts = list_duplicate_alerts(ctx, actor) if status.enrolled else []
            return status, alerts, current_branch(ctx).code

        self.session.runner.submit(load, on_done=self._show, on_error=self._show_message)

    def _show(self, loaded: tuple[SyncStatus, list[AlertView], str]) -> None:
        status, alerts, self.branch_code = loaded
        self.status = status
        self.enroll_panel.setVisible(not status.enrolled)
        self.state_panel.setVisible(status.enrolled)
        self.alerts_panel.setVisible(status.enrolled)
        if not status.enrolled:
            self._update_buttons()
            return
        self.hq_label.setText(ltr(status.hq_url or ""))
        self.device_label.setText(ltr(status.device_id or ""))
        self.pending_label.setText(ltr(f"{status.pending:,}"))
        self.last_sync_label.setText(when_text(status.last_sync_at))
        if status.last_error:
            lines = [stored_error_text(status.last_error)]
            if status.last_error_at:
                lines.append(when_text(status.last_error_at))
            self.error_label.setText("\n".join(lines))
            self.error_label.setStyleSheet(ERROR_STYLE)
        else:
            self.error_label.setText("—")
            self.error_label.setStyleSheet("")
        self._show_auto()
        self._show_alerts(alerts)

    def _show_auto(self) -> None:
        minutes = max(1, round(AUTO_SYNC_INTERVAL_MS / 60_000))
        lines = [_("Every {minutes} minutes while HQ can be reached.").format(minutes=minutes)]
        check = self.coordinator.last_check
        if check is not None and check[1] is not None:
            lines.append(
                _("At {time} HQ could not be reached; the next try is automatic.").format(
                    time=ltr(to_riyadh(check[0]).strftime("%H:%M"))
                )
            )
        self.auto_label.setText("\n".join(lines))

    def _show_alerts(self, alerts: list[AlertView]) -> None:
        keep = self.selected_alert()
        self.alerts = alerts
        table = self.alert_table
        table.setRowCount(0)
        for a in alerts:
            add_row(
                table,
                [
                    a.full_name or "—",
                    ltr(a.file_no),
                    ltr(a.national_id),
                    a.other_branch_name or ltr(a.other_branch_code),
                    ltr(a.other_file_no),
                    ltr(to_riyadh(a.created_at).strftime("%Y-%m-%d")),
                ],
            )
        self.alerts_empty.setVisible(not alerts)
        table.setVisible(bool(alerts))
        if alerts:  # as tall as its rows, up to a few: the page itself scrolls
            shown = range(min(len(alerts), ALERT_ROWS_SHOWN))
            rows_height = sum(table.rowHeight(r) for r in shown)
            header = table.horizontalHeader().sizeHint().height()
            table.setFixedHeight(header + rows_height + 2 * table.frameWidth() + 2)
        if keep is not None:
            for i, a in enumerate(alerts):
                if a.id == keep.id:
                    select_index(table, i)
        self._update_buttons()

    def selected_alert(self) -> AlertView | None:
        index = selected_index(self.alert_table)
        return self.alerts[index] if index is not None and index < len(self.alerts) else None

    def _update_buttons(self) -> None:
        busy = self.coordinator.busy
        enrolled = self.status is not None and self.status.enrolled
        for button in (self.sync_button, self.export_button, self.import_button):
            button.setEnabled(enrolled and not busy)
        self.enroll_button.setEnabled(self.may_enroll and not busy)
        alert = self.selected_alert()
        self.review_button.setEnabled(alert is not None)
        self.open_button.setEnabled(alert is not None)

    def _on_changed(self, kind: str, _record_id: str) -> None:
        if kind in ("sync", "duplicate_alerts"):
            self.refresh()

    def _show_message(self, exc: BaseException | None) -> None:
        self.message.setText(error_text(exc) if exc is not None else "")
        self.message.setVisible(exc is not None)

    # Actions -----------------------------------------------------------------------------------
    def enroll(self) -> None:
        """Exchange HQ's one-time code for this PC's identity (administrators)."""
        url, code = self.url_edit.text().strip(), self.code_edit.text().strip()
        if not url or not code:
            self.enroll_error.setText(_("Type HQ's address and the enrollment code."))
            return
        self.enroll_error.clear()
        self.coordinator.enroll(url, code)

    def sync_now(self) -> None:
        self.coordinator.sync_now()

    def export(self) -> None:
        path = self.choose_export_path()
        if path is not None:
            self.coordinator.export(path)

    def import_answer(self) -> None:
        path = self.choose_answer_path()
        if path is not None:
            self.coordinator.import_answer(path)

    def suggested_export_name(self) -> str:
        """``eskan-KMS-20261126-1000.eskb``: the branch and the Riyadh time of the export."""
        stamp = to_riyadh(self.session.ctx.now()).strftime("%Y%m%d-%H%M")
        return f"eskan-{self.branch_code or 'branch'}-{stamp}.{EXPORT_SUFFIX}"

    def choose_export_path(self) -> Path | None:
        """Where to write the batch file, asked with a save dialog (tests replace this)."""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export the changes to a file"),
            str(Path.home() / self.suggested_export_name()),
            _("Eskan sync files (*.eskb)"),
        )
        return Path(path) if path else None

    def choose_answer_path(self) -> Path | None:
        """HQ's answer file to import, asked with an open dialog (tests replace this)."""
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Import HQ's answer file"), str(Path.home()), _("All files (*)")
        )
        return Path(path) if path else None

    def review_selected(self) -> None:
        """A supervisor has looked into the selected duplicate alert."""
        alert = self.selected_alert()
        if alert is None:
            return
        ctx, actor = self.session.ctx, self.session.actor
        self.session.runner.submit(
            lambda: review_alert(ctx, actor, alert.id),
            on_done=lambda _r: self.session.events.changed.emit("duplicate_alerts", alert.id),
            on_error=self._show_message,
        )

    def open_alert_file(self) -> None:
        alert = self.selected_alert()
        if alert is not None and alert.beneficiary_id:
            self.session.events.open_beneficiary.emit(alert.beneficiary_id)

    # The coordinator's signals -------------------------------------------------------------------
    def _started(self, operation: str) -> None:
        self._show_message(None)
        self._show_result("")
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress_row.show()
        starting = {
            "export": N_("Writing the file…"),
            "import": N_("Reading HQ's answer file…"),
        }.get(operation, N_("Connecting to HQ…"))
        self.progress_label.setText(_(starting))
        self._update_buttons()

    def _progressed(self, phase: str, done: int, total: int) -> None:
        label = _(PHASES.get(phase, phase))
        if phase == "push" and total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            text = _("{phase}: {done} of {total}").format(
                phase=label, done=ltr(f"{done:,}"), total=ltr(f"{total:,}")
            )
        else:  # what HQ sends back has no known total
            self.progress.setRange(0, 0)
            text = _("{phase}: {done}").format(phase=label, done=ltr(f"{done:,}"))
        self.progress_label.setText(text)

    def _idle(self) -> None:
        self.progress_row.hide()
        self.progress_label.clear()
        self._update_buttons()

    def _show_result(self, text: str) -> None:
        self.result_label.setText(text)
        self.result_label.setVisible(bool(text))

    def _finished(self, operation: str, result: Any) -> None:
        self._idle()
        if operation == "enroll":
            self.url_edit.clear()
            self.code_edit.clear()
            self._show_result(
                _("This PC is enrolled with HQ at {url} as device {device}.").format(
                    url=ltr(result.hq_url), device=ltr(result.device_id)
                )
            )
        elif operation == "sync":
            self._show_result(self._sync_summary(result))
        elif operation == "export":
            path, batches, changes = result
            self._show_result(
                _("Wrote {batches} batches ({changes} changes) to {path}. Take it to HQ.").format(
                    batches=ltr(batches), changes=ltr(f"{changes:,}"), path=ltr(path)
                )
            )
        elif operation == "import":
            text = _("HQ acknowledged {batches} batches; received {rows} rows.").format(
                batches=ltr(result.batches), rows=ltr(f"{result.pulled:,}")
            )
            self._show_result(text)

    def _sync_summary(self, result: SyncResult) -> str:
        sent = _("Sent {changes} changes in {batches} batches; received {rows} rows from HQ.")
        text = sent.format(
            changes=ltr(f"{result.changes:,}"),
            batches=ltr(result.batches),
            rows=ltr(f"{result.pulled:,}"),
        )
        if result.conflicts:
            text += " " + _(
                "{n} fields were changed both here and elsewhere: a supervisor chooses the "
                "value on the Sync conflicts page."
            ).format(n=ltr(result.conflicts))
        return text

    def _failed(self, operation: str, exc: BaseException) -> None:
        if operation == "check":
            return  # HQ did not answer the timer: the page's refresh shows it, quietly
        self._idle()
        if operation == "enroll":
            self.enroll_error.setText(error_text(exc))
        elif operation == "auto":
            pass  # quiet: the page shows the last error and the last automatic check
        elif not (operation == "sync" and isinstance(exc, SyncError)):
            self._show_message(exc)  # a failed sync is shown as the last error below
