"""The application context, without Qt: paths, the store, migrations and the clock.

The desktop app (``eskan_desk.ui``), the CLI (``eskan_desk.cli``) and tests all start here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from eskan_desk.boot import STORE_FILE, default_data_dir
from eskan_desk.domain.errors import StoreError
from eskan_desk.domain.hlc import HybridClock
from eskan_desk.domain.markers import N_
from eskan_desk.models import migrate
from eskan_desk.models.engine import (
    DAMAGED_MESSAGE,
    LOCKED_MESSAGE,
    Store,
    make_engine,
    sqlite_url,
    unusable_store,
)
from eskan_desk.services.changes import ChangeRecorder

STORE_MARKER = "eskan-store.txt"  # written once a store exists here


@dataclass
class AppContext:
    """What every use case needs. Tests build one per store; ``now`` is injectable."""

    data_dir: Path
    store: Store
    recorder: ChangeRecorder
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))

    @property
    def db_path(self) -> Path:
        return self.data_dir / STORE_FILE

    def close(self) -> None:
        self.store.dispose()


def open_context(
    data_dir: Path | None = None,
    *,
    create: bool = True,
    now: Callable[[], dt.datetime] | None = None,
) -> AppContext:
    """Open (and if needed create and migrate) the store in ``data_dir``.

    Raises:
        StoreError: the store is missing (and ``create`` is false), locked or unreadable.
    """
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    db_path = data_dir / STORE_FILE
    if not db_path.exists():
        if (data_dir / STORE_MARKER).exists():
            # The folder held a store once: never silently start an empty one in its place.
            raise StoreError(
                N_("The data store {path} is missing. Restore it from a backup in {backups}."),
                {"path": db_path, "backups": data_dir / "backups"},
            )
        if not create:
            raise StoreError(
                N_("No data store at {path}. Run 'eskan init' first."), {"path": db_path}
            )
    elif db_path.stat().st_size == 0 and (not create or (data_dir / STORE_MARKER).exists()):
        # Emptied (a failed copy, a full disk): SQLite would take it for a new store.
        raise StoreError(DAMAGED_MESSAGE, {"path": db_path})
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            N_("Cannot create the data folder {path}: {reason}"),
            {"path": data_dir, "reason": exc.strerror},
        ) from exc
    engine = make_engine(sqlite_url(db_path))
    try:
        _check_readable(engine)
        migrate.upgrade(engine, backup_dir=data_dir / "backups")
        (data_dir / STORE_MARKER).write_text(STORE_FILE + "\n", encoding="utf-8")
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise _store_error(exc, db_path) from exc
    clock_now = now or (lambda: dt.datetime.now(dt.UTC))
    recorder = ChangeRecorder(HybridClock(), now=clock_now)
    store = Store(engine)
    with store.read() as session:
        recorder.restore_clock(session)
    return AppContext(data_dir=data_dir, store=store, recorder=recorder, now=clock_now)


def _check_readable(engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM sqlite_master"))
        conn.rollback()


def _store_error(exc: Exception, path: Path) -> StoreError:
    explained = unusable_store(exc, path)
    if explained is not None:
        return explained
    reason = str(getattr(exc, "orig", exc))
    if "locked" in reason or "busy" in reason:
        return StoreError(LOCKED_MESSAGE, {"path": path})
    if "not a database" in reason or "malformed" in reason:
        return StoreError(DAMAGED_MESSAGE, {"path": path})
    return StoreError(
        N_("Cannot open the data store {path}: {reason}"), {"path": path, "reason": reason}
    )
