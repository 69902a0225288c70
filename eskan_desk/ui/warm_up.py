"""Work done once per process, while the sign-in screen waits for the password.

First, the modules the preload thread loaded are frozen out of the cycle collector's
generations. Then, PySide6: it creates its Python types and enums the first time each is used.
Two first uses are expensive, and without this module both fall between Enter and the main
window:

- **the ``Qt`` namespace**: about a hundred enums, built the first time any ``Qt.*`` name is
  used (17-20 ms). The sign-in screen is built without one (see :mod:`eskan_desk.ui.look`);
  the preload thread's imports usually build it, and the step makes sure.
- **an object of a class the bindings do not export**, the first time a Python event filter is
  handed one. The idle-lock watcher filters the whole application, and the first scroll area
  creates Qt's gesture manager: to wrap it, shiboken creates every type still pending in
  QtCore, QtGui and QtWidgets, about 170 enums (30-60 ms).

:class:`WarmUp` runs these steps on the main thread, each in its own turn of the event
loop, once the preload thread has finished (so no type is created on both threads at once).
The receptionist is typing then: a keystroke waits for one step at most. If Enter comes first,
the rest is simply paid where it falls, as it was before.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from eskan_desk.ui import main_thread_gc

POLL_MS = 20  # how often to look whether the preload thread is done


class _PassThrough(QObject):
    """An application event filter that lets everything through (what the idle watcher is)."""

    def eventFilter(self, _obj: QObject, _event: object) -> bool:
        return False


def build_qt_namespace() -> None:
    from PySide6 import QtCore

    QtCore.Qt.AlignmentFlag  # noqa: B018 (the first use builds the namespace)


def wrap_unexported_class() -> None:
    """A throwaway list widget under a Python application filter: its gesture manager, a class
    PySide6 does not export, is wrapped once, with every pending type created for it."""
    from PySide6.QtWidgets import QListWidget

    app = QCoreApplication.instance()
    if app is None:
        return
    probe_filter = _PassThrough()
    app.installEventFilter(probe_filter)
    try:
        probe = QListWidget()
        probe.deleteLater()
    finally:
        app.removeEventFilter(probe_filter)


def freeze_loaded_modules() -> None:
    """The modules are loaded for good: their objects, most of the heap, leave the cycle
    collector's generations (``gc.freeze``), so its passes on the main thread stay short
    (:mod:`eskan_desk.ui.main_thread_gc`). Run on the main thread, where collections run.
    Not once the desk has frozen them itself (Enter came first): the window would go too."""
    main_thread_gc.freeze_loaded()


STEPS: tuple[Callable[[], None], ...] = (
    freeze_loaded_modules,
    build_qt_namespace,
    wrap_unexported_class,
)


class WarmUp(QObject):
    """Runs ``steps`` (by default :data:`STEPS`) one per event-loop turn once ``ready()`` is
    true."""

    def __init__(
        self,
        ready: Callable[[], bool],
        parent: QObject | None = None,
        *,
        steps: tuple[Callable[[], None], ...] = STEPS,
    ) -> None:
        super().__init__(parent)
        self._ready = ready
        self._steps = list(steps)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._timer.start()

    @property
    def done(self) -> bool:
        return not self._steps

    def _tick(self) -> None:
        if not self._ready():
            return
        self._timer.setInterval(0)  # from now on, one step per turn of the event loop
        step = self._steps.pop(0)
        if not self._steps:
            self._timer.stop()
        # Nothing of this object is touched after the step: a step may drop the last reference
        # to what owns it (a bound method of the sign-in screen whose window is gone), and the
        # timer with it.
        step()
