"""Cycle collection happens on the main thread only (``eskan_desk.ui.main_thread_gc``).

A worker that crossed the collector's threshold used to collect, and destroy, Qt objects left
in cycles: the process died in the collector (seen in the suite with the sync client's batch
builder thread).
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialog, QPushButton

from eskan_desk.ui import main_thread_gc


def _qt_cycle() -> weakref.ref:
    """A dialog (and its button) that only a reference cycle keeps alive."""
    dialog = QDialog()
    dialog.button = QPushButton("x", dialog)
    dialog.itself = dialog
    return weakref.ref(dialog)


@pytest.fixture
def collections() -> Iterator[list[str]]:
    """The thread each cycle collection starts on, from now on."""
    started: list[str] = []

    def record(phase: str, _info: dict) -> None:
        if phase == "start":
            started.append(threading.current_thread().name)

    gc.callbacks.append(record)
    yield started
    gc.callbacks.remove(record)


def _allocate_cycles(n: int) -> None:
    for _ in range(n):
        cycle: list = []
        cycle.append(cycle)


def test_workers_never_collect_and_the_main_thread_does(qapp, collections):
    guard = main_thread_gc.install(qapp)
    assert not gc.isenabled()
    garbage = _qt_cycle()
    assert garbage() is not None  # only the cycle holds it
    # Far past every threshold, as a busy database worker goes.
    worker = threading.Thread(target=_allocate_cycles, args=(50_000,), name="eskan-db-test")
    worker.start()
    worker.join()
    assert collections == [] and garbage() is not None
    for _ in range(20):  # each pass is due: the worker's allocations count
        if garbage() is None:
            break
        _allocate_cycles(guard.thresholds[0] + 1)
        assert guard.collect_due() > 0
    assert garbage() is None
    assert set(collections) == {threading.main_thread().name}


def test_the_timer_collects_what_is_due(qapp, qtbot, collections):
    guard = main_thread_gc.install(qapp)
    assert not gc.isenabled()
    _allocate_cycles(guard.thresholds[0] * 2)
    assert gc.get_count()[0] > guard.thresholds[0]
    qtbot.waitUntil(lambda: bool(collections), timeout=5000)  # only the timer runs here
    assert set(collections) == {threading.main_thread().name}
    assert gc.get_count()[0] <= guard.thresholds[0]


def test_a_stopped_collector_hands_back_and_a_new_one_takes_over(qapp):
    guard = main_thread_gc.install(qapp)
    guard.stop()
    try:
        assert gc.isenabled() and main_thread_gc.installed() is None
    finally:
        again = main_thread_gc.install(qapp)
    assert again is not guard and not gc.isenabled()
