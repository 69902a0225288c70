"""What HQ refuses, and that a refusal applies nothing (guarantees 2, 3 and 7 of DESIGN "Sync").

Every refusal is checked on HQ's own tables (row counts, the change ledger, the batch ledger,
each device's ``last_seq``), never on an exit code alone, and then the honest batch is shown to
still go through, so a refusal that consumed a sequence number would fail too.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import re
import secrets
import socket
import time
import urllib.parse
import warnings
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from eskan_desk.domain.errors import SyncError
from eskan_desk.domain.ids import uuid7
from eskan_desk.models import migrate
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.staff import current_branch, resolve_actor
from eskan_desk.sync import protocol, rows
from eskan_desk.sync.client import IDENTITY_FILE, SyncClient
from eskan_desk.sync.hq import HQ, HQError
from eskan_desk.sync.protocol import Batch
from eskan_desk.sync.transport import HttpTransport, LocalTransport
from tests.sync.conftest import enroll_local, run_cli

OFFLINE_HQ = "http://127.0.0.1:9"  # discard port: a USB-only branch never reaches it
ARABIC = re.compile(r"[\u0600-\u06FF]")
HQ_LEDGERS = ("hq_changes", "hq_batches", "hq_row_versions", "hq_devices")


# -- helpers ----------------------------------------------------------------------------------


def contact(ctx, summary: str) -> None:
    log_contact(
        ctx,
        resolve_actor(ctx, "admin"),
        ContactInput(channel="phone", summary=summary, caller_name="سالم"),
    )


def hq_state(hq: HQ) -> dict[str, Any]:
    """Row counts of every synced table and HQ ledger, and each device's last seq."""
    out: dict[str, Any] = {}
    with hq.engine.connect() as conn:
        for name in (*sorted(rows.synced_tables()), *HQ_LEDGERS):
            out[name] = conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
        out["last_seq"] = dict(conn.execute(text("SELECT id, last_seq FROM hq_devices")).all())
    return out


def hq_count(hq: HQ, table: str) -> int:
    with hq.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def branch_state(ctx) -> dict[str, Any]:
    """Every synced row, the outbox and the sync bookkeeping of a branch store (not the clock
    of the last success, which a successful re-import may move)."""
    out: dict[str, Any] = {}
    for name in sorted(rows.synced_tables()):
        out[name] = sorted(ctx.store.fetch(f"SELECT id, version FROM {name}"))
    out["outbox"] = ctx.store.fetch(
        "SELECT seq, change_id, batch_seq FROM sync_outbox ORDER BY seq"
    )
    out["state"] = dict(
        ctx.store.fetch(
            "SELECT key, value FROM sync_state WHERE key NOT IN ('last_sync_at', 'last_error_at')"
        )
    )
    return out


def post(url: str, path: str, body: bytes) -> tuple[int, bytes]:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "application/octet-stream"})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def post_batch(url: str, frame: bytes) -> tuple[int, dict[str, Any]]:
    status, raw = post(url, "/v1/batches", frame)
    return status, json.loads(raw)


def health(url: str) -> int:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    try:
        conn.request("GET", "/health")
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def resign(header: dict[str, Any], key: str) -> dict[str, Any]:
    head = {k: v for k, v in header.items() if k != "signature"}
    head["signature"] = protocol.sign(key, head)
    return head


def with_body(batch: Batch, body: bytes, key: str | None, count: int | None = None) -> Batch:
    """The batch with another body; its header made to match, re-signed with ``key`` (or
    keeping the old signature when ``key`` is None, as a forger without the key would)."""
    header = dict(batch.header)
    header["body_sha256"] = hashlib.sha256(body).hexdigest()
    header["body_bytes"] = len(body)
    if count is not None:
        header["count"] = count
    return Batch(resign(header, key) if key else header, body)


def a_contact_change(ctx) -> list[Any]:
    """A contact change as the outbox holds it: [change_id, entity, op, version, base, row]."""
    cid, entity, op, version, base, payload = ctx.store.fetch(
        "SELECT change_id, entity, op, version, base_version, payload FROM sync_outbox "
        "WHERE entity = 'contacts' ORDER BY seq LIMIT 1"
    )[0]
    return [cid, entity, op, version, base, json.loads(payload)]


def new_contact_change(ctx, **row_changes: Any) -> list[Any]:
    """A fresh contact (new id, new change id) shaped like one of this store's."""
    change = a_contact_change(ctx)
    row = dict(change[5], id=uuid7(), **row_changes)
    return [uuid7(), "contacts", change[2], change[3], change[4], row]


def signed(client: SyncClient, seq: int, changes: list[list[Any]], **kw: Any) -> Batch:
    ident = client.identity
    assert ident is not None
    return protocol.build_batch(
        device_id=kw.get("device_id", ident.device_id),
        key=kw.get("key", ident.key),
        seq=seq,
        schema=kw.get("schema", migrate.head_revision()),
        changes=changes,
    )


def identity_file(ctx) -> Path:
    return Path(ctx.data_dir) / IDENTITY_FILE


def rewrite_identity(ctx, **fields: str) -> None:
    path = identity_file(ctx)
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(fields)
    path.write_text(json.dumps(data), encoding="utf-8")


