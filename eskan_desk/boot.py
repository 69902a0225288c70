"""The first second of the desktop app: what the sign-in screen needs, read without the ORM.

Importing SQLAlchemy and the models costs most of a cold start. A store that is ready (set up,
at the newest migration, readable) needs none of it to show the sign-in screen: its language,
digits and idle-lock minutes are three rows read here with the core of :mod:`sqlite3`. The
desktop app shows the sign-in screen from these and imports the rest while the receptionist
types.
Anything unusual (no store, a new one, a migration due, locked, damaged) returns None and the
app starts the full way, which explains the problem.

This module imports neither Qt nor SQLAlchemy; a test keeps it so.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

try:
    # The sqlite3 package's own core: the package adds only the DB-API's date and time
    # adapters, and importing them (datetime, dbapi2) cost 3-5 ms before the sign-in screen.
    # The full package is the fallback wherever the core is not separate.
    from _sqlite3 import Error as SqliteError
    from _sqlite3 import connect
except ImportError:  # pragma: no cover (CPython has it)
    from sqlite3 import Error as SqliteError
    from sqlite3 import connect

STORE_FILE = "eskan.sqlite3"
ENV_DATA_DIR = "ESKAN_DATA_DIR"
MIGRATIONS = Path(__file__).resolve().parent / "models" / "migrations" / "versions"
BRANCH_KEY = "branch_id"  # the sync_state row written when the store is set up


def default_data_dir() -> Path:
    """``ESKAN_DATA_DIR``, else the user data directory."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("eskan-desk", appauthor=False))


def head_revision() -> str:
    """The newest migration: revision ids are the file names' numbers (``0002_…py`` → "0002")."""
    return max(p.name.split("_", 1)[0] for p in MIGRATIONS.glob("[0-9]*_*.py"))


class ReadyStore(NamedTuple):  # not a dataclass: importing dataclasses costs 2 ms here
    """A store that can go straight to sign-in, and its saved preferences (None: not saved)."""

    data_dir: Path
    language: str | None
    digits: str | None
    idle_lock_minutes: int | None


def ready_store(data_dir: Path) -> ReadyStore | None:
    """The store in ``data_dir`` if it is ready for sign-in as it is, else None."""
    db = data_dir / STORE_FILE
    if not db.is_file():
        return None
    try:
        conn = connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except SqliteError:
        return None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        if revision != [(head_revision(),)]:
            return None
        if not conn.execute("SELECT 1 FROM sync_state WHERE key = ?", (BRANCH_KEY,)).fetchone():
            return None
        saved = dict(conn.execute("SELECT key, value FROM settings").fetchall())
    except SqliteError:
        return None
    finally:
        conn.close()
    minutes = saved.get("idle_lock_minutes")
    return ReadyStore(
        data_dir=data_dir,
        language=saved.get("language"),
        digits=saved.get("digits"),
        idle_lock_minutes=int(minutes) if minutes and str(minutes).isdigit() else None,
    )
