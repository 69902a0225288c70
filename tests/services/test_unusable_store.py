"""A store that becomes unusable after it was opened: locked by another program, a full disk,
a damaged page. Each gives a StoreError that names the store and the reason, in the user's
language; nothing half-written is stored. All on a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest

from eskan_desk.app import STORE_FILE, open_context
from eskan_desk.domain.errors import StoreError
from eskan_desk.i18n import render_error
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.search import count_beneficiaries, search_beneficiaries

from .helpers import applicant


def test_a_write_while_another_program_holds_the_lock(data_dir, clock, monkeypatch):
    from eskan_desk.models import engine as engine_module

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    ctx = open_context(data_dir, create=False, now=clock)
    try:
        from eskan_desk.services.staff import resolve_actor

        admin = resolve_actor(ctx, "admin")
        before = count_beneficiaries(ctx)
        holder = sqlite3.connect(data_dir / STORE_FILE)
        holder.execute("BEGIN IMMEDIATE")  # another program is writing
        try:
            with pytest.raises(StoreError) as err:
                register_beneficiary(ctx, admin, applicant())
        finally:
            holder.rollback()
            holder.close()
        assert render_error(err.value).startswith("قاعدة البيانات")
        assert str(data_dir / STORE_FILE) in render_error(err.value)
        assert count_beneficiaries(ctx) == before
        register_beneficiary(ctx, admin, applicant())  # the lock gone, the same write works
        assert count_beneficiaries(ctx) == before + 1
    finally:
        ctx.close()


def test_a_full_disk_stores_nothing_and_says_so(ctx, admin):
    """SQLite's own limit on the file's pages stands in for the disk: the error is SQLite's
    real SQLITE_FULL, raised where a full disk raises it."""
    from sqlalchemy import event

    engine = ctx.store.engine
    with ctx.store.read() as session:
        pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar()

    def limit(dbapi_conn, _record, _proxy):
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "checkout", limit)
    try:
        with pytest.raises(StoreError) as err:
            for n in range(500):  # until the file would have to grow
                before = count_beneficiaries(ctx)
                register_beneficiary(ctx, admin, applicant(national_id=_national_id(n)))
        assert "ممتلئ" in render_error(err.value) and "لم يُحفظ شيء" in render_error(err.value)
        assert count_beneficiaries(ctx) == before  # the refused one left nothing behind
    finally:
        event.remove(engine, "checkout", limit)
    engine.dispose()  # connections made without the limit from here on
    register_beneficiary(ctx, admin, applicant(national_id=_national_id(999)))


def _national_id(n: int) -> str:
    """A valid Saudi national ID (Luhn check digit), different for each ``n``."""
    body = f"1{n:08d}"
    total = 0
    for i, ch in enumerate(body):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return body + str((10 - total % 10) % 10)


def test_a_page_damaged_after_start_up(data_dir, clock, admin, ctx):
    register_beneficiary(ctx, admin, applicant())
    ctx.close()
    raw = sqlite3.connect(data_dir / STORE_FILE)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (root,) = raw.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'beneficiaries'"
    ).fetchone()
    (page_size,) = raw.execute("PRAGMA page_size").fetchone()
    raw.close()
    with open(data_dir / STORE_FILE, "r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * page_size)
    damaged = open_context(data_dir, create=False, now=clock)  # opening reads other pages
    try:
        with pytest.raises(StoreError) as err:
            search_beneficiaries(damaged, "فاطمة")
        assert "تالفة" in render_error(err.value)
    finally:
        damaged.close()
