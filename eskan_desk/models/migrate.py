"""Apply the packaged Alembic migrations at start-up, keeping a copy of the file first."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
KEEP_BACKUPS = 5


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, *, backup_dir: Path | None = None, target: str = "head") -> bool:
    """Bring the store to ``target``. Returns True when a migration ran.

    On SQLite the whole upgrade runs in one transaction (see ``engine.py``), so a failure leaves
    the file exactly as it was; the backup is a second line of defence.
    """
    current = current_revision(engine)
    if current == head_revision() and target == "head":
        return False
    if current is not None and backup_dir is not None and engine.dialect.name == "sqlite":
        backup_sqlite(engine, backup_dir, label=f"before-{head_revision()}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    return True


def backup_sqlite(engine: Engine, backup_dir: Path, *, label: str) -> Path:
    """Copy the live store (WAL included) with SQLite's online backup API."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    dest = backup_dir / f"eskan-{stamp}-{label}.sqlite3"
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(dest) as target:
            raw.driver_connection.backup(target)  # type: ignore[union-attr]
    finally:
        raw.close()
    _prune(backup_dir)
    return dest


def _prune(backup_dir: Path) -> None:
    backups = sorted(backup_dir.glob("eskan-*.sqlite3"))
    for old in backups[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
