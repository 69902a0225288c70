"""Cycle collection happens on the main thread only (``eskan_desk.ui.main_thread_gc``).

A worker that crossed the collector's threshold used to collect, and destroy, Qt objects left
in cycles: the process died in the collector (seen in the suite with the sync client's batch
builder thread).
"""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QDialog, QPushButton

from eskan_desk.ui import main_thread_gc


def _qt_cycle() -> weakref.ref:
    """A dialog (and its button) that only a reference cycle keeps alive."""
    dialog = QDialog()
    dialog.button = QPushButton("x", dialog)
    dialog.itself = dialog
    return weakref.ref(dialog)


def test_workers_never_collect_and_the_main_thread_does(qapp):
    guard = main_thread_gc.install(qapp)
    assert not gc.isenabled()
    collected_on: list[str] = []

    def record(phase: str, _info: dict) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    gc.callbacks.append(record)
    try:
        garbage = _qt_cycle()
        assert garbage() is not None  # only the cycle holds it

        def allocate() -> None:  # far past every threshold, as a busy worker does
            for _ in range(50_000):
                cycle: list = []
                cycle.append(cycle)

        worker = threading.Thread(target=allocate, name="eskan-db-test")
        worker.start()
        worker.join()
        assert "eskan-db-test" not in collected_on
        assert garbage() is not None
        while garbage() is not None and guard.collect_due():
            pass
        gc.collect()  # the oldest generation may not be due yet: it is, on this thread
        assert garbage() is None
        assert set(collected_on) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(record)


def test_the_timer_collects_what_is_due(qapp, qtbot):
    guard = main_thread_gc.install(qapp)
    for _ in range(guard.thresholds[0] * 2):
        cycle: list = []
        cycle.append(cycle)
    assert gc.get_count()[0] > guard.thresholds[0]
    qtbot.waitUntil(lambda: gc.get_count()[0] <= guard.thresholds[0], timeout=5000)
