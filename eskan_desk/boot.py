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
import sys
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


APP_DIR_NAME = "eskan-desk"


def default_data_dir() -> Path:
    """``ESKAN_DATA_DIR``, else the user data directory (``platformdirs``)."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    found = xdg_user_data_dir()
    if found is not None:
        return Path(found)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def xdg_user_data_dir() -> str | None:
    """``platformdirs.user_data_dir`` on Linux, in its common case, without importing it:
    ``$XDG_DATA_HOME/eskan-desk`` when that is an absolute path, else
    ``$HOME/.local/share/eskan-desk`` when ``HOME`` is absolute. None for anything else
    (another system, Android, no usable ``HOME``), which platformdirs then answers.

    Importing platformdirs costs 8-11 ms before the sign-in screen of every start. A test
    holds this answer equal to platformdirs' over the environments it covers.
    """
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel"):
        return None
    if os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system":
        return None  # platformdirs may take this for an Android app
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if xdg.startswith("/"):
        return os.path.join(xdg, APP_DIR_NAME)
    home = os.environ.get("HOME", "")
    if not home.startswith("/"):
        return None
    return os.path.join(os.path.expanduser("~/.local/share"), APP_DIR_NAME)


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
