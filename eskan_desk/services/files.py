"""Files the user asks for (PDFs, exports): written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from eskan_desk.domain.errors import OutputError
from eskan_desk.domain.markers import N_


def check_destination(path: Path) -> Path:
    """Refuse, before any work, a destination that cannot be a file.

    Raises:
        OutputError: The folder does not exist, or the path is a folder.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(N_("Cannot write {path}: it is a folder"), {"path": path})
    if not path.resolve().parent.is_dir():
        raise OutputError(
            N_("Cannot write {path}: the folder {folder} does not exist"),
            {"path": path, "folder": path.resolve().parent},
        )
    return path


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (no half-written PDF left behind).

    Raises:
        OutputError: the folder does not exist or cannot be written.
    """
    with atomic_output(path) as fh:
        fh.write(data)


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through, as it is produced: it takes the name only once
    written whole and on disk, and is removed if anything fails before.

    Raises:
        OutputError: the folder does not exist or cannot be written (then, or on a full disk).
    """
    folder = Path(path).resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=".eskan-", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(
            N_("Cannot write {path}: {reason}"), {"path": path, "reason": exc.strerror}
        ) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            N_("Cannot write {path}: {reason}"), {"path": path, "reason": exc.strerror}
        ) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
