"""The one task runner: all database work runs on a single serial worker thread.

Screens call :meth:`TaskRunner.submit` with a plain function and callbacks; the callbacks run back
on the UI thread. Tests inject :class:`ImmediateRunner`, which runs tasks at once, so threaded
screens are tested synchronously.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from eskan_desk.domain.errors import EskanError

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    """Carries a finished future back to the UI thread through a queued signal."""

    finished = Signal(object, object, object)  # future, on_done, on_error

    @Slot(object, object, object)
    def deliver(self, future: Future, on_done: Done | None, on_error: Failed | None) -> None:
        exc = future.exception()
        if exc is None:
            if on_done:
                on_done(future.result())
        elif on_error:
            on_error(exc)
        elif not isinstance(exc, EskanError):
            traceback.print_exception(exc)


class TaskRunner:
    """A single worker thread for the store, so writes never contend with each other."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eskan-db")
        self._relay = _Relay()
        self._relay.finished.connect(self._relay.deliver)

    def submit(
        self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> Future:
        future = self._pool.submit(fn)
        future.add_done_callback(lambda f: self._relay.finished.emit(f, on_done, on_error))
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
        _Relay().deliver(future, on_done, on_error)
        return future

    def shutdown(self) -> None:
        pass
