"""``eskan summary`` end to end, in subprocesses, on the known week's store."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from ..printing.conftest import pdf_text
from ..reports.known_week import EXPECTED, copy_known_week
from .test_cli import eskan


@pytest.fixture
def store(template_store, tmp_path_factory, tmp_path):
    return copy_known_week(template_store, tmp_path_factory, tmp_path / "known")


def summary(store, *args: str, lang: str = "ar"):
    return eskan(store, "summary", "--week", "2026-11-18", *args, lang=lang)


def test_json_to_stdout_has_the_contract_keys(store):
    r = summary(store, "--format", "json", "--out", "-")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["week_start"], data["week_end"]) == ("2026-11-15", "2026-11-21")
    for key in ("contacts_total", "contacts_by_channel", "new_beneficiaries"):
        assert data[key] == EXPECTED[key]
    assert data["requests_submitted"] == 2 and data["decisions_made"] == 1
    assert data["satisfaction"]["overall_avg"] == 4.0 and data["satisfaction"]["responses"] == 3


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv", "json"])
def test_each_format_to_a_file(store, tmp_path, fmt):
    out = tmp_path / f"week.{fmt}"
    r = summary(store, "--format", fmt, "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["out"] == str(out) and report["bytes"] == out.stat().st_size > 0
    data = out.read_bytes()
    if fmt == "pdf":
        assert "الاتصالات الهاتفية" in pdf_text(data)
    elif fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data))
        assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert ["overview", "contacts_total", "value"] in [r[5:] for r in rows]
    else:
        assert json.loads(data)["contacts_total"] == 6


def test_a_bad_date_and_a_future_week_are_refused_in_one_line(store, tmp_path):
    out = tmp_path / "week.pdf"
    r = eskan(store, "summary", "--week", "18/11", "--format", "pdf", "--out", str(out), lang="en")
    assert r.returncode == 1 and r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("Week:") and "2026-11-22" in r.stderr
    r = eskan(store, "summary", "--week", "2099-01-01", "--format", "pdf", "--out", str(out))
    assert r.returncode == 1
    assert not out.exists()


def test_an_unwritable_path_is_refused_and_leaves_nothing(store, tmp_path):
    out = tmp_path / "missing" / "week.xlsx"
    r = summary(store, "--format", "xlsx", "--out", str(out), lang="en")
    assert r.returncode == 1 and "does not exist" in r.stderr
    assert not out.parent.exists()


def test_stdout_is_for_json_only(store):
    r = summary(store, "--format", "pdf", "--out", "-", lang="en")
    assert r.returncode == 1 and r.stdout == ""


def test_an_unknown_format_is_a_usage_error(store, tmp_path):
    r = summary(store, "--format", "docx", "--out", str(tmp_path / "x.docx"))
    assert r.returncode == 2
