"""Sync over a link and processes that fail (guarantees 3 and 4 of DESIGN "Sync").

A dropped, reset, truncated or stalled connection, HQ down or answering 500, HQ killed while it
applies a batch, the client killed at random points: whatever happens, once the link heals one
normal sync leaves HQ with exactly the branch's rows, each change applied once, nothing pending.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from eskan_desk.domain.errors import SyncError
from eskan_desk.services.contacts import ContactInput, log_contact
from eskan_desk.services.demo import generate_demo
from eskan_desk.services.staff import current_branch, resolve_actor
from eskan_desk.services.sync_status import ACKED_KEY
from eskan_desk.sync import rows
from eskan_desk.sync.client import BATCH_ACKED_KEY, SyncClient
from eskan_desk.sync.hq import APPLY_LOCK, HQ
from eskan_desk.sync.transport import HttpTransport, LocalTransport
from tests.sync.conftest import BIN, HQServer, free_port, run_cli
from tests.sync.faultproxy import FaultProxy, Plan

# Tables HQ itself writes (merges, alerts): not the branch's to send.
HQ_AUTHORED = frozenset({"sync_conflicts", "duplicate_alerts"})


# -- helpers (test_concurrency uses them too) --------------------------------------------------


def demo(ctx, *, contacts: int, beneficiaries: int = 0, seed: int, casework: bool = False):
    """Add data through the real demo generator; ``seed`` must differ per call on a store."""
    return generate_demo(
        ctx,
        resolve_actor(ctx, "admin"),
        beneficiaries=beneficiaries,
        contacts=contacts,
        seed=seed,
        casework=casework,
    )


def contact(ctx, summary: str) -> None:
    log_contact(
        ctx,
        resolve_actor(ctx, "admin"),
        ContactInput(channel="phone", summary=summary, caller_name="سالم"),
    )


def pending(ctx) -> int:
    return SyncClient(ctx).status().pending


def hq_count(hq: HQ, sql: str, **params: Any) -> int:
    with hq.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def assert_branch_converged(hq: HQ, ctx) -> None:
    """HQ holds exactly this branch's rows (ids and versions, every synced table), every
    change of its outbox once in HQ's ledger and in exactly one applied batch, nothing pending."""
    branch_id = current_branch(ctx).id
    device_id = SyncClient(ctx).identity.device_id
    with hq.engine.connect() as conn:
        for table in sorted(rows.synced_tables()):
            if table in HQ_AUTHORED:
                continue
            sql = f"SELECT id, version FROM {table} WHERE branch_id = "
            ours = set(ctx.store.fetch(sql + "?", (branch_id,)))
            theirs = set(conn.execute(text(sql + ":b"), {"b": branch_id}))
            assert theirs == ours, (
                f"{table}: missing at HQ {len(ours - theirs)}, extra at HQ {len(theirs - ours)}"
            )
        ledger = conn.execute(
            text("SELECT count(*), count(DISTINCT change_id) FROM hq_changes WHERE device_id = :d"),
            {"d": device_id},
        ).one()
        batches = conn.execute(
            text(
                "SELECT count(*), coalesce(sum(changes), 0), coalesce(max(seq), 0) "
                "FROM hq_batches WHERE device_id = :d"
            ),
            {"d": device_id},
        ).one()
        last_seq = conn.execute(
            text("SELECT last_seq FROM hq_devices WHERE id = :d"), {"d": device_id}
        ).scalar_one()
        hq_change_ids = {
            r[0]
            for r in conn.execute(
                text("SELECT change_id FROM hq_changes WHERE device_id = :d"), {"d": device_id}
            )
        }
    outbox = ctx.store.fetch(
        "SELECT count(*), count(DISTINCT change_id), "
        "count(CASE WHEN seq <= (SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = ?) "
        "THEN 1 END), max(batch_seq) FROM sync_outbox",
        (ACKED_KEY,),
    )[0]
    acked = ctx.store.fetch("SELECT value FROM sync_state WHERE key = ?", (BATCH_ACKED_KEY,))
    assert pending(ctx) == 0
    assert outbox[0] == outbox[1] == outbox[2], f"outbox {outbox}: not all acknowledged"
    assert ledger[0] == ledger[1] == outbox[0], f"HQ ledger {ledger} vs outbox {outbox}"
    assert batches[0] == batches[2] == last_seq == outbox[3] == int(acked[0][0]), batches
    assert batches[1] == outbox[0], f"{batches[1]} changes in HQ batches, outbox {outbox[0]}"
    local_ids = {r[0] for r in ctx.store.fetch("SELECT change_id FROM sync_outbox")}
    assert hq_change_ids == local_ids


