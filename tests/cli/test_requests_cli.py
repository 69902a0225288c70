"""``eskan requests``: a whole case driven from the command line, in subprocesses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from eskan_desk.app import open_context
from eskan_desk.domain.dates import format_gregorian, format_hijri, riyadh_today
from eskan_desk.services.auth import add_staff
from eskan_desk.services.staff import resolve_actor

from .test_cli import ADD, eskan

CONTRACT = {"id", "number", "status", "submitted_at", "earliest_decision_date"}
RENT_DOCUMENTS = (
    "national_id_copy",
    "family_card",
    "income_proof",
    "iban_letter",
    "lease_contract",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A store with a registered (not yet verified) family and a committee member."""
    d = tmp_path_factory.mktemp("cli-requests")
    r = eskan(
        d,
        "init",
        "--branch",
        "KMS",
        "--branch-name",
        "فرع",
        "--admin",
        "admin",
        stdin="s3cret-pass\n",
    )
    assert r.returncode == 0, r.stderr
    r = eskan(d, *ADD)
    assert r.returncode == 0, r.stderr
    ctx = open_context(d, create=False)
    try:
        admin = resolve_actor(ctx, "admin")
        add_staff(
            ctx, admin, username="lajna", full_name="عضو اللجنة", role="committee", password="x" * 8
        )
    finally:
        ctx.close()
    return d


def listed(store: Path) -> list[dict]:
    r = eskan(store, "requests", "list", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def to_committee(store: Path, number: str) -> None:
    for code in RENT_DOCUMENTS:
        r = eskan(store, "requests", "document", number, code)
        assert r.returncode == 0, r.stderr
    r = eskan(store, "requests", "move", number, "--to", "in_committee")
    assert r.returncode == 0, r.stderr


def test_a_case_from_submission_to_a_refused_early_decision(store):
    submit = [
        "requests",
        "submit",
        "--beneficiary",
        "1000000008",
        "--type",
        "rent",
        "--amount",
        "3500",
    ]
    r = eskan(store, *submit, "--json", lang="en")
    assert r.returncode == 1
    assert r.stderr.strip() == "Declaration: must be signed before the request is submitted"
    assert listed(store) == []

    r = eskan(store, *submit, "--signed-declaration", "--json", lang="en")
    assert r.returncode == 1 and "Beneficiary" in r.stderr and "verified" in r.stderr
    assert listed(store) == []

    assert eskan(store, "beneficiaries", "verify", "1000000008").returncode == 0
    r = eskan(store, *submit, "--signed-declaration", "--json")
    assert r.returncode == 0, r.stderr
    req = json.loads(r.stdout)
    assert set(req) >= CONTRACT
    assert req["number"].startswith("KMS-REQ-") and req["status"] == "submitted"
    earliest = dt.date.fromisoformat(req["earliest_decision_date"])
    submitted = dt.datetime.fromisoformat(req["submitted_at"].replace("Z", "+00:00"))
    assert earliest == riyadh_today(submitted) + dt.timedelta(days=14)
    assert req["declaration_state"] == "signed" and req["declaration"]["method"] == "paper"

    r = eskan(store, "requests", "move", req["number"], "--to", "in_committee", lang="en")
    assert r.returncode == 1 and "Lease contract (Ejar)" in r.stderr
    to_committee(store, req["number"])

    decide = ["requests", "decide", req["number"], "--accept", "--reason", "مستحق"]
    r = eskan(store, *decide, lang="en")  # as the administrator: not a committee member
    assert r.returncode == 1 and "may not record committee decisions" in r.stderr
    r = eskan(store, *decide, "--user", "lajna", lang="en")
    assert r.returncode == 1
    assert format_hijri(earliest, "en") in r.stderr and format_gregorian(earliest, "en") in r.stderr
    r = eskan(store, *decide, "--user", "lajna", lang="ar")
    assert r.returncode == 1
    assert format_hijri(earliest, "ar") in r.stderr and format_gregorian(earliest, "ar") in r.stderr
    assert [x["status"] for x in listed(store)] == ["in_committee"]


def test_a_paper_request_back_entered_is_decided_told_delivered_and_closed(store):
    assert eskan(store, "beneficiaries", "verify", "1000000008").returncode == 0
    paper_day = (riyadh_today() - dt.timedelta(days=20)).isoformat()
    r = eskan(
        store,
        "requests",
        "submit",
        "--beneficiary",
        "1000000008",
        "--type",
        "rent",
        "--signed-declaration",
        "--submitted-at",
        f"{paper_day}T10:00",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    req = json.loads(r.stdout)
    assert req["back_entered"] and req["submitted_at"].startswith(paper_day)
    number = req["number"]
    to_committee(store, number)
    r = eskan(
        store, "requests", "decide", number, "--accept", "--reason", "مستحق", "--user", "lajna"
    )
    assert r.returncode == 0, r.stderr
    r = eskan(store, "requests", "list", "--status", "accepted", "--json")
    assert [x["number"] for x in json.loads(r.stdout)] == [number]

    assert eskan(store, "requests", "move", number, "--to", "delivered").returncode == 0
    r = eskan(store, "requests", "move", number, "--to", "closed", lang="en")
    assert r.returncode == 1 and "communicated" in r.stderr
    r = eskan(store, "requests", "communicate", number, "--channel", "phone", "--json")
    assert r.returncode == 0, r.stderr
    told = json.loads(r.stdout)
    assert told["communicated_at"] and told["communicated_channel"] == "phone"
    r = eskan(store, "requests", "move", number, "--to", "closed", "--note", "تم", "--json")
    assert r.returncode == 0, r.stderr
    closed = json.loads(r.stdout)
    assert closed["status"] == "closed"
    assert [e["to_status"] for e in closed["events"]] == [
        "draft",
        "submitted",
        "in_committee",
        "accepted",
        "delivered",
        "closed",
    ]
    r = eskan(store, "requests", "show", number, lang="en")
    assert r.returncode == 0 and number in r.stdout and "Closed" in r.stdout
    assert eskan(store, "audit", "verify").returncode == 0