def assert_arabic_refusal(done, what: str) -> None:
    """The CLI refused (exit 1) and said why on stderr, in Arabic when the catalog has it."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    message = done.stderr.strip()
    assert message, f"{what}: the refusal printed nothing"
    assert "Traceback" not in message, message
    if not ARABIC.search(message):
        warnings.warn(f"{what}: the refusal is not in Arabic: {message!r}", stacklevel=2)


def pending(ctx) -> int:
    return SyncClient(ctx).status().pending


@pytest.fixture
def kms(make_branch, hq, hq_server):
    """KMS with five contacts (and its branch and staff rows) pending, enrolled over HTTP."""
    ctx = make_branch("KMS")
    for i in range(5):
        contact(ctx, f"اتصال {i}")
    SyncClient(ctx).enroll(hq_server.url, hq.issue_code("KMS"))
    return ctx


def assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch: Batch) -> None:
    """Nothing of a refused batch is at HQ, and the honest batch of that seq still applies."""
    assert hq_state(hq) == before
    status, ack = post_batch(hq_server.url, batch.to_bytes())
    assert status == 200, ack
    assert ack["seq"] == batch.seq and ack["applied"] == batch.header["count"]
    assert hq_count(hq, "contacts") == 5


# -- damaged frames ---------------------------------------------------------------------------


def test_tampered_body_byte_is_refused_by_checksum(kms, hq, hq_server):
    batch = SyncClient(kms).next_batch()
    assert batch is not None
    before = hq_state(hq)
    frame = bytearray(batch.to_bytes())
    frame[-20] ^= 0x01  # inside the deflate stream, before gzip's own CRC trailer
    status, body = post_batch(hq_server.url, bytes(frame))
    assert (status, body["error"]) == (400, "checksum")
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch)


def test_tampered_header_field_without_resigning_is_refused(kms, hq, hq_server):
    client = SyncClient(kms)
    batch = client.next_batch()
    assert batch is not None
    before = hq_state(hq)
    # seq 1 → 2 without the key: would be answered "gap" if the signature were not checked.
    renumbered = Batch(dict(batch.header, seq=2), batch.body)
    status, body = post_batch(hq_server.url, renumbered.to_bytes())
    assert (status, body["error"]) == (401, "signature")
    # A forger swaps the body for their own and fixes sha/bytes/count, keeping the signature.
    forged = new_contact_change(kms, summary="مزوّر")
    body_ = gzip.compress(protocol.canonical({"changes": [forged]}), mtime=0)
    status, body = post_batch(hq_server.url, with_body(batch, body_, None, count=1).to_bytes())
    assert (status, body["error"]) == (401, "signature")
    assert hq_state(hq) == before
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch)
    with hq.engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("SELECT id FROM contacts"))}
    assert forged[5]["id"] not in ids


def test_truncated_frames_are_refused(kms, hq, hq_server):
    batch = SyncClient(kms).next_batch()
    assert batch is not None
    frame = batch.to_bytes()
    head_len = len(frame) - len(batch.body)
    before = hq_state(hq)
    for cut in (3, 4, head_len - 1, head_len, head_len + len(batch.body) // 2, len(frame) - 1):
        status, body = post_batch(hq_server.url, frame[:cut])
        assert (status, body["error"]) == (400, "truncated"), cut
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch)


def test_corrupted_gzip_with_correct_checksum_and_signature_is_refused(kms, hq, hq_server):
    client = SyncClient(kms)
    batch = client.next_batch()
    assert batch is not None
    key = client.identity.key
    before = hq_state(hq)
    broken = bytearray(batch.body)
    broken[len(broken) // 2] ^= 0xFF
    not_json = gzip.compress(b"this is not json", mtime=0)
    too_few = gzip.compress(protocol.canonical({"changes": [a_contact_change(kms)]}), mtime=0)
    for body_ in (bytes(broken), not_json, too_few, b"\x1f\x8b" + bytes(40)):
        status, body = post_batch(hq_server.url, with_body(batch, body_, key).to_bytes())
        assert (status, body["error"]) == (400, "corrupt"), body
        assert hq_state(hq) == before
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch)


def assert_refused_as_corrupt(kms, hq, hq_server, batches: list[list[list[Any]]]) -> None:
    """Each list of changes, signed as the next batch, is refused as corrupt (400) with nothing
    of it at HQ; then the honest batch of that number still applies."""
    client = SyncClient(kms)
    batch = client.next_batch()
    assert batch is not None
    before = hq_state(hq)
    for changes in batches:
        status, body = post_batch(hq_server.url, signed(client, batch.seq, changes).to_bytes())
        assert (status, body["error"]) == (400, "corrupt"), body
        assert hq_state(hq) == before
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch)


def test_a_signed_batch_with_a_value_its_column_cannot_read_is_refused(kms, hq, hq_server):
    """A sender's bug, not a forgery: the batch is signed, but one contact's value cannot be
    stored. 400 and nothing of it stored, wherever in the batch the row stands."""
    good = [new_contact_change(kms) for _ in range(1200)]  # more than one chunk of the COPY
    bad = (
        (0, {"at": "الأحد الماضي"}),
        (1100, {"at": "2026-11-23T09:00:00"}),  # no offset
        (600, {"summary": ["قائمة"]}),  # not text
        (900, {"at": "9999-12-31T23:30:00-01:00"}),  # past year 9999 in UTC
        (700, {"topic": "x" * 21}),  # longer than its column (20)
        (1150, {"summary": "نص\x00مقطوع"}),  # a NUL: PostgreSQL's text cannot hold one
    )
    batches = []
    for where, values in bad:
        changes = list(good)
        changes[where] = new_contact_change(kms, **values)
        batches.append(changes)
    assert_refused_as_corrupt(kms, hq, hq_server, batches)


def test_a_signed_batch_that_breaks_a_table_rule_is_refused_not_a_server_error(kms, hq, hq_server):
    """A row missing a required value, or pointing at a family HQ has never seen: the
    database refuses it (an integrity error, once answered 500 and retried five times)."""
    missing = new_contact_change(kms)
    missing[5] = {k: v for k, v in missing[5].items() if k not in {"channel", "summary", "at"}}
    batches = [[new_contact_change(kms, beneficiary_id=uuid7())], [missing]]
    assert_refused_as_corrupt(kms, hq, hq_server, batches)


def test_numbers_hq_cannot_store_are_refused_not_a_server_error(kms, hq, hq_server):
    client = SyncClient(kms)
    huge = signed(client, 1 << 70, [a_contact_change(kms)])
    status, body = post_batch(hq_server.url, huge.to_bytes())
    assert (status, body["error"]) == (400, "corrupt"), body
    ident = client.identity
    for cursor in (1 << 70, -5):
        status, _page = signed_pull(hq_server.url, ident, cursor, str(int(time.time())))
        assert status == 400
    assert health(hq_server.url) == 200


def signed_pull(url: str, ident: Any, cursor: int, stamp: str) -> tuple[int, dict[str, Any]]:
    parsed = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    signed_ = {"device_id": ident.device_id, "cursor": cursor, "time": stamp}
    try:
        conn.request(
            "GET",
            f"/v1/pull?cursor={cursor}",
            headers={
                "X-Eskan-Device": ident.device_id,
                "X-Eskan-Time": stamp,
                "X-Eskan-Signature": protocol.sign(ident.key, signed_),
            },
        )
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def test_a_pull_request_is_good_only_near_the_time_it_was_signed(kms, hq, hq_server):
    """A pull seen on the wire cannot be replayed for ever to read the branch's families; a
    PC whose clock is far off is told to set it."""
    ident = SyncClient(kms).identity
    now = int(time.time())
    assert signed_pull(hq_server.url, ident, 0, str(now))[0] == 200
    assert signed_pull(hq_server.url, ident, 0, str(now - 3 * 3600))[0] == 200  # a time zone off
    for stamp in (str(now - 25 * 3600), "1000", str(now + 25 * 3600)):
        status, body = signed_pull(hq_server.url, ident, 0, stamp)
        assert (status, body["error"]) == (403, "clock"), body
    status, body = signed_pull(hq_server.url, ident, 0, "hello")
    assert (status, body["error"]) == (400, "corrupt")


def a_staff_update(kms) -> list[Any]:
    """Everything of KMS at HQ, then an update of its admin's row pending (a password reset),
    as the outbox holds it: [change_id, entity, op, version, base, row]."""
    from eskan_desk.services.auth import reset_password

    SyncClient(kms).sync()
    admin = resolve_actor(kms, "admin")
    reset_password(kms, admin, admin.staff_id, "a-new-password-2026")
    cid, entity, op, version, base, payload = kms.store.fetch(
        "SELECT change_id, entity, op, version, base_version, payload FROM sync_outbox "
        "WHERE entity = 'staff' ORDER BY seq DESC LIMIT 1"
    )[0]
    return [cid, entity, op, version, base, json.loads(payload)]


def test_an_update_with_a_text_its_column_cannot_hold_is_refused(kms, hq, hq_server):
    """The same rules for a row HQ already holds: on SQLite too, which would store either."""
    cid, entity, op, version, base, row = a_staff_update(kms)
    bad = [{"full_name": "م" * 161}, {"full_name": "مدير\x00النظام"}]  # String(160)
    batches = [[[cid, entity, op, version, base, {**row, **b}]] for b in bad]
    assert_refused_as_corrupt(kms, hq, hq_server, batches)


def test_an_id_escaped_into_a_lone_surrogate_is_refused(kms, hq, hq_server):
    """JSON can escape half a surrogate pair, which no text column can encode."""
    client = SyncClient(kms)
    batch = client.next_batch()
    assert batch is not None and client.identity is not None
    before = hq_state(hq)
    for where in ("change id", "row id"):
        change = new_contact_change(kms)
        if where == "change id":
            change[0] = "HALF-A-PAIR"
        else:
            change[5]["id"] = "HALF-A-PAIR"
        raw = protocol.canonical({"changes": [change]}).replace(b"HALF-A-PAIR", b"\\ud800")
        frame = protocol.batch_from_json(
            device_id=client.identity.device_id,
            key=client.identity.key,
            seq=batch.seq,
            schema=migrate.head_revision(),
            count=1,
            raw=raw,
        )
        status, body = post_batch(hq_server.url, frame.to_bytes())
        assert (status, body["error"]) == (400, "corrupt"), (where, body)
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch)


def test_values_merged_field_by_field_are_compared_as_sent_when_unreadable():
    """A sender's amount that is not a number is compared as it came (and refused when
    written), not raised from the comparison: Decimal's own error is an ArithmeticError."""
    from eskan_desk.sync.hq import _normalizer

    norm = _normalizer("beneficiaries")
    for junk in ("abc", ["x"], {"a": 1}):
        assert norm("rent_amount", junk) == junk


