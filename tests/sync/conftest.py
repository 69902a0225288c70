"""HQ and branch fixtures for sync tests: real databases, a real server on loopback.

HQ runs on SQLite by default; when ``ESKAN_TEST_PG_URL`` is set, the ``hq_url`` fixture is
parametrised to run each test on PostgreSQL too, each test in a database of its own.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from eskan_desk.app import STORE_FILE, AppContext, open_context
from eskan_desk.services.staff import initialize_store
from eskan_desk.sync.client import SyncClient
from eskan_desk.sync.hq import HQ
from eskan_desk.sync.transport import LocalTransport

PG_ENV = "ESKAN_TEST_PG_URL"
PASSWORD = "correct-horse-42"
BRANCHES = {"KMS": "فرع خميس مشيط", "ABH": "فرع أبها", "HQ": "المقر الرئيسي"}
for code in ("BA", "BB", "BC", "BD", "BE"):  # five more branches for concurrency tests
    BRANCHES[code] = f"فرع {code}"
BIN = Path(sys.executable).parent


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


@pytest.fixture(params=_backends())
def hq_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty HQ database URL: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'hq.sqlite3'}"
        return
    yield from pg_database()


def pg_database(prefix: str = "eskan_hq", server_url: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database on ``server_url`` (default ``ESKAN_TEST_PG_URL``), dropped
    afterwards."""
    base = make_url(server_url or os.environ[PG_ENV])
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def hq(hq_url: str) -> Iterator[HQ]:
    h = HQ.open(hq_url)
    yield h
    h.dispose()


@pytest.fixture(scope="session")
def branch_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One initialised store per branch code, made once by the real migrations."""
    out = {}
    for code, name in BRANCHES.items():
        path = tmp_path_factory.mktemp(f"tpl-{code}")
        ctx = open_context(path)
        initialize_store(
            ctx,
            branch_code=code,
            branch_name=name,
            admin_username="admin",
            admin_password=PASSWORD,
            admin_full_name="مدير النظام",
        )
        ctx.close()
        out[code] = path
    return out


@pytest.fixture
def make_branch(
    branch_templates: dict[str, Path], tmp_path: Path
) -> Iterator[Callable[..., AppContext]]:
    """``make_branch("KMS")``: a new store of that branch (a copy of its template), opened."""
    opened: list[AppContext] = []

    def make(code: str, name: str | None = None) -> AppContext:
        dest = tmp_path / (name or f"branch-{code}-{len(opened)}")
        dest.mkdir()
        shutil.copy(branch_templates[code] / STORE_FILE, dest / STORE_FILE)
        ctx = open_context(dest, create=False)
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        ctx.close()


def enroll_local(ctx: AppContext, hq: HQ, **kwargs) -> SyncClient:
    """A client of ``hq`` in this process (no HTTP), enrolled with a real one-time code."""
    from eskan_desk.services.staff import current_branch

    client = SyncClient(ctx, LocalTransport(hq), **kwargs)
    client.enroll("local", hq.issue_code(current_branch(ctx).code))
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PR_SET_PDEATHSIG = 1  # prctl(2), Linux


class HQServer:
    """``eskan-hq serve`` in a subprocess on a free loopback port."""

    def __init__(self, url: str, log: Path, workers: int = 1) -> None:
        self.database_url = url
        self.log_path = log
        self.workers = workers
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HQServer:
        env = dict(os.environ, ESKAN_HQ_DATABASE_URL=self.database_url)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                str(BIN / "eskan-hq"),
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(self.workers),
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_terminate_with_parent,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.log_path.read_text(errors="replace"))
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("HQ did not start: " + self.log_path.read_text(errors="replace"))

    def kill(self) -> None:
        """SIGKILL the server and its workers (uvicorn's children too)."""
        if self.proc and self.proc.poll() is None:
            subprocess.run(["pkill", "-9", "-P", str(self.proc.pid)], check=False)
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if getattr(self, "_log", None):
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _terminate_with_parent() -> None:
    """In the server's process before exec: SIGTERM it when the test process dies, so a run
    stopped with -x or Ctrl-C (whose fixtures never tear down) leaves no server behind."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@pytest.fixture
def hq_server(hq: HQ, hq_url: str, tmp_path: Path) -> Iterator[HQServer]:
    """A running HQ server on loopback over the ``hq`` database (schema already made)."""
    server = HQServer(hq_url, tmp_path / "hq-server.log").start()
    yield server
    server.stop()


def run_cli(*args: str, data_dir: Path | None = None, **kw) -> subprocess.CompletedProcess:
    """Run ``eskan`` (or ``eskan-hq`` when the first arg is ``hq``) as a real subprocess."""
    prog = "eskan"
    if args and args[0] == "hq":
        prog, args = "eskan-hq", args[1:]
    cmd = [str(BIN / prog)]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    env = dict(os.environ, ESKAN_LANG=kw.pop("lang", "en"))
    return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env, **kw)
