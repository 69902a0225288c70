"""The ``eskan`` command line end to end, in subprocesses, as operators and jobs run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def eskan(
    data_dir: Path, *args: str, stdin: str = "", lang: str = "ar", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ESKAN_LANG": lang, "PYTHONPATH": str(ROOT), **(env or {})}
    full_env.pop("ESKAN_ADMIN_PASSWORD", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "eskan_desk.cli", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def init_store(d: Path) -> Path:
    """``eskan init`` of branch KMS with an administrator, in ``d``."""
    r = eskan(
        d,
        "init",
        "--branch",
        "KMS",
        "--branch-name",
        "فرع خميس مشيط",
        "--admin",
        "admin",
        stdin="s3cret-pass\n",
        lang="en",
    )
    assert r.returncode == 0, r.stderr
    assert "KMS" in r.stdout
    return d


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return init_store(tmp_path_factory.mktemp("cli"))


ADD = [
    "beneficiaries",
    "add",
    "--national-id",
    "1000000008",
    "--first-name",
    "نورة",
    "--father-name",
    "محمد",
    "--grandfather-name",
    "علي",
    "--family-name",
    "العسيري",
    "--mobile",
    "055 123 4567",
    "--gender",
    "f",
    "--birth-date",
    "1402",
    "--json",
]


def test_add_show_search_and_contact(store):
    r = eskan(store, *ADD)
    assert r.returncode == 0, r.stderr
    ben = json.loads(r.stdout)
    assert {"id", "file_no", "national_id", "full_name", "mobile"} <= set(ben)
    assert ben["mobile"] == "+966551234567" and ben["file_no"] == "KMS-2026-000001"

    r = eskan(store, "search", "نوره العسيرى", "--json")
    assert r.returncode == 0, r.stderr
    found = json.loads(r.stdout)
    assert isinstance(found, list) and [b["id"] for b in found] == [ben["id"]]
    assert {"id", "file_no", "national_id", "full_name", "mobile"} <= set(found[0])

    r = eskan(
        store,
        "contacts",
        "add",
        "--beneficiary",
        ben["file_no"],
        "--channel",
        "letter",
        "--summary",
        "خطاب من الضمان الاجتماعي",
        "--letter-ref",
        "1448/77",
        "--at",
        "2026-11-02T09:30",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    contact = json.loads(r.stdout)
    assert {"id", "channel", "at"} <= set(contact)
    assert contact["at"] == "2026-11-02T06:30:00Z" and contact["back_entered"] is True

    r = eskan(store, "beneficiaries", "show", ben["file_no"], "--json")
    shown = json.loads(r.stdout)
    assert [c["id"] for c in shown["contacts"]] == [contact["id"]]

    r = eskan(store, "audit", "verify", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["ok"] is True


def test_refusals_are_one_line_in_arabic_with_exit_1(store):
    bad = [a if a != "1000000008" else "1000000009" for a in ADD]
    r = eskan(store, *bad)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert lines[0].startswith("رقم الهوية")  # the field, in Arabic
    r = eskan(store, *bad, lang="en")
    assert r.stderr.strip().startswith("National ID:")


def test_duplicate_names_the_existing_file(store):
    eskan(store, *ADD)
    r = eskan(store, *ADD, lang="en")
    assert r.returncode == 1
    assert "KMS-2026-000001" in r.stderr


def test_missing_store_exit_3(tmp_path):
    r = eskan(tmp_path / "none", "search", "x", lang="en")
    assert r.returncode == 3
    assert "eskan init" in r.stderr and "Traceback" not in r.stderr


def test_init_twice_is_refused(store):
    r = eskan(
        store,
        "init",
        "--branch",
        "ABH",
        "--branch-name",
        "أبها",
        "--admin",
        "root2",
        stdin="another-pass\n",
        lang="en",
    )
    assert r.returncode == 1 and "KMS" in r.stderr


def test_demo_is_deterministic_with_a_seed(tmp_path):
    outputs = []
    for name in ("a", "b"):
        d = tmp_path / name
        env = {"ESKAN_ADMIN_PASSWORD": "s3cret-pass"}
        assert (
            eskan(
                d, "init", "--branch", "KMS", "--branch-name", "x y", "--admin", "admin", env=env
            ).returncode
            == 0
        )
        r = eskan(d, "demo", "--beneficiaries", "40", "--contacts", "300", "--seed", "7", "--json")
        assert r.returncode == 0, r.stderr
        found = eskan(d, "search", "ال", "--json", "--limit", "500")
        outputs.append(
            sorted(
                (b["national_id"], b["full_name"], b["mobile"]) for b in json.loads(found.stdout)
            )
        )
    assert outputs[0] == outputs[1] and outputs[0]


def test_help_everywhere(tmp_path):
    for args in (
        ["--help"],
        ["beneficiaries", "add", "--help"],
        ["contacts", "add", "--help"],
        ["search", "--help"],
        ["demo", "--help"],
        ["init", "--help"],
    ):
        r = eskan(tmp_path, *args)
        assert r.returncode == 0 and r.stdout.startswith("الاستخدام: eskan"), r.stdout
        assert "usage" not in r.stdout and "options:" not in r.stdout
        r = eskan(tmp_path, *args, lang="en")
        assert r.returncode == 0 and r.stdout.startswith("usage: eskan"), r.stdout


def test_print_forms_of_a_submitted_request(store, tmp_path):
    r = eskan(store, *ADD)
    ben = json.loads(r.stdout) if r.returncode == 0 else None
    key = ben["file_no"] if ben else "1000000008"
    eskan(store, "beneficiaries", "verify", key)
    r = eskan(
        store,
        "requests",
        "submit",
        "--beneficiary",
        key,
        "--type",
        "rent",
        "--signed-declaration",
        "--amount",
        "15000",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    number = json.loads(r.stdout)["number"]
    for kind in ("declaration", "request-form", "receipt"):
        out = tmp_path / f"{kind}.pdf"
        r = eskan(store, "print", kind, number, "--out", str(out))
        assert r.returncode == 0, r.stderr
        assert out.read_bytes().startswith(b"%PDF-")
    r = eskan(
        store, "print", "receipt", number, "--out", str(tmp_path / "nope" / "x.pdf"), lang="en"
    )
    assert r.returncode == 1 and "Cannot write" in r.stderr  # refused: the store is fine
    assert not list((tmp_path / "nope").glob("*")) if (tmp_path / "nope").exists() else True