def test_a_change_id_that_is_not_text_is_refused(kms, hq, hq_server):
    batches = []
    for change_id in (7, None, ["x"], "x" * 37, "مفتاح\x00"):
        change = new_contact_change(kms)
        change[0] = change_id
        batches.append([change])
    for row_id in ("x" * 37, "id\x00"):
        change = new_contact_change(kms)
        change[5]["id"] = row_id
        batches.append([change])
    unknown_column = new_contact_change(kms)
    unknown_column[5]["a_column_hq_does_not_have"] = "x"
    batches.append([unknown_column])
    assert_refused_as_corrupt(kms, hq, hq_server, batches)


def test_versions_and_times_hq_compares_must_be_what_they_say(kms, hq, hq_server):
    """A new row and an update alike: HQ compares versions and keeps the later time."""
    cid, entity, op, version, base, row = a_staff_update(kms)
    bad = [
        [cid, entity, op, str(version), base, row],
        [cid, entity, op, True, base, row],
        [cid, entity, op, version, [base], row],
        [cid, entity, op, version, base, {**row, "version": str(row["version"])}],
        [cid, entity, op, version, base, {**row, "updated_at": None}],
    ]
    fresh = new_contact_change(kms)
    bad.append([*fresh[:5], {**fresh[5], "updated_at": 1700000000}])
    assert_refused_as_corrupt(kms, hq, hq_server, [[change] for change in bad])


