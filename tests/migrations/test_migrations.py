"""Migrations build the store from nothing, agree with the models, and fail without a trace."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from eskan_desk.app import STORE_FILE, open_context
from eskan_desk.models import Base, migrate
from eskan_desk.models.engine import make_engine, sqlite_url
from eskan_desk.models.search_index import PREFIX


def _include(obj, name, type_, reflected, compare_to):
    return not (name or "").startswith(PREFIX) and name != "alembic_version"


def test_upgrade_from_empty_reaches_head_and_matches_models(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "s.sqlite3"))
    assert migrate.upgrade(engine) is True
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": _include}
        )
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {"beneficiaries", "contacts", "audit_events", "sync_outbox", "fts_beneficiary"} <= tables
    assert migrate.upgrade(engine) is False  # idempotent
    engine.dispose()


def test_store_pragmas(ctx):
    with ctx.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_failed_ddl_leaves_nothing_half_done(tmp_path):
    """The transactional-DDL recipe: without it pysqlite commits CREATE TABLE on its own."""
    engine = make_engine(sqlite_url(tmp_path / "s.sqlite3"))
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
        conn.execute(text("INSERT INTO half_done VALUES (1)"))
        raise RuntimeError("migration step failed")
    assert "half_done" not in inspect(engine).get_table_names()
    engine.dispose()


def test_a_migration_that_fails_rolls_back_whole(tmp_path, monkeypatch):
    engine = make_engine(sqlite_url(tmp_path / "s.sqlite3"))
    from alembic import command

    real_upgrade = command.upgrade

    def failing(cfg, target):
        real_upgrade(cfg, target)  # every table created in this transaction...
        raise RuntimeError("power cut")  # ...then the process dies before commit

    monkeypatch.setattr(command, "upgrade", failing)
    with pytest.raises(RuntimeError):
        migrate.upgrade(engine)
    assert inspect(engine).get_table_names() == []
    engine.dispose()


def test_upgrade_of_an_existing_store_keeps_a_backup_first(data_dir):
    db = data_dir / STORE_FILE
    revisions = sorted(p.name.split("_", 1)[0] for p in migrate.boot.MIGRATIONS.glob("0*_*.py"))
    with sqlite3.connect(db) as conn:  # pretend the store predates the newest migration
        conn.execute("UPDATE alembic_version SET version_num = ?", (revisions[-2],))
    engine = make_engine(sqlite_url(db))
    backups = data_dir / "backups"
    with pytest.raises(Exception):  # noqa: B017 - the newest migration, run again, fails
        migrate.upgrade(engine, backup_dir=backups)
    engine.dispose()
    copies = list(backups.glob("eskan-*.sqlite3"))
    assert len(copies) == 1
    with sqlite3.connect(copies[0]) as conn:
        assert conn.execute("SELECT count(*) FROM staff").fetchone()[0] == 1


def test_missing_store_is_a_clear_error(tmp_path):
    from eskan_desk.domain.errors import StoreError

    with pytest.raises(StoreError) as err:
        open_context(tmp_path / "nowhere", create=False)
    assert "eskan init" in str(err.value)


def test_damaged_store_is_a_clear_error(tmp_path):
    from eskan_desk.domain.errors import StoreError

    (tmp_path / STORE_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as err:
        open_context(tmp_path)
    assert "damaged" in str(err.value)


def test_a_lost_store_is_reported_not_replaced(data_dir):
    from eskan_desk.domain.errors import StoreError

    open_context(data_dir).close()
    (data_dir / STORE_FILE).unlink()
    for suffix in ("-wal", "-shm"):
        (data_dir / (STORE_FILE + suffix)).unlink(missing_ok=True)
    with pytest.raises(StoreError) as err:
        open_context(data_dir, create=True)
    assert "missing" in str(err.value) and "backups" in str(err.value)
    assert not (data_dir / STORE_FILE).exists()


def test_a_store_locked_by_another_program_is_a_clear_error(data_dir, monkeypatch):
    from eskan_desk.domain.errors import StoreError
    from eskan_desk.models import engine as engine_module

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(data_dir / STORE_FILE)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as err:
            open_context(data_dir)
        assert "locked" in str(err.value)
    finally:
        holder.rollback()
        holder.close()


def test_head_revision_without_alembic_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    assert (
        migrate.head_revision()
        == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    )


@pytest.mark.parametrize("sqlite_version", [None, (3, 34, 1)])
def test_0009_drops_the_outbox_acknowledgement_column_and_keeps_every_change(
    tmp_path, monkeypatch, sqlite_version
):
    """In place on SQLite 3.35+; by copying the table on an older SQLite (as some Linux
    distributions ship: the version number is the one thing this test stands in for)."""
    engine = make_engine(sqlite_url(tmp_path / "s.sqlite3"))
    migrate.upgrade(engine, target="0008")
    with engine.begin() as conn:
        for i in range(1, 4):
            conn.execute(
                text(
                    "INSERT INTO sync_outbox (change_id, entity, entity_id, op, version, payload,"
                    " created_at, batch_seq, acked_at) VALUES (:c, 'contacts', :e, 'upsert', 1,"
                    " '{}', '2026-11-27 10:00:00', :b, :a)"
                ),
                {"c": f"c{i}", "e": f"e{i}", "b": 1 if i < 3 else None,
                 "a": "2026-11-27 10:05:00" if i < 3 else None},
            )  # fmt: skip
    if sqlite_version is not None:
        monkeypatch.setattr(sqlite3, "sqlite_version_info", sqlite_version)
    assert migrate.upgrade(engine) is True
    insp = inspect(engine)
    assert "acked_at" not in {c["name"] for c in insp.get_columns("sync_outbox")}
    assert {"ix_sync_outbox_entity_seq", "ix_sync_outbox_pending"} <= {
        ix["name"] for ix in insp.get_indexes("sync_outbox")
    }
    with engine.connect() as conn:
        kept = conn.execute(
            text("SELECT seq, change_id, batch_seq FROM sync_outbox ORDER BY seq")
        ).all()
    assert [tuple(r) for r in kept] == [(1, "c1", 1), (2, "c2", 1), (3, "c3", None)]
    engine.dispose()


def test_a_store_from_a_newer_version_is_refused_with_a_clear_message(data_dir):
    from eskan_desk.domain.errors import StoreError
    from eskan_desk.i18n import render_error

    conn = sqlite3.connect(data_dir / STORE_FILE)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = (data_dir / STORE_FILE).read_bytes()
    with pytest.raises(StoreError) as err:
        open_context(data_dir, create=False)
    assert "9999" in render_error(err.value) and "أحدث" in render_error(err.value)
    assert (data_dir / STORE_FILE).read_bytes() == before
