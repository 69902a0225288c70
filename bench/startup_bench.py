"""Cold start to a usable signed-in main window, beside a bare PySide6 window, same run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench.common import demo_store, median, pct

RUNS = 7
PASSWORD = "bench-password"


def _probe(*args: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "bench.startup_probe", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    marks = json.loads(out.stdout.strip().splitlines()[-1])
    marks["process"] = time.perf_counter() - t0  # interpreter start-up included
    return marks


def run(*, beneficiaries: int, contacts: int) -> list[str]:
    ctx, built = demo_store(beneficiaries, contacts)
    data_dir = str(ctx.data_dir)
    ctx.close()
    bare, desk = [], []
    for _ in range(RUNS):  # interleaved, so both see the same machine noise
        bare.append(_probe("bare"))
        desk.append(_probe("desk", data_dir, PASSWORD))
    # From the first line of the program to a shown, responsive window (same interpreter
    # start-up on both sides, so it is left out of both).
    b = [m["usable"] for m in bare]
    u = [m["usable"] for m in desk]
    d = [m["dashboard"] for m in desk]
    lines = [
        f"## Cold start at {beneficiaries:,} beneficiaries and {contacts:,} contacts "
        f"({RUNS} runs each, interleaved)",
        "",
    ]
    if built:
        lines.append(f"Demo store built in {built:.0f} s.\n")
    lines += [
        "| | median | p95 |",
        "|---|---|---|",
        f"| bare PySide6 window | {median(b) * 1000:.0f} ms | {pct(b, 95) * 1000:.0f} ms |",
        f"| Eskan Desk signed in, window usable | {median(u) * 1000:.0f} ms | "
        f"{pct(u, 95) * 1000:.0f} ms |",
        f"| ratio (usable / bare) | {median(u) / median(b):.2f} | |",
        f"| Eskan Desk, dashboard figures loaded | {median(d) * 1000:.0f} ms | "
        f"{pct(d, 95) * 1000:.0f} ms |",
        "",
        "Eskan Desk, median of each step (from process start): "
        + ", ".join(
            f"{k} {median([m[k] for m in desk]) * 1000:.0f} ms"
            for k in ("qt", "store", "signed_in", "usable")
        ),
        "",
        "Target: ratio ≤ 1.5.",
    ]
    return lines
