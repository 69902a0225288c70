"""One sync of a store at a time, across processes (the app's automatic sync, a command).

Two syncs at once stay correct (HQ answers a batch sent twice as a replay), but each counts
the other's batches as its own and both do the work. The lock is an OS lock on a file in the
data folder: released by the OS when its process ends, however it ends, so a killed sync
never leaves the store locked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eskan_desk.domain.errors import SyncError
from eskan_desk.domain.markers import N_

LOCK_FILE = "sync.lock"
BUSY = N_("Another sync of this store is running (the app or a command). Try again when it ends.")


@contextmanager
def sync_lock(data_dir: Path) -> Iterator[None]:
    """Hold the store's sync lock for the block.

    Raises:
        SyncError: ``sync_busy``: another sync holds it (not retried: it is not HQ's answer).
    """
    fh = open(Path(data_dir) / LOCK_FILE, "a+b")  # noqa: SIM115 - held for the whole block
    try:
        try:
            _lock(fh.fileno())
        except OSError as exc:
            raise SyncError("sync_busy", BUSY) from exc
        try:
            yield
        finally:
            _unlock(fh.fileno())
    finally:
        fh.close()


if os.name == "nt":  # pragma: no cover - the branch PCs' Windows; tests run on Linux
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