# -- who may send -----------------------------------------------------------------------------


def test_wrong_key_is_refused_and_the_cli_says_so_in_arabic(kms, hq, hq_server):
    client = SyncClient(kms)
    batch = client.next_batch()
    assert batch is not None
    before, waiting = hq_state(hq), pending(kms)
    status, body = post_batch(
        hq_server.url, signed(client, 1, [a_contact_change(kms)], key=protocol.new_key()).to_bytes()
    )
    assert (status, body["error"]) == (401, "signature")
    real_key = client.identity.key
    rewrite_identity(kms, key=protocol.new_key())
    done = run_cli("sync", "--attempts", "1", data_dir=kms.data_dir, lang="ar")
    assert_arabic_refusal(done, "wrong key")
    assert hq_state(hq) == before
    assert pending(kms) == waiting
    assert json.loads(run_cli("sync", "status", "--json", data_dir=kms.data_dir).stdout)[
        "last_error"
    ]
    rewrite_identity(kms, key=real_key)
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, batch)


def test_unknown_device_is_refused(kms, hq, hq_server):
    client = SyncClient(kms)
    before, waiting = hq_state(hq), pending(kms)
    stranger = uuid7()
    status, body = post_batch(
        hq_server.url, signed(client, 1, [a_contact_change(kms)], device_id=stranger).to_bytes()
    )
    assert (status, body["error"]) == (401, "unknown_device")
    rewrite_identity(kms, device_id=stranger)
    done = run_cli("sync", "--attempts", "1", data_dir=kms.data_dir, lang="ar")
    assert_arabic_refusal(done, "unknown device")
    assert hq_state(hq) == before
    assert pending(kms) == waiting


def test_revoked_device_is_refused(kms, hq, hq_server, hq_url):
    client = SyncClient(kms)
    client.sync()  # seq 1 applied while enrolled
    contact(kms, "بعد الإلغاء")
    device = client.identity.device_id
    done = run_cli("hq", "--database-url", hq_url, "revoke", device)
    assert done.returncode == 0, done.stderr
    before, waiting = hq_state(hq), pending(kms)
    assert waiting == 1
    status, body = post_batch(hq_server.url, SyncClient(kms).next_batch().to_bytes())
    assert (status, body["error"]) == (403, "revoked")
    done = run_cli("sync", "--attempts", "1", data_dir=kms.data_dir, lang="ar")
    assert_arabic_refusal(done, "revoked device")
    assert hq_state(hq) == before
    assert before["last_seq"][device] == 1
    assert pending(kms) == waiting
    # Revoking twice is refused, not silently accepted, and says it was revoked already.
    again = run_cli("hq", "--database-url", hq_url, "revoke", device)
    assert again.returncode == 1 and "already revoked" in again.stderr, again.stderr
    # The branch report names each device by its id (what revoke takes), marks it revoked,
    # and does not count it among the branch's devices.
    report = run_cli("hq", "--database-url", hq_url, "branches")
    assert report.returncode == 0, report.stderr
    assert "KMS" in report.stdout and ": 0 devices" in report.stdout
    assert f"device {device} (" in report.stdout and "revoked" in report.stdout
    assert not re.search(r"\d{4}-\d\d-\d\dT", report.stdout)  # Riyadh times, not raw UTC


