"""Locking the session after idle minutes, and unlocking it with the same user's password.

Nothing is closed or rebuilt when the session locks: a modal dialog covers the window, so the
half-typed form underneath is exactly as it was once the password is confirmed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsBlurEffect,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.errors import EskanError
from eskan_desk.i18n import _
from eskan_desk.services.auth import confirm_password
from eskan_desk.ui.look import ui_font
from eskan_desk.ui.session import UiSession

DEFAULT_MINUTES = 10
ERROR_STYLE = "color: #b3261e;"
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TabletPress,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Emits :attr:`idle` after ``minutes`` without a key, mouse, touch or wheel event.

    Installed as an application event filter (done here unless ``install`` is false, then by
    :meth:`watch`; harmless to repeat). ``ms`` overrides the interval in milliseconds, for
    tests. The interval runs from construction either way.

    A Python application filter is called for every event of every widget: the first show of
    the main window sends it about 400 (polish, layout, move, resize, paint), which cost 5-10
    ms of the window's first paint. The desk therefore watches once the window is painted
    (a zero timer is not enough: it can fire before the first paint).
    """

    idle = Signal()

    def __init__(
        self,
        minutes: int = DEFAULT_MINUTES,
        parent: QObject | None = None,
        *,
        ms: int | None = None,
        install: bool = True,
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)
        if ms is not None:
            self.set_interval_ms(ms)
        else:
            self.set_minutes(minutes)
        if install:
            self.watch()
        self._timer.start()

    def watch(self) -> None:
        """Start counting key, mouse and touch events as activity."""
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def minutes(self) -> float:
        return self._timer.interval() / 60_000

    def set_minutes(self, minutes: int) -> None:
        """Change the idle interval (the settings page's 1–120 minutes); restarts the count."""
        self.set_interval_ms(int(minutes) * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        self._timer.setInterval(max(1, int(ms)))
        if self._timer.isActive():
            self._timer.start()

    def remaining_ms(self) -> int:
        """Milliseconds until :attr:`idle` fires (-1 once it has fired, until the next activity)."""
        return self._timer.remainingTime()

    def poke(self) -> None:
        """Count as activity: start the interval again."""
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._timer.start()
        return False  # only watching: every event goes on to its widget


class LockDialog(QDialog):
    """Asks the signed-in staff member, and only them, for their password again.

    It cannot be dismissed: Esc, the window's close button and :meth:`reject` do nothing; only
    the right password closes it (accepted).
    """

    def __init__(self, session: UiSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._unlocked = False
        self.setModal(True)
        self.setWindowTitle(_("Session locked"))
        # A title bar without a close button: the only way out is the password.
        self.setWindowFlags(
            Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint
        )
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        title = QLabel(_("The session is locked"), self)
        title.setFont(ui_font(14, bold=True))
        layout.addWidget(title)
        who = QLabel(
            _("Locked after a period of inactivity. Only {name} can unlock it.").format(
                name=session.actor.full_name
            ),
            self,
        )
        who.setObjectName("who")
        who.setWordWrap(True)
        layout.addWidget(who)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Password"), self))
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.unlock)
        row.addWidget(self.password, 1)
        layout.addLayout(row)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.unlock_button = QPushButton(_("Unlock"), self)
        self.unlock_button.setAutoDefault(False)
        self.unlock_button.clicked.connect(self.unlock)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignLeading)
        self.password.setFocus()

    @property
    def unlocked(self) -> bool:
        return self._unlocked

    def unlock(self) -> None:
        """Check the password (off the UI thread); close only when it is right."""
        password = self.password.text()
        ctx, actor = self.session.ctx, self.session.actor
        self.unlock_button.setEnabled(False)
        self.session.runner.submit(
            lambda: confirm_password(ctx, actor, password),
            on_done=self._accepted,
            on_error=self._refused,
        )

    def _accepted(self, _result: object) -> None:
        self._unlocked = True
        self.error.clear()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.error.setText(i18n.render_error(exc) if isinstance(exc, EskanError) else str(exc))
        self.password.clear()
        self.password.setFocus()

    def reject(self) -> None:
        """Esc and the window manager's close end up here: ignored while locked."""
        if self._unlocked:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._unlocked:
            super().closeEvent(event)
        else:
            event.ignore()


def lock_now(window: QWidget, session: UiSession) -> LockDialog:
    """Lock the session over ``window`` and block until the same user unlocks it.

    The window's content is blurred while locked (people at the counter must not read it) and
    left otherwise untouched. A second call while already locked returns the open dialog.
    """
    for existing in window.findChildren(LockDialog):
        if existing.isVisible() and not existing.unlocked:
            return existing
    content = window.centralWidget() if isinstance(window, QMainWindow) else None
    if content is not None:
        content.setGraphicsEffect(QGraphicsBlurEffect(content, blurRadius=24))
    dialog = LockDialog(session, window)
    try:
        dialog.exec()
    finally:
        if content is not None:
            content.setGraphicsEffect(None)
        dialog.deleteLater()
    return dialog
