"""Apply the packaged Alembic migrations at start-up, keeping a copy of the file first."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from eskan_desk import boot
from eskan_desk.domain.errors import StoreError
from eskan_desk.domain.markers import N_

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
KEEP_BACKUPS = 5


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest migration, known without importing Alembic (half a second); see
    :func:`eskan_desk.boot.head_revision`. tests/migrations checks it agrees with Alembic."""
    return boot.head_revision()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def upgrade(engine: Engine, *, backup_dir: Path | None = None, target: str = "head") -> bool:
    """Bring the store to ``target``. Returns True when a migration ran.

    On SQLite the whole upgrade runs in one transaction (see ``engine.py``), so a failure leaves
    the file exactly as it was; the backup is a second line of defence.
    """
    current = current_revision(engine)
    if current == head_revision() and target == "head":
        return False
    if current is not None and not _known(current):
        # Made by a newer Eskan Desk (or not by Eskan Desk): Alembic cannot place it, and a
        # downgrade would lose what the newer version stores.
        raise StoreError(
            N_(
                "The data store {path} was made by a newer Eskan Desk (schema {schema}). Upgrade "
                "Eskan Desk on this PC first."
            ),
            {"path": engine.url.database or engine.url.render_as_string(), "schema": current},
        )
    if current is not None and backup_dir is not None and engine.dialect.name == "sqlite":
        backup_sqlite(engine, backup_dir, label=f"before-{head_revision()}")
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    return True


def _known(revision: str) -> bool:
    """Whether ``revision`` is one of the packaged migrations (their file names' numbers)."""
    return any(boot.MIGRATIONS.glob(f"{revision}_*.py")) if revision.isdigit() else False


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
