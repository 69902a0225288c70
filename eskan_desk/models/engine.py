"""The one place engines are made: change the driver (e.g. SQLCipher later) here only."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from eskan_desk.domain.errors import StoreError
from eskan_desk.domain.markers import N_

BUSY_TIMEOUT_MS = 5000
CACHE_KB = 64 * 1024  # page cache per connection; SQLite's default 2 MB is tiny


# SQLite's primary result codes that say the store itself cannot be used just now, and what
# the user is told. Any other error (a constraint, a bug) is raised as it is.
LOCKED_MESSAGE = N_("The data store {path} is locked by another program. Close it and try again.")
DAMAGED_MESSAGE = N_("The data store {path} is damaged. Restore it from a backup.")
_UNUSABLE = {
    5: LOCKED_MESSAGE,  # SQLITE_BUSY
    6: LOCKED_MESSAGE,  # SQLITE_LOCKED
    8: N_("The data store {path} cannot be written (it is read-only). Nothing was saved."),
    10: N_("The data store {path} could not be read or written (a disk error). Nothing was saved."),
    11: DAMAGED_MESSAGE,  # SQLITE_CORRUPT
    13: N_(
        "The disk that holds the data store {path} is full. Nothing was saved: free some "
        "space and try again."
    ),
    26: DAMAGED_MESSAGE,  # SQLITE_NOTADB
}


def unusable_store(exc: BaseException, path: Path | str) -> StoreError | None:
    """The user's message for a driver error saying that the store cannot be used as it is
    (locked, full, read-only, a disk error, damaged); None for any other error."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if not isinstance(orig, sqlite3.Error) or code is None:
        return None
    message = _UNUSABLE.get(code & 0xFF)
    return StoreError(message, {"path": path}) if message else None


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, FULL sync and transactional DDL."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction starts, so DDL is transactional
        # too (a failed migration rolls back whole instead of leaving _alembic_tmp_* tables).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA cache_size=-{CACHE_KB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that later tries to write
        # can fail with SQLITE_BUSY when another process committed in between.
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


class Store:
    """An engine plus short-lived sessions; services never hold a session across calls."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        writer = (
            engine.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            if engine.dialect.name == "sqlite"
            else engine
        )
        self._write = sessionmaker(writer, expire_on_commit=False)
        self._local = threading.local()
        self._raw: list[Any] = []

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def _explained(self) -> Iterator[None]:
        """A store that cannot be used (locked by another program, a full disk, damaged since
        it was opened) raises :class:`StoreError` with the reason, not the driver's error."""
        try:
            yield
        except (DBAPIError, sqlite3.Error) as exc:
            self._explain(exc)
            raise

    def _explain(self, exc: BaseException) -> None:
        """Raise the StoreError that explains ``exc``, if it says the store is unusable."""
        err = unusable_store(exc, self.engine.url.database or "")
        if err is not None:
            raise err from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        # Closing (not rolling back) ends the read transaction and keeps loaded rows readable.
        with self._explained(), self._read() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        with self._explained(), self._write() as session, session.begin():
            yield session

    @contextmanager
    def rehearsal(self) -> Iterator[Session]:
        """A write session that is always rolled back: its statements run, and are compiled
        and cached for the real write that follows, but nothing is stored."""
        with self._explained(), self._write() as session:
            session.begin()
            try:
                yield session
                session.flush()
            finally:
                session.rollback()

    def fetch(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read-only SQL statement on this thread's own DBAPI connection.

        For hot read paths (search as you type): no session, no statement compilation. Each
        statement sees the latest committed data (autocommit reads under WAL).
        """
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self.engine.raw_connection()
            self._raw.append(conn)
        try:  # not _explained(): a try costs nothing here, on every keystroke's search
            cur = conn.driver_connection.execute(sql, params)
            try:
                return cur.fetchall()
            finally:
                cur.close()
        except sqlite3.Error as exc:
            self._explain(exc)
            raise

    def dispose(self) -> None:
        for conn in self._raw:
            with contextlib.suppress(Exception):
                conn.close()
        self._raw.clear()
        self.engine.dispose()
