"""``eskan referrals``: add, list, and each move, run in-process on a store with a team."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eskan_desk.cli import EXIT_REFUSED, main
from eskan_desk.services.beneficiaries import register_beneficiary

from ..services.helpers import applicant
from ..services.referral_helpers import build_team_store, copy_store


@pytest.fixture(scope="module")
def team_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("referral_team_cli")
    return dest, build_team_store(template_store, dest)


@pytest.fixture
def data_dir(team_store, tmp_path: Path) -> Path:
    return copy_store(team_store[0], tmp_path / "data")


@pytest.fixture
def file_no(ctx, team_store) -> str:
    return register_beneficiary(ctx, team_store[1]["sara"], applicant()).file_no


def run(capsys, data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_and_move(capsys, data_dir, file_no):
    add = ["referrals", "add", "--beneficiary", file_no, "--reason", "unclear_procedures"]
    code, out, _err = run(
        capsys, data_dir, "--user", "sara", *add, "--researcher", "noura", "--json"
    )
    assert code == 0
    ref = json.loads(out)
    assert {ref["status"], ref["file_no"], ref["researcher_name"]} == {
        "open",
        file_no,
        "نورة القحطاني",
    }
    code, out, _err = run(capsys, data_dir, "--user", "noura", "referrals", "list", "--json")
    assert [r["id"] for r in json.loads(out)] == [ref["id"]]
    code, out, _err = run(capsys, data_dir, "--user", "hind", "referrals", "list")
    assert (code, out.strip()) == (0, "No referrals.")
    code, _out, err = run(capsys, data_dir, "--user", "noura", "referrals", "reject", ref["id"])
    assert code == EXIT_REFUSED
    assert err.strip() == "Reason for rejecting: is required to reject a referral"
    code, _out, err = run(capsys, data_dir, "--user", "hind", "referrals", "accept", ref["id"])
    assert code == EXIT_REFUSED and "Only the researcher" in err
    code, out, _err = run(
        capsys, data_dir, "--user", "noura", "referrals", "accept", ref["id"][:30]
    )
    assert (code, out.strip()) == (0, f"Referral {ref['id']}: Accepted by the researcher.")
    done = ["referrals", "done", ref["id"], "--note", "explained", "--json"]
    code, out, _err = run(capsys, data_dir, "--user", "noura", *done)
    assert json.loads(out)["status_reason"] == "explained"
    code, out, _err = run(capsys, data_dir, "--user", "noura", "referrals", "list", "--all")
    assert out.split("\t")[:3] == [ref["id"], "Referral done", file_no]


def test_refusals_name_the_field(capsys, data_dir, file_no):
    add = ["--user", "sara", "referrals", "add", "--beneficiary", file_no, "--reason"]
    code, _out, err = run(capsys, data_dir, *add, "needs_research", "--researcher", "maha")
    assert code == EXIT_REFUSED
    assert err.strip() == "Social research officer: must be an active social research officer"
    code, _out, err = run(capsys, data_dir, *add, "other", "--researcher", "noura")
    assert err.strip() == "Note: must say why when the reason is 'other'"
    code, _out, err = run(capsys, data_dir, "referrals", "revoke", "0123456789abcdef")
    assert code == EXIT_REFUSED and "No referral with ID" in err