def test_branch_device_cannot_write_another_branchs_rows(make_branch, kms, hq, hq_server):
    abh = make_branch("ABH")
    contact(abh, "اتصال أبها")
    enroll_local(abh, hq).sync()
    abh_branch = current_branch(abh).id
    abh_contact = abh.store.fetch("SELECT id FROM contacts")[0][0]
    with hq.engine.connect() as conn:
        abh_row = conn.execute(text("SELECT * FROM contacts WHERE id = :i"), {"i": abh_contact})
        abh_row = tuple(abh_row.one())
    client = SyncClient(kms)
    honest = client.next_batch()
    assert honest is not None
    before = hq_state(hq)
    # 1. a new row claiming another branch, hidden among honest changes
    changes = [*json.loads(gzip.decompress(honest.body))["changes"]]
    changes.append(new_contact_change(kms, branch_id=abh_branch))
    status, body = post_batch(hq_server.url, signed(client, 1, changes).to_bytes())
    assert (status, body["error"]) == (403, "foreign_branch")
    # 2. an existing row of ABH, rewritten under KMS's own branch id
    takeover = new_contact_change(kms, summary="استيلاء")
    takeover[5]["id"] = abh_contact
    status, body = post_batch(hq_server.url, signed(client, 1, [takeover]).to_bytes())
    assert (status, body["error"]) == (403, "foreign_branch")
    assert hq_state(hq) == before
    with hq.engine.connect() as conn:
        now = conn.execute(text("SELECT * FROM contacts WHERE id = :i"), {"i": abh_contact})
        assert tuple(now.one()) == abh_row
    # 3. through the CLI: one pending change of the outbox says it is ABH's
    with kms.store.write() as session:
        seq, payload = session.execute(
            text("SELECT seq, payload FROM sync_outbox WHERE entity = 'contacts' LIMIT 1")
        ).one()
        row = dict(json.loads(payload), branch_id=abh_branch)
        session.execute(
            text("UPDATE sync_outbox SET payload = :p WHERE seq = :s"),
            {"p": json.dumps(row), "s": seq},
        )
    waiting = pending(kms)
    done = run_cli("sync", "--attempts", "1", data_dir=kms.data_dir, lang="ar")
    assert_arabic_refusal(done, "foreign branch")
    assert hq_state(hq) == before  # the whole batch, honest changes too
    assert pending(kms) == waiting


# -- versions and sizes -----------------------------------------------------------------------


def test_schema_newer_than_hq_is_refused_with_426(kms, hq, hq_server, monkeypatch):
    client = SyncClient(kms)
    head = migrate.head_revision()
    newer = f"{int(head) + 1:0{len(head)}d}"
    changes = json.loads(gzip.decompress(client.next_batch().body))["changes"]
    before, waiting = hq_state(hq), pending(kms)
    status, body = post_batch(hq_server.url, signed(client, 1, changes, schema=newer).to_bytes())
    assert (status, body["error"]) == (426, "schema_newer")
    assert "Upgrade Eskan Desk at HQ" in body["message"]
    assert body["params"] == {"theirs": newer, "ours": head}
    # The client itself, upgraded before HQ: its batch is rebuilt under the newer schema.
    monkeypatch.setattr(migrate, "head_revision", lambda: newer)
    with pytest.raises(SyncError) as err:
        SyncClient(kms).sync(attempts=3, backoff_s=0)
    assert (err.value.status, err.value.code, err.value.retry) == (426, "schema_newer", False)
    assert "Upgrade Eskan Desk at HQ" in str(err.value)
    assert hq_state(hq) == before
    assert pending(kms) == waiting


def _incompressible_batch(client: SyncClient, kms) -> Batch:
    """A validly signed seq-1 batch whose gzip body is above HQ's limit."""
    row_change = new_contact_change(kms)
    row_change[5]["summary"] = base64.b64encode(secrets.token_bytes(9_000_000)).decode()
    batch = signed(client, 1, [row_change])
    assert len(batch.to_bytes()) > protocol.MAX_BODY_BYTES + protocol.MAX_HEADER_BYTES + 4
    return batch