# -- a link that misbehaves -------------------------------------------------------------------


def test_sync_converges_through_a_faulty_link(make_branch, hq, hq_server, record_property):
    ctx = make_branch("KMS")
    demo(ctx, contacts=150, beneficiaries=15, seed=101, casework=True)
    SyncClient(ctx).enroll(hq_server.url, hq.issue_code("KMS"))
    seed = random.randrange(1 << 30)
    record_property("seed", seed)
    rng = random.Random(seed)
    with FaultProxy(hq_server.port) as proxy:
        client = SyncClient(ctx, HttpTransport(proxy.url, timeout=1.0), max_changes=20)
        plans: list[Plan] = []
        for _cycle in range(3):
            faults = [
                Plan("drop", n=rng.randint(1, 600)),
                Plan("truncate", n=-rng.randint(1, 30)),  # in the body: the ack is lost
                Plan("reset"),  # after HQ answered: applied, the ack lost
                Plan("reset", n=rng.randint(1, 1500)),  # mid-request
                Plan("refuse"),
                Plan("delay", seconds=1.6),  # beyond the 1 s timeout: applied, ack late
                Plan("canned"),  # a 500 from something in between
            ]
            rng.shuffle(faults)
            for fault in faults:
                plans.extend([Plan()] * rng.randint(0, 2))
                plans.append(fault)
        proxy.schedule(plans)
        errors = rounds = 0
        while proxy.queued() and rounds < 150:
            rounds += 1
            if rounds % 4 == 0:
                contact(ctx, f"أثناء الأعطال {rounds}")  # new changes while faults happen
            try:
                client.sync(attempts=2, backoff_s=0)
            except SyncError as exc:
                assert exc.retry, (seed, exc.code, exc)
                errors += 1
        assert not proxy.queued(), f"seed {seed}: faults left after {rounds} rounds"
        proxy.heal()
        try:
            client.sync(attempts=3, backoff_s=0.05)
        except SyncError as exc:
            pytest.fail(f"seed {seed}: the healed link does not sync: {exc.code} {exc}")
        stats = dict(proxy.stats)
    record_property("proxy", stats)
    for mode in ("drop", "truncate", "reset", "refuse", "delay", "canned"):
        assert stats.get(mode, 0) >= 3, (seed, stats)
    assert errors > 0 and stats["cut"] >= 6, (seed, errors, stats)
    try:
        assert_branch_converged(hq, ctx)
    except AssertionError as exc:
        raise AssertionError(f"seed {seed}, proxy {stats}: {exc}") from exc
    assert SyncClient(ctx).status().last_error is None


def test_hq_down_is_retried_then_recorded(make_branch, tmp_path):
    hq = HQ.open(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}")
    try:
        ctx = make_branch("KMS")
        contact(ctx, "قبل الانقطاع")
        nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
        SyncClient(ctx, LocalTransport(hq)).enroll(nowhere, hq.issue_code("KMS"))
        waiting = pending(ctx)
        assert waiting == 3
        calls: list[str] = []

        class Counting(HttpTransport):
            def push(self, batch):
                calls.append("push")
                return super().push(batch)

        started = time.monotonic()
        with pytest.raises(SyncError) as err:
            SyncClient(ctx, Counting(nowhere, timeout=2)).sync(attempts=3, backoff_s=0.1)
        elapsed = time.monotonic() - started
        assert (err.value.code, err.value.retry) == ("unreachable", True)
        assert calls == ["push"] * 3
        assert elapsed >= 0.1 + 0.2  # back-off doubles between tries
        status = SyncClient(ctx).status()
        assert status.pending == waiting
        assert status.last_error["code"] == "unreachable"
        assert status.last_error_at is not None and status.last_sync_at is None
        assert hq_count(hq, "SELECT count(*) FROM hq_batches") == 0
        # The CLI says so too, and `sync status` shows it.
        done = run_cli("sync", "--attempts", "2", data_dir=ctx.data_dir, lang="ar")
        assert done.returncode == 1 and done.stderr.strip(), done
        shown = run_cli("sync", "status", "--json", data_dir=ctx.data_dir)
        assert '"pending_changes": 3' in shown.stdout and "127.0.0.1" in shown.stdout
        # HQ back: the same changes go, once; the error is cleared.
        SyncClient(ctx, LocalTransport(hq)).sync()
        assert_branch_converged(hq, ctx)
        assert SyncClient(ctx).status().last_error is None
    finally:
        hq.dispose()


