"""The one task runner: all database work runs on a single serial worker thread.

Screens call :meth:`TaskRunner.submit` with a plain function and callbacks; the callbacks run back
on the UI thread. Long jobs take a ``progress(done, total, label)`` callable
(:meth:`TaskRunner.submit_with_progress`) whose reports also arrive on the UI thread. Tests inject
:class:`ImmediateRunner`, which runs tasks at once, so threaded screens are tested synchronously.
"""

from __future__ import annotations

import queue
import traceback
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal, Slot

from eskan_desk.domain.errors import EskanError

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progress = Callable[[int, int, str], None]


def _gone(callback: Callable[..., None] | None) -> bool:
    """Whether ``callback`` is a method of a Qt object deleted meanwhile (a window rebuilt for
    a new language, a closed dialog): its answer has nobody to go to."""
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not shiboken6.isValid(owner)


def _deliver(future: Future, on_done: Done | None, on_error: Failed | None) -> None:
    if future.cancelled():  # the runner shut down before it ran: nobody waits for it now
        return
    exc = future.exception()
    if exc is None:
        if on_done and not _gone(on_done):
            on_done(future.result())
    elif on_error:
        if not _gone(on_error):
            on_error(exc)
    elif not isinstance(exc, EskanError):
        traceback.print_exception(exc)


class _Relay(QObject):
    """Wakes the UI thread when work is done or reports progress.

    Messages wait in a thread-safe queue and the queued signal carries no arguments: passing
    Python objects (and None) through cross-thread signals has crashed PySide6 with refcount
    errors.
    """

    ready = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.messages: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.ready.connect(self.drain, Qt.ConnectionType.QueuedConnection)

    def post(self, message: Callable[[], None]) -> None:
        self.messages.put(message)
        self.ready.emit()

    @Slot()
    def drain(self) -> None:
        while True:
            try:
                message = self.messages.get_nowait()
            except queue.Empty:
                return
            message()


class TaskRunner:
    """A single worker thread for the store, so writes never contend with each other."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eskan-db")
        self._relay = _Relay()
        self._long: weakref.WeakSet[Future] = weakref.WeakSet()  # jobs with progress

    def start(self) -> None:
        """Start the worker thread now rather than with the first task. Starting a thread
        waits until it runs, which can take one of the interpreter's switch intervals (5 ms)
        or more when other threads are busy: the app pays it while the password is typed,
        not after Enter."""
        self._pool.submit(int)

    def submit(
        self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> Future:
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._relay.post(lambda: _deliver(f, on_done, on_error)))
        return future

    def submit_with_progress(
        self,
        fn: Callable[[Progress], Any],
        on_progress: Progress,
        on_done: Done | None = None,
        on_error: Failed | None = None,
    ) -> Future:
        """Run ``fn(progress)``; each ``progress(done, total, label)`` reaches ``on_progress``."""

        def report(done: int, total: int, label: str) -> None:
            self._relay.post(lambda: on_progress(done, total, label))

        future = self.submit(lambda: fn(report), on_done, on_error)
        self._long.add(future)
        return future

    def shutdown(self) -> None:
        """At quit: every queued save still runs (a form saved just before closing is kept);
        a long job with progress (a sync, demo data, an export) that has not started is
        dropped. The job running finishes."""
        for future in list(self._long):
            future.cancel()
        self._pool.shutdown(wait=True)


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

    def submit_with_progress(
        self,
        fn: Callable[[Progress], Any],
        on_progress: Progress,
        on_done: Done | None = None,
        on_error: Failed | None = None,
    ) -> Future:
        return self.submit(lambda: fn(on_progress), on_done, on_error)

    def shutdown(self) -> None:
        pass
