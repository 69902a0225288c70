"""Push 100,000 contact changes from one branch to HQ on PostgreSQL over loopback HTTP.

A branch store made by ``eskan init`` + ``eskan demo --no-casework`` (cached like the other
benches' stores, copied per run) holds every demo row as a pending change: the contacts and the
families they belong to. ``eskan-hq serve`` runs on a fresh PostgreSQL database; the branch
enrolls with ``eskan sync enroll``, then ``eskan sync`` is timed as a subprocess, through a
counting TCP proxy on loopback (bytes both ways, HTTP headers included), its own peak RSS
(VmHWM) sampled until it exits.

Beside it, in the same run and the same PostgreSQL, the same rows (decoded from the same outbox
payloads) go into fresh databases with HQ's schema, in chunks of the sync batch size, one
transaction per chunk: by SQLAlchemy Core executemany before and after the sync (the baseline:
the faster of the two), and once by COPY (the floor of any bulk load).

Targets: >= 10,000 changes/s; <= 3x the raw insert; <= 200 bytes per change; client <= 200 MB.
PostgreSQL is ``ESKAN_BENCH_PG_URL`` (default the local test server, trust auth); the bench is
skipped with a message when it cannot be reached.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from bench.common import CACHE
from eskan_desk.app import STORE_FILE
from eskan_desk.sync import protocol, rows
from tests.sync.conftest import HQServer, pg_database

PG_ENV = "ESKAN_BENCH_PG_URL"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BIN = Path(sys.executable).parent
PASSWORD = "bench-password"
CHANGES_PER_S_TARGET = 10_000
RATIO_TARGET = 3.0
BYTES_TARGET = 200
MEMORY_TARGET_MB = 200


# -- the branch store --------------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 3600) -> str:
    done = subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "ESKAN_LANG": "en", **(env or {})},
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed:\n{done.stderr}\n{done.stdout}")
    return done.stdout


def branch_store(beneficiaries: int, contacts: int, seed: int = 2111) -> tuple[Path, float]:
    """A branch store whose demo rows are all pending changes, built once per size.

    Returns the cached folder (copy it before use: a sync changes it) and the seconds the
    build took (0.0 when reused).
    """
    path = CACHE / f"sync-b{beneficiaries}-c{contacts}-s{seed}"
    ready = path / "READY"
    if ready.exists():
        return path, 0.0
    shutil.rmtree(path, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    _cli(
        "eskan", "--data-dir", str(path), "init", "--branch", "KMS",
        "--branch-name", "فرع خميس مشيط", "--admin", "admin",
        env={"ESKAN_ADMIN_PASSWORD": PASSWORD},
    )  # fmt: skip
    _cli(
        "eskan", "--data-dir", str(path), "demo", "--beneficiaries", str(beneficiaries),
        "--contacts", str(contacts), "--seed", str(seed), "--no-casework",
    )  # fmt: skip
    built = time.perf_counter() - t0
    ready.write_text(f"{built:.1f}\n")
    return path, built


def _copy_store(src: Path, dest: Path) -> Path:
    dest.mkdir()
    for f in src.iterdir():
        if f.name.startswith(STORE_FILE):  # the database and any -wal / -shm beside it
            shutil.copy(f, dest / f.name)
    return dest


def _outbox_rows(store: Path) -> list[tuple[str, list[dict[str, Any]]]]:
    """The outbox's rows as column values, grouped by kind in outbox order."""
    conn = sqlite3.connect(f"file:{store / STORE_FILE}?mode=ro", uri=True)
    try:
        groups: dict[str, list[dict[str, Any]]] = {}
        for entity, payload in conn.execute("SELECT entity, payload FROM sync_outbox ORDER BY seq"):
            groups.setdefault(entity, []).append(rows.decode(entity, json.loads(payload)))
    finally:
        conn.close()
    return list(groups.items())


# -- PostgreSQL --------------------------------------------------------------------------------


