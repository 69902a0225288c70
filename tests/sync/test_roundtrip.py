"""End to end: two branches enroll with a real HQ over loopback HTTP, push, pull, converge."""

from __future__ import annotations

import json

import pytest
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


def test_a_revoked_pc_enrolls_again_and_its_unsent_changes_arrive_once(make_branch, hq):
    from eskan_desk.domain.errors import SyncError
    from tests.sync.conftest import enroll_local

    kms = make_branch("KMS")
    client = enroll_local(kms, hq, max_changes=2)
    _contact(kms, "قبل الإلغاء")
    client.sync()
    for i in range(3):
        _contact(kms, f"بعد الإلغاء {i}")
    assert client.next_batch() is not None  # numbered for the old device, never sent
    hq.revoke(client.identity.device_id)
    with pytest.raises(SyncError) as refused:
        client.sync(attempts=1)
    assert refused.value.code == "revoked"
    with pytest.raises(SyncError):  # enrolled already: replacing must be asked for
        client.enroll("local", hq.issue_code("KMS"))
    client.enroll("local", hq.issue_code("KMS"), replace=True)
    client.sync()
    assert client.status().pending == 0
    with hq.engine.connect() as conn:
        contacts = conn.execute(text("SELECT count(*) FROM contacts")).scalar_one()
        last = conn.execute(
            text("SELECT last_seq FROM hq_devices WHERE id = :d"), {"d": client.identity.device_id}
        ).scalar_one()
    assert contacts == 4
    assert last == 2  # three changes in batches of two, numbered from 1 for the new device


def test_a_store_restored_from_backup_enrolls_anew_and_converges(make_branch, hq, tmp_path):
    from eskan_desk.app import open_context
    from eskan_desk.services.backup import backup_store, restore_store
    from tests.sync.conftest import enroll_local

    kms = make_branch("KMS")
    client = enroll_local(kms, hq)
    _contact(kms, "قبل النسخة")
    client.sync()
    _contact(kms, "بعد النسخة ولم يُرسل")
    backup_store(kms, tmp_path / "kms.bak")
    kms.close()
    restore_store(tmp_path / "new-pc", tmp_path / "kms.bak")
    restored = open_context(tmp_path / "new-pc", create=False)
    try:
        assert SyncClient(restored).status().enrolled is False
        again = enroll_local(restored, hq)
        again.sync()
        assert again.status().pending == 0
        with hq.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM contacts")).scalar_one() == 2
    finally:
        restored.close()


def test_a_restored_store_never_gives_a_file_number_hq_already_holds(make_branch, hq, tmp_path):
    """Restored from a backup taken before family B was registered and sent, the store's
    counters are behind HQ. Enrolled again, it learns HQ's highest numbers: the next family
    gets a new number (not B's, which HQ refused as a duplicate, leaving the branch unable to
    sync), and B comes back with the next pull."""
    from eskan_desk.app import open_context
    from eskan_desk.services.backup import backup_store, restore_store
    from eskan_desk.services.beneficiaries import register_beneficiary
    from tests.services.helpers import applicant
    from tests.sync.conftest import enroll_local

    kms = make_branch("KMS")
    admin = resolve_actor(kms, None)
    client = enroll_local(kms, hq)
    a = register_beneficiary(kms, admin, applicant(national_id="1000000008"))
    client.sync()
    backup_store(kms, tmp_path / "kms.bak")
    b = register_beneficiary(kms, admin, applicant(national_id="1000000016"))
    client.sync()
    assert (a.file_no[-6:], b.file_no[-6:]) == ("000001", "000002")
    kms.close()
    restore_store(tmp_path / "restored", tmp_path / "kms.bak")
    restored = open_context(tmp_path / "restored", create=False)
    try:
        again = enroll_local(restored, hq)
        c = register_beneficiary(
            restored, resolve_actor(restored, None), applicant(national_id="1000000024")
        )
        assert c.file_no[-6:] == "000003"
        again.sync()
        assert again.status().pending == 0
        numbers = sorted(r[0] for r in restored.store.fetch("SELECT file_no FROM beneficiaries"))
        assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]  # B is back
        with hq.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM beneficiaries")).scalar_one() == 3
    finally:
        restored.close()


def test_a_number_given_twice_before_enrolling_again_is_refused_by_name(make_branch, hq, tmp_path):
    """Registered on the restored store before it was enrolled again, family C took B's
    number: HQ refuses that batch as a number given twice (409, nothing applied), and the
    branch is told so instead of "HQ refused the request" after five retries."""
    from eskan_desk.app import open_context
    from eskan_desk.domain.errors import SyncError
    from eskan_desk.services.backup import backup_store, restore_store
    from eskan_desk.services.beneficiaries import register_beneficiary
    from tests.services.helpers import applicant
    from tests.sync.conftest import enroll_local

    kms = make_branch("KMS")
    admin = resolve_actor(kms, None)
    client = enroll_local(kms, hq)
    backup_store(kms, tmp_path / "kms.bak")
    register_beneficiary(kms, admin, applicant(national_id="1000000016"))
    client.sync()
    kms.close()
    restore_store(tmp_path / "restored", tmp_path / "kms.bak")
    restored = open_context(tmp_path / "restored", create=False)
    try:
        register_beneficiary(
            restored, resolve_actor(restored, None), applicant(national_id="1000000024")
        )
        again = enroll_local(restored, hq)
        with pytest.raises(SyncError) as refused:
            again.sync(attempts=1)
        assert refused.value.code == "number_taken" and not refused.value.retry
        with hq.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM beneficiaries")).scalar_one() == 1
    finally:
        restored.close()


def test_one_sync_of_a_store_at_a_time(make_branch, hq, hq_server):
    """While the app syncs a store, a command that syncs it too is told so (and changes
    nothing); once the first is done, it goes ahead. The lock is the OS's: a killed sync
    never leaves it held."""
    from eskan_desk.domain.errors import SyncError
    from eskan_desk.sync.lock import sync_lock

    kms = make_branch("KMS")
    client = SyncClient(kms)
    client.enroll(hq_server.url, hq.issue_code("KMS"))
    _contact(kms, "أثناء مزامنة أخرى")
    with sync_lock(kms.data_dir):  # the app's sync, under way
        with pytest.raises(SyncError) as busy:
            client.sync(attempts=1)
        assert busy.value.code == "sync_busy" and not busy.value.retry
        done = run_cli("sync", data_dir=kms.data_dir, lang="ar")
        assert done.returncode == 1 and "مزامنة أخرى" in done.stderr, done.stderr
        assert client.status().pending >= 1 and client.status().last_error is None
    assert client.sync().batches == 1
    assert client.status().pending == 0
