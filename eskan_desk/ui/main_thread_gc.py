"""Python's cycle collector runs on the main (Qt) thread only.

Left automatic, the collector runs in whichever thread happens to allocate when a threshold is
crossed, and in this app that is often a worker: the database worker, or the sync client's
batch builder. A cycle of garbage that holds Qt objects (a closed dialog and the lambdas
connected to its signals, say) is then destroyed on that worker, and Qt objects must be
destroyed on the thread that owns them: the process crashes in the collector, with no Python
traceback.

:class:`MainThreadGC` turns automatic collection off and collects from a timer on the main
thread instead, generation by generation, with the same thresholds the automatic collector
uses. Reference counting still frees everything that is not in a cycle at once, on any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500

_installed: MainThreadGC | None = None


def install(app: QCoreApplication) -> MainThreadGC:
    """The application's collector (made on the first call, from the main thread). What is
    left in cycles when the application quits is collected then, while Qt still runs."""
    global _installed
    if _installed is None:
        _installed = MainThreadGC(app)
        app.aboutToQuit.connect(gc.collect)
    return _installed


def installed() -> MainThreadGC | None:
    return _installed


_frozen = False  # whether freeze_loaded() has run in this process


def freeze_loaded() -> bool:
    """``gc.freeze()`` the objects alive now (the loaded modules), once per process: later
    calls do nothing, so nothing made after the first call (a window) is frozen with them.
    Returns whether it froze now.

    Kept as a flag because asking ``gc.get_freeze_count()`` walks every frozen object: 10 ms
    with the app's modules frozen, once paid between Enter and the main window.
    """
    global _frozen
    if _frozen:
        return False
    gc.freeze()
    _frozen = True
    return True


def frozen() -> bool:
    """Whether :func:`freeze_loaded` has run."""
    return _frozen


class MainThreadGC(QObject):
    """Installed once, for the life of the application (``parent``: the application)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count has passed its threshold (and the younger
        ones with it), as the automatic collector would; returns the objects found unreachable."""
        counts = gc.get_count()
        due = -1
        for generation in range(3):
            if counts[generation] <= self.thresholds[generation]:
                break
            due = generation
        return gc.collect(due) if due >= 0 else 0

    def stop(self) -> None:
        """Hand collection back to Python; :func:`install` makes a new collector after this."""
        global _installed
        self._timer.stop()
        gc.enable()
        if _installed is self:
            _installed = None