@pytest.fixture
def sqlite_server(tmp_path):
    """An HQ server on a SQLite file, for tests where the database kind does not matter."""
    url = f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}"
    hq = HQ.open(url)
    server = HQServer(url, tmp_path / "hq.log").start()
    yield hq, server
    server.stop()
    hq.dispose()


@pytest.fixture
def kms_enrolled(make_branch, sqlite_server):
    """HQ, its server, and a KMS store enrolled with it holding one contact not sent yet."""
    hq, server = sqlite_server
    ctx = make_branch("KMS")
    contact(ctx, "أول")
    SyncClient(ctx).enroll(server.url, hq.issue_code("KMS"))
    return hq, server, ctx


def test_5xx_and_timeouts_are_retried_with_back_off(kms_enrolled):
    hq, server, ctx = kms_enrolled
    with FaultProxy(server.port) as proxy:
        client = SyncClient(ctx, HttpTransport(proxy.url, timeout=0.8))
        # Always 500: three tries with back-off, then the error, nothing sent.
        proxy.set("canned")
        started = time.monotonic()
        with pytest.raises(SyncError) as err:
            client.sync(attempts=3, backoff_s=0.2)
        assert time.monotonic() - started >= 0.2 + 0.4
        assert (err.value.status, err.value.retry) == (500, True)
        assert proxy.stats["canned"] == 3
        assert client.status().last_error is not None
        assert client.status().pending == 3
        assert hq_count(hq, "SELECT count(*) FROM hq_batches") == 0
        # Two 500s, then HQ answers: the third try succeeds.
        proxy.heal()
        proxy.fail_next(2, "canned")
        client.sync(attempts=3, backoff_s=0.01)
        assert proxy.stats["canned"] == 5
        assert client.status().pending == 0 and client.status().last_error is None
        # A response held beyond the timeout: HQ applied it, the client retries, the replay
        # is answered from the ledger, applied once.
        contact(ctx, "ثانٍ")
        proxy.fail_next(1, "delay", seconds=2.0)
        started = time.monotonic()
        client.sync(attempts=3, backoff_s=0.01)
        assert time.monotonic() - started >= 0.8
        assert hq_count(hq, "SELECT count(*) FROM contacts") == 2
        # Stalled every time: retried, then "unreachable", retry=True.
        contact(ctx, "ثالث")
        proxy.set("delay", seconds=1.5)
        with pytest.raises(SyncError) as err:
            client.sync(attempts=2, backoff_s=0.01)
        assert (err.value.code, err.value.retry) == ("unreachable", True)
        proxy.heal()
        client.sync(attempts=3, backoff_s=0.01)
    assert_branch_converged(hq, ctx)
    assert hq_count(hq, "SELECT count(*) FROM contacts") == 3


def test_upload_cut_short_is_logged_as_one_json_line(make_branch, sqlite_server):
    hq, server = sqlite_server
    ctx = make_branch("KMS")
    demo(ctx, contacts=100, seed=404)
    SyncClient(ctx).enroll(server.url, hq.issue_code("KMS"))
    with FaultProxy(server.port) as proxy:
        client = SyncClient(ctx, HttpTransport(proxy.url, timeout=5))
        proxy.fail_next(1, "drop", n=2000)  # headers and part of the body, then the link drops
        client.sync(attempts=2, backoff_s=0.2)
        assert proxy.stats["cut"] == 1
    assert_branch_converged(hq, ctx)
    server.stop()
    log = server.log()
    assert "Traceback" not in log and "Exception in ASGI" not in log, log[-3000:]


# -- processes killed -------------------------------------------------------------------------


