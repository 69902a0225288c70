"""Command-line mistakes end in one line naming the field and the rule, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.cli.test_cli import ADD, ROOT, eskan, init_store


def test_a_document_file_that_cannot_be_read(tmp_path):
    store = init_store(tmp_path / "d")
    for path in (tmp_path / "nowhere.pdf", tmp_path):  # missing, and a folder
        r = eskan(
            store, "requests", "document", "KMS-REQ-2026-000001", "family_card", "--file", str(path)
        )
        assert r.returncode == 1, r.stderr
        assert "Traceback" not in r.stderr and "الملف" in r.stderr and str(path) in r.stderr


def test_an_hq_address_that_is_not_a_url(tmp_path):
    store = init_store(tmp_path / "d")
    r = eskan(store, "sync", "enroll", "--hq", "http://[::1", "--code", "ABCD-EFGH")
    assert "Traceback" not in r.stderr and "http://[::1" in r.stderr
    assert r.returncode != 0
    for url in ("http://127.0.0.1:87a9", "http://127.0.0.1:99999"):  # the port is wrong
        r = eskan(store, "sync", "enroll", "--hq", url, "--code", "ABCD-EFGH")
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert (
            r.stderr.strip()
            == f"المنفذ في عنوان المقر الرئيسي يجب أن يكون رقمًا من 1 إلى 65535: {url}"
        )
    # pasted with a space after it: the address is read without it
    r = eskan(store, "sync", "enroll", "--hq", "http://127.0.0.1:1 ", "--code", "ABCD-EFGH")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "على http://127.0.0.1:1 (لا شيء يجيب على ذلك المنفذ)" in r.stderr  # not the OS English


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    store = init_store(tmp_path / "d")
    assert eskan(store, *ADD).returncode == 0
    env = {**os.environ, "ESKAN_LANG": "ar", "PYTHONPATH": str(ROOT)}
    reader = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eskan_desk.cli",
            "--data-dir",
            str(store),
            "search",
            "نورة",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    reader.stdout.close()  # like "| head -0": nobody reads
    _out, err = reader.communicate(timeout=120)
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_eskan_hq_on_a_file_that_is_not_a_database(tmp_path):
    from tests.sync.conftest import run_cli

    garbage = tmp_path / "hq.db"
    garbage.write_bytes(b"\x13not a database\x00" * 400)
    done = run_cli("hq", "--database-url", f"sqlite:///{garbage}", "branches")
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and str(garbage) in done.stderr


def test_eskan_hq_database_addresses_that_cannot_be_used(tmp_path):
    """A mistyped SQLite path is not a new, empty HQ; an unknown dialect or a missing driver
    is one line naming the address, exit 3 (the database cannot be used)."""
    from tests.sync.conftest import run_cli

    missing = tmp_path / "hq.sqlit3"
    for url in (
        f"sqlite:///{missing}",
        "postgres://postgres@127.0.0.1:5432/x",  # SQLAlchemy's name is "postgresql"
        "notaurl",
        "mysql://x@y/z",  # no driver installed
    ):
        done = run_cli("hq", "--database-url", url, "branches")
        assert done.returncode == 3, (url, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert not missing.exists()
    # enroll may start a new HQ database: it is often the first command on a new HQ
    done = run_cli("hq", "--database-url", f"sqlite:///{missing}", "enroll", "--branch", "kms ")
    assert done.returncode == 0 and missing.is_file(), done.stderr
    assert "branch KMS;" in done.stderr
    for bad in ("خمس", "KMS1", "ABCDEFGH"):  # no branch store can have such a code
        done = run_cli("hq", "--database-url", f"sqlite:///{missing}", "enroll", "--branch", bad)
        assert done.returncode == 1 and "2 to 4 Latin letters" in done.stderr, done.stderr


def test_eskan_hq_serve_refuses_what_would_stop_it_before_it_starts(tmp_path):
    import socket

    from tests.sync.conftest import run_cli

    url = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    for args, rc, said in (
        (["--port", "99999"], 2, "must be from 1 to 65535"),
        (["--port", "abc"], 2, "must be a whole number"),
        (["--workers", "0"], 2, "must be at least 1"),
        (["--ssl-certfile", str(tmp_path / "nope.pem")], 1, "no such file"),
    ):
        done = run_cli("hq", "--database-url", url, "serve", *args, timeout=60)
        assert done.returncode == rc and said in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr and "serving" not in done.stderr
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = str(busy.getsockname()[1])
        done = run_cli("hq", "--database-url", url, "serve", "--port", port, timeout=60)
    assert done.returncode == 1 and "already listening" in done.stderr, done.stderr
    assert "serving" not in done.stderr


def test_a_mistaken_command_line_is_one_line_in_the_ui_language(tmp_path):
    store = init_store(tmp_path / "d")
    r = eskan(store, "search", "--limit", "abc", "نورة")
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "--limit" in r.stderr and "قيمة غير صالحة" in r.stderr
    r = eskan(store, "search", "--limit", "abc", "x", lang="en")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "invalid int value" in r.stderr
