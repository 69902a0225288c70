"""Five branches pushing at once into one HQ served by two workers (guarantees 3 and 8).

Exactly-once rests on the database (the ``(device, seq)`` key, the unique change id, one
transaction per batch), not on a process: with two uvicorn workers sharing the database, every
branch must converge with each change applied once, no deadlock, no 5xx.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from eskan_desk.services.staff import current_branch
from eskan_desk.sync.client import SyncClient
from eskan_desk.sync.hq import HQ
from tests.sync.conftest import BIN, PG_ENV, HQServer, pg_database
from tests.sync.test_faults import assert_branch_converged, demo

CODES = ("BA", "BB", "BC", "BD", "BE")
SERVER_ERRORS = re.compile(
    r'"status": 5\d\d|Traceback|Exception in ASGI|"level": "(error|critical)"'
)


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL only: set {PG_ENV}")
    yield from pg_database()


def five_branches_at_once(url: str, make_branch, tmp_path) -> None:
    hq = HQ.open(url)
    server = HQServer(url, tmp_path / "hq-2-workers.log", workers=2).start()
    try:
        branches = {}
        for i, code in enumerate(CODES):
            ctx = make_branch(code)
            # a distinct seed per branch: distinct national IDs, no duplicate alerts
            demo(ctx, contacts=150 + 20 * i, beneficiaries=25, seed=500 + i)
            SyncClient(ctx).enroll(server.url, hq.issue_code(code))
            branches[code] = ctx
        expected = {
            code: {
                t: ctx.store.fetch(f"SELECT count(*) FROM {t}")[0][0]
                for t in ("contacts", "beneficiaries")
            }
            for code, ctx in branches.items()
        }
        env = dict(os.environ, ESKAN_LANG="en")
        started = time.monotonic()
        procs = {
            code: subprocess.Popen(
                [
                    str(BIN / "eskan"),
                    "--data-dir",
                    str(ctx.data_dir),
                    "sync",
                    "--batch-size",
                    "25",
                    "--json",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for code, ctx in branches.items()
        }
        results = {}
        for code, proc in procs.items():
            try:
                out, err = proc.communicate(timeout=max(5.0, 150 - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                for p in procs.values():
                    p.kill()
                pytest.fail(f"{code}: still syncing after 150 s (deadlock?)\n{server.log()}")
            results[code] = (proc.returncode, out, err)
        for code, (rc, out, err) in results.items():
            assert rc == 0, f"{code}: rc {rc}\n{err}\n{server.log()[-4000:]}"
            assert '"changes_sent"' in out
        # Each branch once more, so that each has seen every other's branch row.
        for ctx in branches.values():
            SyncClient(ctx).sync()
        log = server.log()
        bad = [line for line in log.splitlines() if SERVER_ERRORS.search(line)]
        assert not bad, "\n".join(bad[:20])
        assert server.proc.poll() is None
        for code, ctx in branches.items():
            assert_branch_converged(hq, ctx)
            codes = {r[0] for r in ctx.store.fetch("SELECT code FROM branches")}
            assert codes == set(CODES), code
        with hq.engine.connect() as conn:
            dup = conn.execute(
                text("SELECT count(*) - count(DISTINCT change_id) FROM hq_changes")
            ).scalar_one()
            alerts = conn.execute(text("SELECT count(*) FROM duplicate_alerts")).scalar_one()
        assert dup == 0 and alerts == 0
        report = {b["code"]: b for b in hq.branches()}
        assert set(report) == set(CODES)
        for code, ctx in branches.items():
            assert report[code]["branch_id"] == current_branch(ctx).id
            for table, n in expected[code].items():
                assert report[code]["records"][table] == n, (code, table)
            assert report[code]["open_conflicts"] == 0
    finally:
        server.stop()
        hq.dispose()


@pytest.mark.pg
def test_five_branches_at_once_on_postgresql_with_two_workers(pg_url, make_branch, tmp_path):
    five_branches_at_once(pg_url, make_branch, tmp_path)


def test_five_branches_at_once_on_sqlite_with_two_workers(make_branch, tmp_path):
    five_branches_at_once(f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}", make_branch, tmp_path)
