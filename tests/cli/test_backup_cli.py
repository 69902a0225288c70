"""``eskan backup`` and ``eskan restore``: a live copy, restored whole, never with the sync key."""

from __future__ import annotations

import json
import shutil

from eskan_desk.app import STORE_FILE
from tests.cli.test_cli import ADD, eskan, init_store


def test_backup_then_restore_brings_the_records_back(tmp_path):
    live, other = tmp_path / "live", tmp_path / "other"
    init_store(live)
    assert eskan(live, *ADD, "--json").returncode == 0
    r = eskan(live, "backup", "--out", str(tmp_path / "kms.bak"), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["branch"] == "KMS"
    # The PC was enrolled: the key must not travel with the backup, and a restore sets it aside.
    (live / "sync-device.json").write_text("{}")
    r = eskan(other, "restore", str(tmp_path / "kms.bak"), "--json")
    assert r.returncode == 0, r.stderr
    found = json.loads(eskan(other, "search", "نورة", "--json").stdout)
    assert [b["national_id"] for b in found] == ["1000000008"]
    r = eskan(live, "restore", str(tmp_path / "kms.bak"))
    assert r.returncode == 0, r.stderr
    assert not (live / "sync-device.json").exists()
    assert list(live.glob("sync-device.json.replaced-*"))
    assert list((live / "backups").glob("eskan-before-restore-*.sqlite3"))


def test_a_file_that_is_not_a_backup_changes_nothing(tmp_path):
    live = tmp_path / "live"
    init_store(live)
    before = (live / STORE_FILE).read_bytes()
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"not a database at all" * 100)
    r = eskan(live, "restore", str(junk))
    assert r.returncode == 1
    assert "junk.bak" in r.stderr and "ملف" in r.stderr  # the field and the rule, in Arabic
    assert (live / STORE_FILE).read_bytes() == before
    half = tmp_path / "half.bak"
    shutil.copy(live / STORE_FILE, half)
    half.write_bytes(half.read_bytes()[:4096])  # a copy cut short on a full USB stick
    assert eskan(live, "restore", str(half)).returncode == 1
    assert (live / STORE_FILE).read_bytes() == before
