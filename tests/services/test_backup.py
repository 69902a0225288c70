"""Restoring a backup never loses the store it replaces, and never replaces a store in use."""

from __future__ import annotations

import pytest

from eskan_desk.app import STORE_FILE, open_context
from eskan_desk.domain.errors import StoreError
from eskan_desk.i18n import render_error
from eskan_desk.services.backup import backup_store, restore_store
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.search import count_beneficiaries
from eskan_desk.services.staff import resolve_actor

from .helpers import applicant


def test_each_restore_keeps_the_store_it_replaced(data_dir, clock, tmp_path):
    ctx = open_context(data_dir, create=False, now=clock)
    old = backup_store(ctx, tmp_path / "old.bak")  # before the new family
    register_beneficiary(ctx, resolve_actor(ctx, "admin"), applicant())
    ctx.close()
    restore_store(data_dir, old.path)  # the wrong file, by mistake
    restore_store(data_dir, old.path)  # and again
    kept = sorted((data_dir / "backups").glob("eskan-before-restore-*.sqlite3"))
    assert len(kept) == 2
    restore_store(data_dir, kept[0])  # the first copy still holds the new family
    ctx = open_context(data_dir, create=False, now=clock)
    try:
        assert count_beneficiaries(ctx) == 1
    finally:
        ctx.close()


def test_a_store_open_in_another_program_is_not_replaced(data_dir, clock, tmp_path):
    ctx = open_context(data_dir, create=False, now=clock)
    try:
        backup = backup_store(ctx, tmp_path / "b.bak")
        register_beneficiary(ctx, resolve_actor(ctx, "admin"), applicant())
        before = (data_dir / STORE_FILE).stat().st_ino
        with pytest.raises(StoreError) as err:
            restore_store(data_dir, backup.path)  # the desk (this context) still has it open
        assert "مقفلة" in render_error(err.value) or "برنامج" in render_error(err.value)
        assert (data_dir / STORE_FILE).stat().st_ino == before
        assert not list((data_dir / "backups").glob("eskan-before-restore-*"))
        register_beneficiary(ctx, resolve_actor(ctx, "admin"), applicant(national_id="1000000016"))
        assert count_beneficiaries(ctx) == 2  # the open store goes on working
    finally:
        ctx.close()
    restore_store(data_dir, backup.path)  # closed: now it may be replaced


def test_an_emptied_store_file_is_damaged_not_new(data_dir, clock):
    open_context(data_dir, create=False, now=clock).close()  # the folder has held a store
    (data_dir / STORE_FILE).write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        (data_dir / (STORE_FILE + suffix)).unlink(missing_ok=True)
    with pytest.raises(StoreError) as err:
        open_context(data_dir, create=True, now=clock)
    assert "تالفة" in render_error(err.value)
    assert (data_dir / STORE_FILE).stat().st_size == 0  # nothing was built in its place


def test_an_empty_file_is_not_opened_as_a_store_without_init(tmp_path, clock):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / STORE_FILE).write_bytes(b"")
    with pytest.raises(StoreError):
        open_context(data_dir, create=False, now=clock)
    assert (data_dir / STORE_FILE).stat().st_size == 0


def test_a_damaged_store_is_replaced_and_kept(data_dir, clock, tmp_path):
    ctx = open_context(data_dir, create=False, now=clock)
    backup = backup_store(ctx, tmp_path / "b.bak")
    ctx.close()
    (data_dir / STORE_FILE).write_bytes(b"garbage, not a database" * 500)
    for suffix in ("-wal", "-shm"):
        (data_dir / (STORE_FILE + suffix)).unlink(missing_ok=True)
    restore_store(data_dir, backup.path)
    (kept,) = (data_dir / "backups").glob("eskan-before-restore-*.sqlite3")
    assert kept.read_bytes().startswith(b"garbage")
    ctx = open_context(data_dir, create=False, now=clock)
    ctx.close()
