"""``eskan feedback`` and ``eskan surveys``, run in-process on a store with a team."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eskan_desk.cli import EXIT_REFUSED, EXIT_USAGE, main
from eskan_desk.services.beneficiaries import register_beneficiary
from eskan_desk.services.contacts import ContactInput, log_contact

from ..services.helpers import applicant
from ..services.referral_helpers import build_team_store, copy_store


@pytest.fixture(scope="module")
def team_store(template_store: Path, tmp_path_factory: pytest.TempPathFactory):
    dest = tmp_path_factory.mktemp("feedback_team_cli")
    return dest, build_team_store(template_store, dest)


@pytest.fixture
def data_dir(team_store, tmp_path: Path) -> Path:
    return copy_store(team_store[0], tmp_path / "data")


@pytest.fixture
def team(team_store):
    return team_store[1]


def run(capsys, data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), "--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_answer_close(capsys, data_dir, ctx, team):
    file_no = register_beneficiary(ctx, team["sara"], applicant()).file_no
    add = ["--user", "sara", "feedback", "add", "--kind", "complaint", "--channel", "phone"]
    code, out, _err = run(
        capsys, data_dir, *add, "--text", "تأخر الرد", "--beneficiary", file_no,
        "--assign", "maha", "--json",
    )  # fmt: skip
    assert code == 0
    item = json.loads(out)
    assert (item["status"], item["file_no"], item["assigned_to_name"]) == (
        "open",
        file_no,
        "مها العسيري",
    )
    assert item["due_on"] is not None  # a complaint is due three days after it came
    code, out, _err = run(capsys, data_dir, "feedback", "list", "--status", "open")
    assert out.split("\t")[:3] == [item["id"], "Complaint", "Awaiting an answer"]
    code, _out, err = run(
        capsys, data_dir, "--user", "sara", "feedback", "answer", item["id"], "--text", "x"
    )
    assert code == EXIT_REFUSED and "Only the staff member it is assigned to" in err
    code, out, _err = run(
        capsys, data_dir, "--user", "maha", "feedback", "answer", item["id"][:12], "--text", "تم"
    )
    assert (code, out.strip()) == (0, f"Complaint {item['id']}: Answered.")
    code, out, _err = run(capsys, data_dir, "--user", "maha", "feedback", "close", item["id"])
    assert out.strip() == f"Complaint {item['id']}: Feedback closed."
    code, out, _err = run(capsys, data_dir, "feedback", "list", "--status", "open", "--json")
    assert json.loads(out) == []


def test_refusals_name_the_field(capsys, data_dir):
    add = ["feedback", "add", "--kind", "praise", "--channel", "phone", "--text", "x"]
    code, _out, err = run(capsys, data_dir, *add)
    assert code == EXIT_REFUSED and err.startswith("Type: must be one of")
    code, _out, err = run(capsys, data_dir, "feedback", "list")
    assert code == 0


def test_a_paper_survey_and_the_figures(capsys, data_dir, ctx, team):
    contact = log_contact(ctx, team["sara"], ContactInput(channel="phone", summary="سؤال"))
    scores = ["--courtesy", "5", "--speed", "٤", "--clarity", "3", "--overall", "4"]
    code, out, _err = run(
        capsys, data_dir, "--user", "sara", "surveys", "add", *scores, "--contact", contact.id,
        "--comment", "جيد", "--json",
    )  # fmt: skip
    assert code == 0
    survey = json.loads(out)
    assert (survey["speed"], survey["comment"], survey["anonymous"]) == (4, "جيد", False)
    assert "created_by" not in survey and survey["offer_id"]
    code, _out, err = run(capsys, data_dir, "surveys", "add", *scores[:-1], "9")
    assert code == EXIT_REFUSED and err.strip() == (
        "Overall satisfaction: must be a whole number from 1 to 5"
    )
    code, out, _err = run(capsys, data_dir, "surveys", "stats", "--json")
    stats = json.loads(out)
    assert (stats["offers"], stats["responses"], stats["response_rate"]) == (1, 1, 1.0)
    code, out, _err = run(capsys, data_dir, "surveys", "stats")
    assert "Response rate: 100%" in out


def test_scores_are_required(capsys, data_dir):
    with pytest.raises(SystemExit) as info:
        run(capsys, data_dir, "surveys", "add", "--courtesy", "5")
    assert info.value.code == EXIT_USAGE
