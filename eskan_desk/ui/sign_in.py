"""The sign-in dialog: the charity's name, a username and a password."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eskan_desk import i18n
from eskan_desk.domain.errors import EskanError, StoreError
from eskan_desk.i18n import _
from eskan_desk.ui.look import ALIGN_CENTER, set_direction, ui_font

if TYPE_CHECKING:  # the store and the services load while the dialog waits (eskan_desk.boot)
    from concurrent.futures import Future, ThreadPoolExecutor

    from eskan_desk.app import AppContext
    from eskan_desk.services.staff import Actor

ERROR_STYLE = "color: #b3261e;"
FIRST_PAINT_WAIT_MS = 300
EXPOSURE_POLL_MS = 1
ANSWER_POLL_MS = 10  # how often to look whether the check ahead has answered


class _Typing:
    """What the sign-in worker shares with the screen: the newest username and password, and
    whether the sign-in's write has been rehearsed.

    A plain object, so that the worker thread never reads or writes an attribute of the
    dialog: PySide routes those through the QObject's Python wrapper, which is the main
    thread's alone.
    """

    __slots__ = ("newest", "rehearsed")

    def __init__(self) -> None:
        self.newest: tuple[str, str] | None = None
        self.rehearsed = False  # what Enter writes, run once on the worker and rolled back


def _check(typing: _Typing, ctx: AppContext, typed: tuple[str, str]) -> Actor | None:
    """On the worker: the check ahead, unless something newer was typed since it was queued.
    The staff member the name and password would sign in as, if they matched."""
    if typed != typing.newest:
        return None
    from eskan_desk.services.auth import check_ahead, rehearse_sign_in

    who = None
    with contextlib.suppress(Exception):  # Enter checks again and reports what is wrong
        who = check_ahead(ctx, *typed)
    if not typing.rehearsed:
        typing.rehearsed = True
        with contextlib.suppress(Exception):  # Enter writes for itself, and reports
            rehearse_sign_in(ctx)
    return who


class SignInDialog(QDialog):
    """Enter signs in, Esc cancels; on success :attr:`actor` is the signed-in staff member.

    ``ctx`` is the open store, or a function that opens it when Enter is pressed (the app
    shows this dialog before the store and the services are loaded). When opening it fails,
    the dialog closes with :attr:`store_error` set. ``opened`` then gives the store once it is
    open, without waiting and without taking it.

    The password is checked on a worker thread as it is typed
    (:func:`eskan_desk.services.auth.check_ahead`), so that Enter finds the answer ready; only
    Enter counts an attempt. When what is typed matches, :attr:`on_checked` (if set) is
    called on the main thread with the staff member Enter would sign in as: the app prepares
    their window meanwhile. Only :meth:`accept` signs anyone in.
    """

    def __init__(
        self,
        ctx: AppContext | Callable[[], AppContext],
        parent: QWidget | None = None,
        *,
        opened: Callable[[], AppContext | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_ctx = ctx if callable(ctx) else None
        self._opened = opened
        self.ctx: AppContext | None = None if callable(ctx) else ctx
        self._checker: ThreadPoolExecutor | None = None
        self._typing = _Typing()  # the newest username and password, for the worker
        self.actor: Actor | None = None
        self.store_error: StoreError | None = None
        self._after_paint: Callable[[], None] | None = None
        self.on_checked: Callable[[Actor], None] | None = None
        self._answer: tuple[tuple[str, str], Future[Actor | None]] | None = None
        self._answer_poll: QTimer | None = None
        self.setWindowTitle(_("Sign in"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        header = QLabel(_("Housing and Development Association in Khamis Mushait"), self)
        header.setObjectName("charity_name")
        header.setFont(ui_font(15, bold=True))
        # No Qt.* name on the way to this screen: see eskan_desk.ui.look.
        header.setProperty("alignment", ALIGN_CENTER)
        header.setWordWrap(True)
        layout.addWidget(header)
        app_name = QLabel(_("Eskan Desk"), self)
        app_name.setProperty("alignment", ALIGN_CENTER)
        layout.addWidget(app_name)
        # A grid and plain buttons, not a QFormLayout and a QDialogButtonBox: PySide6 builds
        # their Python types and enums the first time they are used (2-3 ms before this screen).
        form = QGridLayout()
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        # Usernames are Latin: keep the field left to right inside the Arabic window.
        set_direction(self.username, rtl=False)
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for row, (text, field) in enumerate(
            ((_("Username"), self.username), (_("Password"), self.password))
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addWidget(label, row, 0)
            form.addWidget(field, row, 1)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        # At the end of the line, the action first, as a dialog button box lays them out.
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        # Made with the parent alone, then named: matching a constructor overload with a text
        # has PySide6 try QPushButton(QIcon, ...) and build QIcon's types (151-value enum).
        self.sign_in_button = QPushButton(self)
        self.sign_in_button.setText(_("Sign in"))
        self.sign_in_button.setDefault(True)  # Enter in either field signs in
        self.sign_in_button.clicked.connect(self.accept)
        cancel = QPushButton(self)
        cancel.setText(_("Cancel"))
        cancel.clicked.connect(self.reject)  # and Esc, as in any dialog
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self.username.textChanged.connect(self.check_ahead)
        self.password.textChanged.connect(self.check_ahead)
        self.username.setFocus()

    def after_first_paint(self, then: Callable[[], None]) -> None:
        """Call ``then`` once the screen is on display (its window exposed, which paints it),
        or after :data:`FIRST_PAINT_WAIT_MS` if it is not by then (a window manager slow to map
        it): what runs then does not hold the interpreter while the screen paints.

        Polled from a timer: a Python ``paintEvent`` or event filter would have PySide6 build
        the ``QEvent`` type and its 179-value enum (about 3 ms) before the first paint.
        """
        self._after_paint = then
        self._exposure = QTimer(self)
        self._exposure.setInterval(EXPOSURE_POLL_MS)
        self._exposure.timeout.connect(self._check_exposed)
        self._exposure.start()
        self._paint_wait = QTimer(self)
        self._paint_wait.setSingleShot(True)
        self._paint_wait.setInterval(FIRST_PAINT_WAIT_MS)
        self._paint_wait.timeout.connect(self._painted)
        self._paint_wait.start()

    def _check_exposed(self) -> None:
        window = self.windowHandle()
        if window is not None and window.isExposed():
            self._painted()

    def _painted(self) -> None:
        self._exposure.stop()
        self._paint_wait.stop()
        then, self._after_paint = self._after_paint, None
        if then is not None:
            then()

    def check_ahead(self) -> None:
        """Check what is typed now on the worker (when the store is open); a check overtaken
        while queued is skipped."""
        ctx = self.ctx or (self._opened() if self._opened else None)
        typed = (self.username.text(), self.password.text())
        if ctx is None or not all(typed) or self.result() or not self.isVisible():
            return
        self._typing.newest = typed
        if self._checker is None:
            from concurrent.futures import ThreadPoolExecutor  # 3 ms: not before the screen

            self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eskan-sign-in")
        answer = self._checker.submit(_check, self._typing, ctx, typed)
        if self.on_checked is not None:
            self._answer = (typed, answer)
            if self._answer_poll is None:
                self._answer_poll = QTimer(self)
                self._answer_poll.setInterval(ANSWER_POLL_MS)
                self._answer_poll.timeout.connect(self._take_answer)
            self._answer_poll.start()

    def _take_answer(self) -> None:
        """The newest check's answer, once it is in, for :attr:`on_checked` if it matched and
        the name and password are still what was typed."""
        if self._answer is None or self.result():
            self._stop_answer_poll()
            return
        typed, answer = self._answer
        if not answer.done():
            return
        self._stop_answer_poll()
        who = None if answer.cancelled() or answer.exception() else answer.result()
        still_typed = typed == (self.username.text(), self.password.text())
        if who is not None and still_typed and self.on_checked is not None:
            self.on_checked(who)

    def _stop_answer_poll(self) -> None:
        self._answer = None
        if self._answer_poll is not None:
            self._answer_poll.stop()

    def done(self, result: int) -> None:
        """Closing waits for a check under way (the store may be closed right after), then
        drops every answer checked ahead and the password typed: neither outlives the screen."""
        self._stop_answer_poll()
        if self._checker is not None:
            self._checker.shutdown(wait=True, cancel_futures=True)
            self._checker = None
            self._typing.newest = None
            auth = sys.modules.get("eskan_desk.services.auth")  # loaded if anything was checked
            if auth is not None:
                auth.forget_checks()
        self.password.clear()
        super().done(result)

    def accept(self) -> None:
        """Check the credentials; stay open with the reason shown when they are refused."""
        if self.ctx is None:
            try:
                self.ctx = self._open_ctx()
            except StoreError as err:
                self.store_error = err
                super().reject()
                return
        from eskan_desk.services.auth import sign_in

        # A check queued but not started is overtaken: Enter takes a check already made (or
        # under way), else checks for itself; none runs again after it.
        self._typing.newest = None
        try:
            self.actor = sign_in(self.ctx, self.username.text(), self.password.text())
        except EskanError as err:
            self.error.setText(i18n.render_error(err))
            self.password.clear()
            self.password.setFocus()
            return
        self.error.clear()
        super().accept()
