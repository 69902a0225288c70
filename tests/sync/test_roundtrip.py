"""End to end: two branches enroll with a real HQ over loopback HTTP, push, pull, converge."""

from __future__ import annotations

import json

from sqlalchemy import text

from eskan_desk.domain.enums import Channel
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.staff import resolve_actor
from eskan_desk.sync.client import SyncClient
from tests.sync.conftest import run_cli


def _contact(ctx, summary: str) -> None:
    actor = resolve_actor(ctx, "admin")
    log_contact(
        ctx, actor, ContactInput(channel=Channel.PHONE.value, summary=summary, caller_name="سالم")
    )


def test_two_branches_sync_over_http(make_branch, hq, hq_server):
    kms, abh = make_branch("KMS"), make_branch("ABH")
    for ctx in (kms, abh):
        code = hq.issue_code("KMS" if ctx is kms else "ABH")
        SyncClient(ctx).enroll(hq_server.url, code)
        for i in range(5):
            _contact(ctx, f"اتصال {i}")
    for ctx in (kms, abh):
        result = SyncClient(ctx).sync()
        assert result.changes >= 5
        assert SyncClient(ctx).status().pending == 0
    with hq.engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM contacts")).scalar_one()
    assert n == 10
    # Each branch learns the other branch exists (the branch directory reaches everyone).
    SyncClient(kms).sync()
    names = {r[0] for r in kms.store.fetch("SELECT code FROM branches")}
    assert names == {"KMS", "ABH"}


def test_cli_enroll_sync_and_branches(make_branch, hq, hq_server, hq_url):
    kms = make_branch("KMS")
    _contact(kms, "زيارة")
    code = run_cli("hq", "--database-url", hq_url, "enroll", "--branch", "KMS").stdout.strip()
    assert len(code) == 14
    done = run_cli("sync", "enroll", "--hq", hq_server.url, "--code", code, data_dir=kms.data_dir)
    assert done.returncode == 0, done.stderr
    done = run_cli("sync", "--json", data_dir=kms.data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changes_sent"] >= 3
    out = run_cli("hq", "--database-url", hq_url, "branches", "--json")
    branches = json.loads(out.stdout)
    assert [b["code"] for b in branches] == ["KMS"]
    assert branches[0]["records"]["contacts"] == 1
    assert branches[0]["last_batch"]["seq"] == 1


def test_pulled_rows_arrive_in_the_order_they_were_written(make_branch, hq):
    """A family edited after its contacts were logged: with pages of 3 rows, the HQ device
    still never receives a contact before its family (foreign keys are checked per page)."""
    from eskan_desk.services.beneficiaries import update_beneficiary
    from eskan_desk.services.beneficiary_input import BeneficiaryInput
    from tests.sync.conftest import enroll_local

    kms, hq_device = make_branch("KMS"), make_branch("HQ")
    client = enroll_local(kms, hq)
    watcher = enroll_local(hq_device, hq)
    actor = resolve_actor(kms, "admin")
    from eskan_desk.services.beneficiaries import register_beneficiary

    ben = register_beneficiary(
        kms,
        actor,
        BeneficiaryInput(
            national_id="1000000008",
            first_name="نورة",
            father_name="محمد",
            grandfather_name="علي",
            family_name="القحطاني",
            mobile="0501234567",
        ),
    )
    for i in range(4):
        log_contact(
            kms, actor, ContactInput(beneficiary_id=ben.id, channel="phone", summary=f"{i}")
        )
    data = BeneficiaryInput(
        national_id="1000000008",
        first_name="نورة",
        father_name="محمد",
        grandfather_name="علي",
        family_name="القحطاني",
        mobile="0551234567",
    )
    update_beneficiary(kms, actor, ben.id, data)
    client.sync()
    hq.pull_limit = 3
    watcher.sync()
    rows = hq_device.store.fetch("SELECT mobile FROM beneficiaries WHERE id = ?", (ben.id,))
    assert rows == [("+966551234567",)]
    n = hq_device.store.fetch("SELECT count(*) FROM contacts WHERE beneficiary_id = ?", (ben.id,))
    assert n == [(4,)]