def hq_applying(hq: HQ) -> bool:
    """Is a batch being applied at HQ right now (its transaction open, not committed)?

    SQLite: HQ applies under ``BEGIN IMMEDIATE``, so the write lock is taken. PostgreSQL: the
    transaction-level advisory lock every application takes is held."""
    if hq.is_pg:
        return bool(
            hq_count(
                hq,
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k "
                "AND granted",
                k=APPLY_LOCK,
            )
        )
    probe = sqlite3.connect(hq.engine.url.database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def test_hq_killed_while_applying_a_big_batch(make_branch, hq, hq_server, record_property):
    ctx = make_branch("KMS")
    client = SyncClient(ctx)
    client.enroll(hq_server.url, hq.issue_code("KMS"))
    client.sync()  # the branch and staff rows: seq 1
    demo(ctx, contacts=2000, seed=202)
    batch = client.next_batch()
    assert batch is not None and batch.seq == 2 and batch.header["count"] == 2000
    frame_bytes = len(batch.to_bytes())
    delay = random.uniform(0.0, 0.5)
    record_property("kill_delay", delay)
    outcome: list[Any] = []
    with FaultProxy(hq_server.port) as proxy:
        pusher = SyncClient(ctx, HttpTransport(proxy.url, timeout=60))

        def push() -> None:
            try:
                outcome.append(pusher.push())
            except SyncError as exc:
                outcome.append(exc)

        thread = threading.Thread(target=push)
        thread.start()
        # Once HQ has the whole request and its transaction is open, a random short delay,
        # then SIGKILL.
        assert proxy.wait_for("bytes_up", frame_bytes, timeout=60)
        deadline = time.monotonic() + 30
        while not hq_applying(hq):
            assert time.monotonic() < deadline, "HQ never started applying"
            assert not outcome, outcome
            time.sleep(0.002)
        time.sleep(delay)
        hq_server.kill()
        thread.join(60)
    assert not thread.is_alive()
    applied = hq_count(hq, "SELECT count(*) FROM contacts")
    record_property("applied_before_kill", applied)
    device = client.identity.device_id
    changes = hq_count(hq, "SELECT count(*) FROM hq_changes WHERE device_id = :d", d=device)
    seqs = hq_count(hq, "SELECT max(seq) FROM hq_batches WHERE device_id = :d", d=device)
    # Whole or nothing: the rows, the ledger and the batch record together.
    assert applied in (0, 2000), (applied, delay)
    heard = not isinstance(outcome[0], SyncError)
    if applied:
        assert (changes, seqs) == (2002, 2)
    else:
        assert (changes, seqs) == (2, 1)
        assert not heard and outcome[0].retry, outcome
    # Marked sent only if HQ's answer arrived before the kill.
    assert pending(ctx) == (0 if heard else 2000)
    hq_server.start()
    SyncClient(ctx).sync(backoff_s=0.1)
    assert hq_count(hq, "SELECT count(*) FROM contacts") == 2000
    assert_branch_converged(hq, ctx)


def _kill_clients(ctx, hq, *, kills: int, seed: int, more: int) -> list[str]:
    """``kills`` times: add ``more`` contacts, run ``eskan sync --batch-size 20``, and once HQ
    has applied a random number of its batches (within the first half, so a fast machine still
    meets the kill mid-stream), SIGKILL it after a short random delay; returns what happened.

    The point is counted in batches rather than seconds: a wall-clock delay let a fast machine
    finish all its batches before the kill, and then the soak tested nothing."""
    rng = random.Random(seed)
    env = dict(os.environ, ESKAN_LANG="en")
    device = SyncClient(ctx).identity.device_id
    log = []
    for i in range(kills):
        if more:
            demo(ctx, contacts=more, seed=seed % 100_000 * 1000 + i)
        batches = -(-pending(ctx) // 20)
        target = rng.randint(1, max(1, batches // 2))
        delay = rng.uniform(0.0, 0.02)
        seen = hq_count(hq, "SELECT count(*) FROM hq_batches WHERE device_id = :d", d=device)
        proc = subprocess.Popen(
            [str(BIN / "eskan"), "--data-dir", str(ctx.data_dir), "sync", "--batch-size", "20"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            n = hq_count(hq, "SELECT count(*) FROM hq_batches WHERE device_id = :d", d=device)
            if n - seen >= target:
                break
            time.sleep(0.002)
        try:
            proc.wait(delay)
            log.append(f"{i}: finished before batch {target} of {batches} (rc {proc.returncode})")
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            log.append(
                f"{i}: killed {delay * 1000:.0f} ms after batch {target} of {batches}, "
                f"{pending(ctx)} pending"
            )
    return log


def _client_kill_soak(make_branch, hq, hq_server, record_property, *, kills: int, more: int):
    ctx = make_branch("KMS")
    demo(ctx, contacts=800, beneficiaries=60, seed=303)
    SyncClient(ctx).enroll(hq_server.url, hq.issue_code("KMS"))
    assert pending(ctx) >= 1000
    seed = random.randrange(1 << 30)
    record_property("seed", seed)
    log = _kill_clients(ctx, hq, kills=kills, seed=seed, more=more)
    record_property("kills", log)
    assert any("killed" in line for line in log), log
    try:
        SyncClient(ctx).sync(backoff_s=0.1)
        assert_branch_converged(hq, ctx)
    except (AssertionError, SyncError) as exc:
        raise AssertionError(f"seed {seed}, runs {log}: {exc}") from exc
    assert hq_server.proc.poll() is None
    assert "Traceback" not in hq_server.log()


def test_client_killed_at_random_points(make_branch, hq, hq_server, record_property):
    _client_kill_soak(make_branch, hq, hq_server, record_property, kills=3, more=200)


@pytest.mark.slow
def test_client_killed_at_random_points_soak(make_branch, hq, hq_server, record_property):
    _client_kill_soak(make_branch, hq, hq_server, record_property, kills=30, more=400)


def test_fault_proxy_modes_do_what_they_say(tmp_path):
    """The proxy itself: each mode reaches the client as the fault it names."""
    import http.client
    import http.server

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def call(proxy: FaultProxy, timeout: float = 5.0) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=timeout)
        try:
            conn.request("POST", "/", body=b"x" * 5000)
            resp = conn.getresponse()
            return resp.status, resp.read()
        except (OSError, http.client.HTTPException) as exc:
            return type(exc)
        finally:
            conn.close()

    try:
        with FaultProxy(server.server_address[1]) as proxy:
            assert call(proxy) == (200, b"x" * 5000)
            proxy.fail_next(1, "canned")
            assert call(proxy)[0] == 500
            proxy.fail_next(1, "refuse")
            assert call(proxy) in (ConnectionResetError, http.client.RemoteDisconnected)
            proxy.fail_next(1, "reset")
            assert call(proxy) is ConnectionResetError
            proxy.fail_next(1, "truncate", n=300)
            assert call(proxy) is http.client.IncompleteRead
            proxy.fail_next(1, "truncate", n=-1)
            assert call(proxy) is http.client.IncompleteRead
            proxy.fail_next(1, "drop", n=50)
            assert call(proxy) in (http.client.RemoteDisconnected, BrokenPipeError)
            proxy.fail_next(1, "delay", seconds=1.0)
            assert call(proxy, timeout=0.3) is TimeoutError
            assert call(proxy) == (200, b"x" * 5000)
    finally:
        server.shutdown()
        server.server_close()


def test_push_answer_cut_inside_its_headers_is_retried(kms_enrolled):
    hq, server, ctx = kms_enrolled
    with FaultProxy(server.port) as proxy:
        client = SyncClient(ctx, HttpTransport(proxy.url, timeout=2))
        proxy.fail_next(1, "truncate", n=40)  # the ack cut just after "HTTP/1.1 200 OK"
        client.sync(attempts=3, backoff_s=0.01)
    assert_branch_converged(hq, ctx)


def test_pull_answer_cut_inside_its_headers_is_retried(kms_enrolled):
    hq, server, ctx = kms_enrolled
    with FaultProxy(server.port) as proxy:
        client = SyncClient(ctx, HttpTransport(proxy.url, timeout=2))
        client.sync()
        proxy.fail_next(1, "truncate", n=40)  # nothing to push: the pull's answer is cut
        client.sync(attempts=3, backoff_s=0.01)
    assert_branch_converged(hq, ctx)
