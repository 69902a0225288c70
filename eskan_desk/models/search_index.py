"""The SQLite FTS5 index (made by migration 0001) over normalised names and numbers.

FTS5's own tokenizer neither strips Arabic harakat nor folds hamza forms, so the index holds the
output of :func:`eskan_desk.domain.arabic.normalize_for_search` and queries are normalised the same
way. ``prefix='2 3 4'`` makes prefix queries (``عبد*``) index lookups instead of scans.

FTS rows are keyed by a stable integer from ``fts_beneficiary_keys`` (a plain table's implicit
rowid may change on VACUUM). Only SQLite stores have this index; HQ on PostgreSQL does not search.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

TABLE = "fts_beneficiary"
KEYS = "fts_beneficiary_keys"
PREFIX = "fts_"  # every object of the index; migrations' model comparison skips them


def index_rows(conn: Connection, rows: Iterable[tuple[str, str, str]]) -> None:
    """(Re)index ``(beneficiary_id, normalised_name, numbers)`` rows in the current transaction."""
    for beneficiary_id, name, numbers in rows:
        conn.execute(
            text(f"INSERT OR IGNORE INTO {KEYS}(beneficiary_id) VALUES (:b)"), {"b": beneficiary_id}
        )
        rowid = conn.execute(
            text(f"SELECT rowid FROM {KEYS} WHERE beneficiary_id = :b"), {"b": beneficiary_id}
        ).scalar_one()
        conn.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :r"), {"r": rowid})
        conn.execute(
            text(f"INSERT INTO {TABLE}(rowid, name, numbers) VALUES (:r, :n, :d)"),
            {"r": rowid, "n": name, "d": numbers},
        )


def unindex(conn: Connection, beneficiary_id: str) -> None:
    """Remove a (tombstoned) beneficiary from the index."""
    conn.execute(
        text(
            f"DELETE FROM {TABLE} WHERE rowid = "
            f"(SELECT rowid FROM {KEYS} WHERE beneficiary_id = :b)"
        ),
        {"b": beneficiary_id},
    )