def _pg_reachable(url: str) -> str | None:
    """None when PostgreSQL answers, else why not."""
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means: skip
        return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


def _pg_database(base_url: str, tag: str) -> contextlib.AbstractContextManager[str]:
    return contextlib.contextmanager(pg_database)(f"eskan_bench_{tag}", base_url)


def _copy_rows(conn: Any, table: Any, values: list[dict[str, Any]]) -> None:
    """``COPY table FROM STDIN`` of ``values``: the values SQLAlchemy would bind (each type's
    bind processor), absent columns with a Python default given it as SQLAlchemy would."""
    keys = values[0].keys()
    cols = [c for c in table.columns if c.key in keys or c.default is not None]
    plan = []
    for c in cols:
        process = c.type._cached_bind_processor(conn.dialect) or (lambda v: v)
        default = None if c.key in keys else c.default.arg
        plan.append((c.key, default, process))
    names = ", ".join(f'"{c.name}"' for c in cols)
    with (
        conn.connection.driver_connection.cursor() as cur,
        cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for v in values:
            copy.write_row([p(v[k] if d is None else d) for k, d, p in plan])


def _raw_insert(
    url: str, groups: list[tuple[str, list[dict[str, Any]]]], chunk: int, *, copy: bool = False
) -> dict:
    """Seconds to insert the same rows, one transaction per chunk: Core executemany (or COPY,
    PostgreSQL's bulk load, with ``copy``)."""
    from eskan_desk.sync.hq import HQ

    hq = HQ.open(url)  # the very schema HQ applies batches into
    tables = rows.synced_tables()
    try:
        out = {"contacts": 0.0, "others": 0.0, "contact_rows": 0, "other_rows": 0}
        # Contacts refer to families: the families go in first, then the contacts.
        for entity, values in sorted(groups, key=lambda g: g[0] == "contacts"):
            kind = "contacts" if entity == "contacts" else "others"
            stmt = insert(tables[entity])
            t0 = time.perf_counter()
            for i in range(0, len(values), chunk):
                with hq.engine.begin() as conn:
                    if copy:
                        _copy_rows(conn, tables[entity], values[i : i + chunk])
                    else:
                        conn.execute(stmt, values[i : i + chunk])
            out[kind] += time.perf_counter() - t0
            out["contact_rows" if kind == "contacts" else "other_rows"] += len(values)
    finally:
        hq.dispose()
    return out


# -- HQ server and the counting proxy ----------------------------------------------------------


class _Server(HQServer):
    """``eskan-hq serve`` on a free loopback port (the tests' server), and its batch times."""

    def batch_ms(self) -> list[float]:
        """HQ's own time per applied batch, from its JSON log."""
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                rec = json.loads(line)
                if isinstance(rec, dict) and rec.get("event") == "batch" and "ms" in rec:
                    out.append(float(rec["ms"]))
        return out


class _CountingProxy:
    """A loopback TCP relay that counts the bytes it carries each way (HTTP headers included)."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.up = self.down = self.connections = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.up = self.down = self.connections = 0

    def close(self) -> None:
        self.sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        with self._lock:
            self.connections += 1
        with client, socket.create_connection(("127.0.0.1", self.target)) as server:
            back = threading.Thread(target=self._pump, args=(server, client, False))
            back.start()
            self._pump(client, server, True)
            back.join()

    def _pump(self, src: socket.socket, dst: socket.socket, up: bool) -> None:
        n = 0
        with contextlib.suppress(OSError):
            while data := src.recv(1 << 16):
                dst.sendall(data)
                n += len(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)
        with self._lock:
            if up:
                self.up += n
            else:
                self.down += n


def _peak_kb(pid: int) -> int | None:
    """The process's own peak RSS (VmHWM) in kB; None once it has exited."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _timed_sync(data_dir: Path, out: Path) -> tuple[float, float, dict[str, Any]]:
    """Run ``eskan sync --json``; returns (seconds, peak RSS in MB, its JSON answer).

    The peak is the child's own VmHWM, read every few milliseconds until it exits (``wait4``'s
    ``ru_maxrss`` would count this process's size too: it is recorded at the child's exec).
    """
    err = out.with_suffix(".err")
    with open(out, "wb") as fh, open(err, "wb") as fh_err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(BIN / "eskan"), "--data-dir", str(data_dir), "sync", "--json"],
            stdout=fh,
            stderr=fh_err,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "ESKAN_LANG": "en"},
        )
        peak = 0
        while proc.poll() is None:
            kb = _peak_kb(proc.pid)
            if kb is not None:
                peak = max(peak, kb)
            time.sleep(0.005)
        seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError("eskan sync failed: " + err.read_text(errors="replace"))
    return seconds, peak / 1024, json.loads(out.read_text())


