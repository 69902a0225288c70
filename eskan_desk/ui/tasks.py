"""The one task runner: all database work runs on a single serial worker thread.

Screens call :meth:`TaskRunner.submit` with a plain function and callbacks; the callbacks run back
on the UI thread. Tests inject :class:`ImmediateRunner`, which runs tasks at once, so threaded
screens are tested synchronously.
"""

from __future__ import annotations

import queue
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from eskan_desk.domain.errors import EskanError

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def _deliver(future: Future, on_done: Done | None, on_error: Failed | None) -> None:
    exc = future.exception()
    if exc is None:
        if on_done:
            on_done(future.result())
    elif on_error:
        on_error(exc)
    elif not isinstance(exc, EskanError):
        traceback.print_exception(exc)


class _Relay(QObject):
    """Wakes the UI thread when work is done.

    Finished work waits in a thread-safe queue and the queued signal carries no arguments:
    passing Python objects (and None) through cross-thread signals has crashed PySide6 with
    refcount errors.
    """

    ready = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.done: queue.SimpleQueue[tuple[Future, Done | None, Failed | None]] = (
            queue.SimpleQueue()
        )
        self.ready.connect(self.drain, Qt.ConnectionType.QueuedConnection)

    def post(self, item: tuple[Future, Done | None, Failed | None]) -> None:
        self.done.put(item)
        self.ready.emit()

    @Slot()
    def drain(self) -> None:
        while True:
            try:
                future, on_done, on_error = self.done.get_nowait()
            except queue.Empty:
                return
            _deliver(future, on_done, on_error)


class TaskRunner:
    """A single worker thread for the store, so writes never contend with each other."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eskan-db")
        self._relay = _Relay()

    def submit(
        self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> Future:
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._relay.post((f, on_done, on_error)))
        return future

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class ImmediateRunner:
    """Runs each task at once on the calling thread (tests, screenshots)."""

    def submit(
        self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn())
        except Exception as exc:
            future.set_exception(exc)
        _deliver(future, on_done, on_error)
        return future

    def shutdown(self) -> None:
        pass