def test_request_larger_than_the_limit_is_413_and_hq_stays_healthy(kms, hq, hq_server):
    client = SyncClient(kms)
    honest = client.next_batch()
    big = _incompressible_batch(client, kms)
    before = hq_state(hq)
    status, body = post_batch(hq_server.url, big.to_bytes())  # with Content-Length
    assert (status, body["error"]) == (413, "too_large")
    # Chunked, no Content-Length: the cap is on the bytes actually read.
    parsed = urllib.parse.urlsplit(hq_server.url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    frame = big.to_bytes()
    try:
        conn.request(
            "POST",
            "/v1/batches",
            body=(frame[i : i + 65536] for i in range(0, len(frame), 65536)),
            encode_chunked=True,
        )
        resp = conn.getresponse()
        assert (resp.status, json.loads(resp.read())["error"]) == (413, "too_large")
    finally:
        conn.close()
    # A declared length far above the limit is refused before the body is read.
    with socket.create_connection((parsed.hostname, parsed.port), timeout=30) as s:
        s.sendall(
            b"POST /v1/batches HTTP/1.1\r\nHost: hq\r\nContent-Length: 1000000000\r\n"
            b"Content-Type: application/octet-stream\r\n\r\n" + bytes(1024)
        )
        answer = s.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert hq_state(hq) == before
    assert health(hq_server.url) == 200
    assert hq_server.proc.poll() is None
    assert_untouched_then_honest_batch_applies(hq, hq_server, kms, before, honest)


# -- exactly once -----------------------------------------------------------------------------


def test_replayed_batch_is_applied_once_with_the_same_ack(kms, hq, hq_server):
    batch = SyncClient(kms).next_batch()
    first = post(hq_server.url, "/v1/batches", batch.to_bytes())
    after_first = hq_state(hq)
    second = post(hq_server.url, "/v1/batches", batch.to_bytes())
    assert first[0] == second[0] == 200
    assert json.loads(first[1]) == json.loads(second[1])
    assert hq_state(hq) == after_first
    assert after_first["contacts"] == 5 and after_first["hq_batches"] == 1
    assert after_first["hq_changes"] == batch.header["count"]
    # The client marks it received once, whatever the number of acks.
    SyncClient(kms).sync()
    assert pending(kms) == 0
    assert hq_state(hq)["hq_batches"] == 1


def test_replayed_batch_ack_is_byte_identical(kms, hq, hq_server):
    batch = SyncClient(kms).next_batch()
    first = post(hq_server.url, "/v1/batches", batch.to_bytes())
    second = post(hq_server.url, "/v1/batches", batch.to_bytes())
    assert first == second


def test_gap_is_refused_with_the_expected_seq(kms, hq, hq_server):
    client = SyncClient(kms)
    client.sync()
    before = hq_state(hq)
    gap = signed(client, 3, [new_contact_change(kms)])
    status, body = post_batch(hq_server.url, gap.to_bytes())
    assert (status, body["error"], body["expected_seq"]) == (409, "gap", 2)
    with pytest.raises(SyncError) as err:
        HttpTransport(hq_server.url).push(gap)
    assert (err.value.status, err.value.code, err.value.retry) == (409, "gap", False)
    assert err.value.expected_seq == 2
    # Seq 1 again with other content is not a replay: refused, not overwritten.
    reused = signed(client, 1, [new_contact_change(kms)])
    status, body = post_batch(hq_server.url, reused.to_bytes())
    assert (status, body["error"]) == (409, "seq_reused")
    assert hq_state(hq) == before


def test_same_change_id_with_other_content_is_a_conflict_not_an_overwrite(kms, hq, hq_server):
    client = SyncClient(kms)
    client.sync()
    cid, entity, op, version, base, row = a_contact_change(kms)
    with hq.engine.connect() as conn:
        stored = tuple(
            conn.execute(text("SELECT * FROM contacts WHERE id = :i"), {"i": row["id"]}).one()
        )
    before = hq_state(hq)
    altered = dict(row, summary="محتوى آخر")
    status, ack = post_batch(
        hq_server.url,
        signed(client, 2, [[cid, entity, op, version, base, altered]]).to_bytes(),
    )
    assert status == 200 and ack["conflicts"] == 1 and ack["applied"] == 0
    with hq.engine.connect() as conn:
        now = tuple(
            conn.execute(text("SELECT * FROM contacts WHERE id = :i"), {"i": row["id"]}).one()
        )
        conflicts = conn.execute(
            text("SELECT entity, entity_id, status, other_value FROM sync_conflicts")
        ).all()
    assert now == stored
    assert len(conflicts) == 1
    assert conflicts[0][:3] == ("contacts", row["id"], "open")
    assert "محتوى آخر" in conflicts[0][3]
    after = hq_state(hq)
    assert after["contacts"] == before["contacts"]
    assert after["sync_conflicts"] == before["sync_conflicts"] + 1


# -- USB files --------------------------------------------------------------------------------


@pytest.fixture
def usb(make_branch, hq, tmp_path):
    """ABH synced (so KMS's answer carries rows to pull), KMS with pending batches exported."""
    abh = make_branch("ABH")
    contact(abh, "اتصال أبها")
    enroll_offline(abh, hq).sync()
    kms = make_branch("KMS")
    for i in range(7):
        contact(kms, f"اتصال {i}")
    enroll_offline(kms, hq)
    out = tmp_path / "kms.eskan-batches"
    done = run_cli("sync", "export", "--out", str(out), "--batch-size", "3", data_dir=kms.data_dir)
    assert done.returncode == 0, done.stderr
    return abh, kms, out


def enroll_offline(ctx, hq: HQ) -> SyncClient:
    """Enrolled in this process; the recorded HQ address is never dialled (USB only)."""
    client = SyncClient(ctx, LocalTransport(hq))
    client.enroll(OFFLINE_HQ, hq.issue_code(current_branch(ctx).code))
    return client


def hq_import(hq_url: str, path: Path, out: Path, **kw):
    return run_cli("hq", "--database-url", hq_url, "import", str(path), "--out", str(out), **kw)


def import_in_process(hq: HQ, path: Path, out: Path) -> dict[str, Any]:
    """What ``eskan-hq import`` does, without a process start (the CLI is run where it
    matters: exit codes, messages, no answer file on refusal)."""
    with open(path, "rb") as inp, open(out, "wb") as fh:
        return hq.import_file(inp, fh)


def test_an_answer_for_batches_another_process_renumbered_marks_nothing(kms, hq, hq_server):
    """A process still holding the old identity while another enrolls the store anew (and
    renumbers its batches for the new device): the old device's answer marks nothing."""
    from eskan_desk.sync.client import NUMBERING_KEY

    old = SyncClient(kms)
    batch = old.next_batch()
    assert batch is not None
    status, ack = post_batch(hq_server.url, batch.to_bytes())
    assert status == 200
    with kms.store.write() as session:  # what the other process's renumbering leaves behind
        session.execute(
            text("UPDATE sync_state SET value = :d WHERE key = :k"),
            {"d": str(uuid7()), "k": NUMBERING_KEY},
        )
    before = branch_state(kms)
    with pytest.raises(SyncError):
        old._mark_acked(ack, batch.seq)
    assert branch_state(kms) == before


def test_usb_round_trip_and_replays_change_nothing(usb, hq, hq_url, tmp_path):
    _abh, kms, batches = usb
    waiting = pending(kms)
    assert waiting == 9  # branch, staff and seven contacts: three batches of three
    before = hq_state(hq)
    answer = tmp_path / "kms.answer"
    done = hq_import(hq_url, batches, answer, lang="ar")
    assert done.returncode == 0, done.stderr
    after = hq_state(hq)
    assert after["contacts"] == before["contacts"] + 7
    assert after["hq_batches"] == before["hq_batches"] + 3
    assert after["hq_changes"] == before["hq_changes"] + 9
    # The same batch file again: acknowledged again, applied never.
    answer2 = tmp_path / "kms.answer2"
    report = import_in_process(hq, batches, answer2)
    assert (report["acked"], report["error"]) == (3, None)
    assert hq_state(hq) == after
    key = SyncClient(kms).identity.key
    with open(answer, "rb") as a, open(answer2, "rb") as b:
        acks = protocol.read_answer(a, key)["acks"], protocol.read_answer(b, key)["acks"]
    assert acks[0] == acks[1] and [a["seq"] for a in acks[0]] == [1, 2, 3]
    # The branch completes the round.
    done = run_cli("sync", "import", str(answer), "--json", data_dir=kms.data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["batches_acknowledged"] == 3
    assert pending(kms) == 0
    assert {r[0] for r in kms.store.fetch("SELECT code FROM branches")} == {"KMS", "ABH"}
    settled = branch_state(kms)
    # The same answer again changes nothing at the branch; the second answer neither.
    done = run_cli("sync", "import", str(answer), "--json", data_dir=kms.data_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"batches_acknowledged": 0, "rows_received": 0}
    assert branch_state(kms) == settled
    result = SyncClient(kms).import_answer(answer2)
    assert (result.batches, result.pulled) == (0, 0)
    assert branch_state(kms) == settled
    assert hq_state(hq) == after


def test_usb_damaged_batch_files_are_refused_whole(usb, hq, hq_url, tmp_path):
    _abh, _kms, batches = usb
    data = batches.read_bytes()
    with open(batches, "rb") as fh:
        _header, frames = protocol.read_batch_file(fh)
    assert len(frames) == 3
    last_body = data.rindex(frames[-1].body)
    corrupt = bytearray(data)
    corrupt[last_body + len(frames[-1].body) // 2] ^= 0x01  # in the last batch only
    unsigned = bytearray(data)
    unsigned[data.index(b'"pull_cursor":0') + len('"pull_cursor":')] = ord("7")
    damaged = {
        "truncated": (data[:-5], "truncated"),
        "cut in a batch": (data[: last_body + 10], "truncated"),
        "corrupted last batch": (bytes(corrupt), "checksum"),
        "file header edited": (bytes(unsigned), "signature"),
        "not a batch file": (b"PK\x03\x04" + data[4:], "not_a_batch_file"),
    }
    before = hq_state(hq)
    for i, (name, (raw, code)) in enumerate(damaged.items()):
        path = tmp_path / f"damaged-{i}.eskan"
        path.write_bytes(raw)
        out = tmp_path / f"answer-{i}"
        with pytest.raises(HQError) as err:
            import_in_process(hq, path, out)
        assert err.value.code == code, name
        assert hq_state(hq) == before, name
    # Through the CLI: exit 1, a message, and no answer file to carry back.
    path, out = tmp_path / "damaged-2.eskan", tmp_path / "cli.answer"
    done = hq_import(hq_url, path, out, lang="ar")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stderr.strip() and "Traceback" not in done.stderr
    assert not out.exists()
    assert hq_state(hq) == before
    # The intact file still applies from seq 1.
    report = import_in_process(hq, batches, tmp_path / "ok.answer")
    assert (report["acked"], report["error"]) == (3, None)
    assert hq_state(hq)["hq_changes"] == before["hq_changes"] + 9


def _first_page_body(answer: bytes) -> int:
    """The offset of a byte in the middle of an answer file's first page of rows."""
    import struct

    at = len(protocol.ANSWER_MAGIC)
    for _frame in range(2):  # the head, then the first page's head
        (n,) = struct.unpack(">Q", answer[at : at + 8])
        at += 8 + n
    (n,) = struct.unpack(">Q", answer[at : at + 8])
    assert n > 0
    return at + 8 + n // 2


def test_usb_forged_or_foreign_answer_is_refused(usb, hq, tmp_path):
    abh, kms, batches = usb
    answer = tmp_path / "kms.answer"
    import_in_process(hq, batches, answer)
    kms_key = SyncClient(kms).identity.key
    with open(answer, "rb") as fh:
        content = protocol.read_answer(fh, kms_key)
    forged = tmp_path / "forged.answer"
    with open(forged, "wb") as fh:
        protocol.write_answer(fh, content, protocol.new_key())
    # ABH's own answer, made by HQ for ABH (signed with ABH's key).
    contact(abh, "ثانٍ")
    abh_batches, abh_answer = tmp_path / "abh.eskan", tmp_path / "abh.answer"
    assert SyncClient(abh).export(abh_batches) == 1
    import_in_process(hq, abh_batches, abh_answer)
    # An answer signed with KMS's key but naming ABH's device.
    renamed = tmp_path / "renamed.answer"
    with open(renamed, "wb") as fh:
        protocol.write_answer(
            fh, dict(content, device_id=SyncClient(abh).identity.device_id), kms_key
        )
    tampered = bytearray(answer.read_bytes())
    tampered[_first_page_body(bytes(tampered))] ^= 0x01  # inside the pulled rows
    broken = tmp_path / "tampered.answer"
    broken.write_bytes(bytes(tampered))
    settled = branch_state(kms)
    done = run_cli("sync", "import", str(forged), data_dir=kms.data_dir, lang="ar")
    assert_arabic_refusal(done, "forged answer")
    assert branch_state(kms) == settled
    for path, code in (
        (forged, "signature"),
        (abh_answer, "signature"),
        (renamed, "signature"),
        (broken, "checksum"),
    ):
        with pytest.raises(SyncError) as err:
            SyncClient(kms).import_answer(path)
        assert err.value.code == code, path.name
        assert branch_state(kms) == settled, path.name
        assert pending(kms) == 9
    # The genuine one completes the round.
    SyncClient(kms).import_answer(answer)
    assert pending(kms) == 0


def test_usb_export_again_before_the_answer_resends_the_same_batches(make_branch, hq, tmp_path):
    kms = make_branch("KMS")
    for i in range(4):
        contact(kms, f"اتصال {i}")
    client = enroll_offline(kms, hq)
    client.max_changes = 3
    first, second = tmp_path / "first.eskan", tmp_path / "second.eskan"
    assert client.export(first) == 2
    contact(kms, "بعد التصدير الأول")
    assert client.export(second) == 3  # batches 1 and 2 again, the same bytes, and batch 3
    with open(first, "rb") as a, open(second, "rb") as b:
        old, new = protocol.read_batch_file(a)[1], protocol.read_batch_file(b)[1]
    assert [x.to_bytes() for x in old] == [x.to_bytes() for x in new[:2]]
    report = import_in_process(hq, second, tmp_path / "second.answer")
    assert (report["acked"], report["error"]) == (3, None)
    after = hq_state(hq)
    assert after["contacts"] == 5 and after["hq_changes"] == 7
    # The first file arrives late: only replays, nothing applied.
    report = import_in_process(hq, first, tmp_path / "first.answer")
    assert (report["acked"], report["error"]) == (2, None)
    assert hq_state(hq) == after
    SyncClient(kms).import_answer(tmp_path / "first.answer")
    assert pending(kms) == 1  # batches 1 and 2 acknowledged; batch 3 (one change) not yet
    SyncClient(kms).import_answer(tmp_path / "second.answer")
    assert pending(kms) == 0


@pytest.mark.parametrize(
    "header",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"device_id": ["x"], "seq": 1, "schema": "0009", "count": 0, "body_sha256": "0",'
        b' "body_bytes": 0, "signature": "ab"}',
        b'{"device_id": "x", "seq": 1, "schema": "0009", "count": 0, "body_sha256": "0",'
        b' "body_bytes": "abc", "signature": "ab"}',
    ],
)
def test_a_crafted_header_gets_400_not_a_server_error(hq, hq_server, header):
    import struct

    status, body = post_batch(hq_server.url, struct.pack(">I", len(header)) + header)
    assert (status, body["error"]) == (400, "corrupt")
    assert health(hq_server.url) == 200


def test_hq_import_says_its_refusal_in_the_language_asked_for(usb, hq, hq_url, tmp_path):
    """A file whose first batch is missing: HQ applies nothing and says which batch it expected,
    from the catalog (the message was printed as HQ's English text)."""
    _abh, kms, batches = usb
    with open(batches, "rb") as inp:
        header, frames = protocol.read_batch_file(inp)
    head = {k: v for k, v in header.items() if k != "signature"}
    cut = tmp_path / "cut.eskan-batches"
    with open(cut, "wb") as out:
        protocol.write_batch_file(
            out, header=head, key=SyncClient(kms).identity.key, batches=iter(frames[1:])
        )
    done = hq_import(hq_url, cut, tmp_path / "cut.answer", lang="ar")
    assert done.returncode == 1, (done.stdout, done.stderr)
    refusal = done.stderr.strip().splitlines()[-1]
    assert ARABIC.search(refusal) and "expected" not in refusal, refusal


def test_one_code_enrolls_one_device_even_when_many_ask_at_once(hq):
    """Sixteen stores send the same one-time code at the same moment (on PostgreSQL they are
    truly concurrent): exactly one is enrolled, the others are told the code was used."""
    import threading
    import uuid

    code = hq.issue_code("TBK")
    start = threading.Barrier(16)
    results: list[Any] = []

    def ask(i: int) -> None:
        start.wait()
        try:
            branch = {"id": str(uuid.uuid4()), "code": "TBK", "name": f"store {i}"}
            results.append(hq.enroll(code, branch, f"pc{i}"))
        except HQError as exc:
            results.append(exc)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    enrolled = [r for r in results if isinstance(r, dict)]
    assert len(results) == 16 and len(enrolled) == 1, results
    assert {r.code for r in results if isinstance(r, HQError)} == {"enroll_code"}
    with hq.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM hq_devices")).scalar_one() == 1


def test_an_address_where_something_else_answers_is_told_as_such():
    """A web server that is not Eskan HQ (a wrong path or port) answers 404 with a page, not
    HQ's JSON: the branch is told no HQ answers there, not that "HQ refused the request"."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from eskan_desk import i18n

    class NotHQ(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>Not Found</html>")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotHQ)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api"
    try:
        with pytest.raises(SyncError) as refused:
            HttpTransport(url).enroll({"code": "X"})
    finally:
        server.shutdown()
    assert refused.value.status == 404 and not refused.value.retry
    i18n.set_language("ar")
    assert i18n.render_error(refused.value) == (
        f"لا يوجد مقر رئيسي لإسكان ديسك يجيب على {url} (HTTP 404). تحقق من العنوان."
    )