# -- the bench ---------------------------------------------------------------------------------


def run(*, beneficiaries: int = 2000, contacts: int = 100_000) -> list[str]:
    """Time one full push to HQ on PostgreSQL beside a raw insert; return markdown lines."""
    title = (
        f"## Sync: push {contacts:,} contact changes (and {beneficiaries:,} families) "
        "to HQ on PostgreSQL over loopback HTTP"
    )
    pg = os.environ.get(PG_ENV, PG_DEFAULT)
    why = _pg_reachable(pg)
    if why is not None:
        return [
            title,
            "",
            f"Skipped: PostgreSQL is not reachable at "
            f"{make_url(pg).render_as_string(hide_password=True)} ({why}). "
            f"Set {PG_ENV} to a server where this user may create databases.",
        ]
    cached, built = branch_store(beneficiaries, contacts)
    groups = _outbox_rows(cached)
    counts = {entity: len(values) for entity, values in groups}
    total_rows = sum(counts.values())
    chunk = protocol.MAX_BATCH_CHANGES

    load = os.getloadavg()[0]
    raw_runs = []
    with _pg_database(pg, "raw") as url:
        raw_runs.append(_raw_insert(url, groups, chunk))
    with _pg_database(pg, "copy") as url:
        floor = _raw_insert(url, groups, chunk, copy=True)

    with (
        tempfile.TemporaryDirectory(prefix="eskan-sync-bench-") as tmp_,
        _pg_database(pg, "hq") as hq_url,
    ):
        tmp = Path(tmp_)
        store = _copy_store(cached, tmp / "branch")
        server = _Server(hq_url, tmp / "hq.log").start()
        proxy = _CountingProxy(server.port)
        try:
            code = _cli("eskan-hq", "--database-url", hq_url, "enroll", "--branch", "KMS")
            _cli(
                "eskan", "--data-dir", str(store), "sync", "enroll",
                "--hq", f"http://127.0.0.1:{proxy.port}", "--code", code.strip().splitlines()[0],
            )  # fmt: skip
            proxy.reset()
            seconds, peak_mb, answer = _timed_sync(store, tmp / "sync.json")
            up, down, requests = proxy.up, proxy.down, proxy.connections
            hq_ms = server.batch_ms()
            proxy.reset()
            idle_s, _, _ = _timed_sync(store, tmp / "idle.json")  # nothing pending: fixed cost
        finally:
            proxy.close()
            server.stop()
        engine = create_engine(hq_url)
        with engine.connect() as conn:
            at_hq = conn.execute(text("SELECT count(*) FROM contacts")).scalar_one()
            ledger = conn.execute(text("SELECT count(*) FROM hq_changes")).scalar_one()
        engine.dispose()

    with _pg_database(pg, "raw") as url:
        raw_runs.append(_raw_insert(url, groups, chunk))

    changes = int(answer["changes_sent"])
    if changes != total_rows or at_hq != counts.get("contacts", 0) or ledger != changes:
        raise RuntimeError(
            f"sync incomplete: sent {changes} of {total_rows} changes, "
            f"{at_hq} contacts at HQ, {ledger} in the ledger"
        )
    raw = min(raw_runs, key=lambda r: r["contacts"] + r["others"])
    raw_s = raw["contacts"] + raw["others"]
    floor_s = floor["contacts"] + floor["others"]
    rate = changes / seconds
    ratio = seconds / raw_s
    per_change = up / changes
    checks = {
        "rate": rate >= CHANGES_PER_S_TARGET,
        "ratio": ratio <= RATIO_TARGET,
        "bytes": per_change <= BYTES_TARGET,
        "memory": peak_mb <= MEMORY_TARGET_MB,
    }

    def mark(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    kinds = ", ".join(f"{n:,} {entity}" for entity, n in counts.items())
    lines = [
        title,
        "",
        f"{changes:,} changes pending in the branch store ({kinds}), sent in "
        f"{answer['batches']} batches of up to {chunk:,}; HQ `eskan-hq serve` (1 worker) on "
        f"PostgreSQL {_pg_version(pg)}; the client is `eskan sync` in a subprocess. Load "
        f"average at the start: {load:.1f} on {os.cpu_count()} CPUs.",
        *([f"Branch store built in {built:.0f} s."] if built else []),
        "",
        "| measure | value | target | |",
        "|---|---:|---:|---|",
        f"| `eskan sync` wall time (process start to exit: push, then pull) | {seconds:.2f} s "
        "| | |",
        f"| changes per second | {rate:,.0f} | >= {CHANGES_PER_S_TARGET:,} | "
        f"{mark(checks['rate'])} |",
        f"| - HQ applying the batches (its per-batch times, summed) | {sum(hq_ms) / 1000:.2f} s "
        "| | |",
        f"| - `eskan sync` with nothing pending (start-up, pull, exit) | {idle_s:.2f} s | | |",
        f"| baseline: raw insert of the same {total_rows:,} rows (executemany, best of "
        f"{len(raw_runs)}) | {raw_s:.2f} s ({total_rows / raw_s:,.0f} rows/s) | | |",
        f"| - of which the {raw['contact_rows']:,} contacts | {raw['contacts']:.2f} s "
        f"({raw['contact_rows'] / raw['contacts']:,.0f} rows/s) | | |",
        f"| floor: COPY of the same rows | {floor_s:.2f} s ({total_rows / floor_s:,.0f} rows/s) "
        "| | |",
        f"| sync / raw insert | {ratio:.2f}x | <= {RATIO_TARGET:.0f}x | {mark(checks['ratio'])} |",
        f"| sync / COPY | {seconds / floor_s:.2f}x | | |",
        f"| bytes client -> HQ per change (HTTP, headers included) | {per_change:.0f} | "
        f"<= {BYTES_TARGET} | {mark(checks['bytes'])} |",
        f"| bytes client -> HQ / HQ -> client, total | {up / 1e6:.2f} MB / "
        f"{down / 1e3:.1f} kB ({requests} requests) | | |",
        f"| client peak memory (RSS) | {peak_mb:.0f} MB | <= {MEMORY_TARGET_MB} MB | "
        f"{mark(checks['memory'])} |",
        "",
        f"Raw insert: SQLAlchemy Core executemany (psycopg 3, pipelined), {chunk:,} rows per "
        "transaction, into a fresh database with HQ's schema, before and after the sync: "
        + ", ".join(f"{r['contacts'] + r['others']:.2f} s" for r in raw_runs)
        + f"; COPY: the same, by psycopg COPY FROM STDIN. Targets "
        f"{'met' if all(checks.values()) else 'NOT met'}.",
    ]
    return lines


def _pg_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar_one()).split()[0]
    finally:
        engine.dispose()


if __name__ == "__main__":
    text_ = "\n".join(run())
    print(text_)
    out = CACHE.parent
    out.mkdir(parents=True, exist_ok=True)
    (out / "sync.md").write_text(text_ + "\n", encoding="utf-8")
