"""Backups of the store: one SQLite file, taken live, restored whole or not at all.

A backup holds the store only, never this PC's sync key (``sync-device.json``): a restored store
is a new device to HQ and is enrolled again with a new one-time code. Its changes that HQ has not
acknowledged are sent again then; those HQ already has are recognised by their change ids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from eskan_desk.app import STORE_FILE, AppContext
from eskan_desk.domain.errors import OutputError, StoreError, ValidationError
from eskan_desk.domain.markers import N_
from eskan_desk.models import migrate
from eskan_desk.models.engine import DAMAGED_MESSAGE, LOCKED_MESSAGE, unusable_store
from eskan_desk.services.sync_status import IDENTITY_FILE


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    bytes: int
    branch_code: str
    schema: str


def backup_store(ctx: AppContext, out: Path) -> BackupInfo:
    """Copy the live store to ``out`` with SQLite's online backup (others may keep writing).

    Raises:
        OutputError: the file cannot be written (no space, no folder); nothing is left behind.
    """
    out = Path(out)
    folder = out.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=".eskan-backup-", suffix=".part", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise OutputError(
            N_("Cannot write {path}: {reason}"), {"path": out, "reason": exc.strerror}
        ) from exc
    raw = ctx.store.engine.raw_connection()
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as target:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
        os.replace(tmp, out)
    except (OSError, sqlite3.Error) as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            N_("Cannot write {path}: {reason}"),
            {"path": out, "reason": getattr(exc, "strerror", None) or str(exc)},
        ) from exc
    finally:
        raw.close()
    return inspect_backup(out)


def inspect_backup(path: Path) -> BackupInfo:
    """What a backup file holds.

    Raises:
        ValidationError: not an Eskan Desk store, or damaged.
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError("file", N_("no such file: {path}"), {"path": path})
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check")
            schema = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            code = conn.execute(
                "SELECT b.code FROM sync_state s JOIN branches b ON b.id = s.value "
                "WHERE s.key = 'branch_id'"
            ).fetchone()
    except (sqlite3.Error, TypeError) as exc:
        raise ValidationError(
            "file", N_("{path} is not an Eskan Desk backup, or it is damaged"), {"path": path}
        ) from exc
    if code is None:
        raise ValidationError(
            "file", N_("{path} is not an Eskan Desk backup, or it is damaged"), {"path": path}
        )
    if int(schema) > int(migrate.head_revision()):
        raise ValidationError(
            "file",
            N_("{path} was made by a newer Eskan Desk (schema {schema}); upgrade first"),
            {"path": path, "schema": schema},
        )
    return BackupInfo(path=path, bytes=path.stat().st_size, branch_code=code[0], schema=schema)


def restore_store(data_dir: Path, backup: Path) -> BackupInfo:
    """Put ``backup`` in place of the store in ``data_dir`` (the store must not be open).

    The store being replaced is kept in ``backups/`` under a name of its own
    (``eskan-before-restore-<UTC time>.sqlite3``: a second restore never overwrites the first
    one's copy); this PC's enrollment with HQ is set aside (``sync-device.json.replaced-<UTC
    time>``): enroll again to sync the restored store.

    Raises:
        ValidationError: the file is not a usable backup; nothing was changed.
        StoreError: the store is open in another program (the desk, a sync), or the data folder
            cannot be written; nothing was changed.
    """
    info = inspect_backup(backup)
    data_dir = Path(data_dir)
    store = data_dir / STORE_FILE
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    held = _take_over(store) if store.exists() else None  # None too for a damaged store
    tmp: str | None = None
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".eskan-restore-", suffix=".part", dir=data_dir)
        os.close(fd)
        with (
            contextlib.closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as source,
            contextlib.closing(sqlite3.connect(tmp)) as target,
        ):
            source.backup(target)
        if store.exists():
            keep = data_dir / "backups"
            keep.mkdir(exist_ok=True)
            # Held exclusively and out of WAL mode (or damaged), the file is the whole store.
            shutil.copyfile(store, keep / f"eskan-before-restore-{stamp}.sqlite3")
        for suffix in ("-wal", "-shm"):
            Path(str(store) + suffix).unlink(missing_ok=True)
        os.replace(tmp, store)
        tmp = None
        identity = data_dir / IDENTITY_FILE
        if identity.exists():
            os.replace(identity, data_dir / f"{IDENTITY_FILE}.replaced-{stamp}")
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(
            N_("Cannot write {path}: {reason}"),
            {"path": store, "reason": getattr(exc, "strerror", None) or str(exc)},
        ) from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        if held is not None:
            held.close()
    return info


def _take_over(store: Path) -> sqlite3.Connection | None:
    """The live store, held exclusively until it is replaced: refused while any other program
    has it open. A program that kept it open would go on writing into the replaced file, and
    what it wrote would be in neither store.

    Leaving WAL mode needs the only connection to the file (every connection holds the shared
    memory while open), so it tells whether another program has the store open; the WAL is
    checkpointed into the file on the way, so a copy of the file kept in ``backups/`` is the
    whole store. The exclusive transaction then keeps anyone from reading or writing it until
    it is replaced. A damaged store (the usual reason to restore) is not held: no program can
    be using it.
    """
    conn = sqlite3.connect(store, timeout=0.2, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError("database is locked")
        conn.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as exc:
        conn.close()
        explained = unusable_store(exc, store)
        if explained is not None and explained.message == DAMAGED_MESSAGE:
            return None
        raise StoreError(LOCKED_MESSAGE, {"path": store}) from exc
    return conn
